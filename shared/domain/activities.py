"""Activities an associate records about a customer, and the order of the timeline.

Plain Python: what makes an activity valid, what it holds once recorded, how the timeline
is ordered and where a page of it continues. Storage adapters implement the same order in
their queries; a contract test checks them against `timeline_sort_key`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.domain.activity_types import ActivityType
from shared.domain.errors import InvalidContinuationToken, ValidationFailed
from shared.domain.instants import instant_text, parse_instant
from shared.domain.text import text_problem

MAX_SUBJECT = 200
MAX_DESCRIPTION = 4_000
MAX_PURPOSE = 1_000
MAX_OUTCOME = 1_000


@dataclass(frozen=True)
class ActivityDraft:
    """What the associate sends; the recorder, store and time of recording are not theirs."""

    activity_type_id: str
    subject: str
    start_time: str
    end_time: str | None = None
    description: str | None = None
    purpose: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Recording:
    """Who records, where and when: taken from the token, the route and the clock."""

    legal_entity: str
    customer_id: str
    activity_id: str
    staff_id: str
    staff_name: str
    store_id: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Activity:
    legal_entity: str
    customer_id: str
    activity_id: str
    activity_type_id: str
    # The type's name when recorded; shown if the type is later removed from the data.
    activity_type_name: str
    subject: str
    start_time: str  # instant_text: UTC, fixed width, sorts as time
    end_time: str | None
    description: str | None
    purpose: str | None
    outcome: str | None
    staff_id: str
    staff_name: str
    store_id: str
    recorded_at: str
    # Messages sent to the customer are activities too: their channel ("email", "sms") and
    # delivery status (shared/domain/outreach_messages.py). None on everything else.
    channel: str | None = None
    delivery_status: str | None = None


def _text_problem(
    value: str | None, limit: int, required: bool, multiline: bool = True
) -> str | None:
    if value is None or value.strip() == "":
        return "required" if required else None
    if len(value) > limit:
        return f"must be at most {limit:,} characters"
    return text_problem(value, multiline)


def _optional(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    return value.strip()


def record_activity(
    draft: ActivityDraft, active_types: Mapping[str, ActivityType], recording: Recording
) -> Activity:
    """The activity `draft` becomes, or ValidationFailed naming every field that is wrong.

    The type must be active in the published configuration: a deactivated type stays on the
    activities recorded with it but takes no new ones.
    """
    errors: list[dict[str, str]] = []

    def problem(field: str, message: str | None) -> None:
        if message:
            errors.append({"field": field, "message": message})

    activity_type = active_types.get(draft.activity_type_id)
    if activity_type is None:
        problem("activityTypeId", f"{draft.activity_type_id!r} is not an active activity type")
    problem("subject", _text_problem(draft.subject, MAX_SUBJECT, required=True, multiline=False))
    problem("description", _text_problem(draft.description, MAX_DESCRIPTION, required=False))
    problem("purpose", _text_problem(draft.purpose, MAX_PURPOSE, required=False))
    problem("outcome", _text_problem(draft.outcome, MAX_OUTCOME, required=False))
    start = _instant(draft.start_time, "startTime", errors)
    end = _instant(draft.end_time, "endTime", errors) if draft.end_time is not None else None
    if start is not None and end is not None and end < start:
        problem("endTime", "must not be before startTime")
    if errors:
        raise ValidationFailed(errors)
    assert activity_type is not None and start is not None
    return Activity(
        legal_entity=recording.legal_entity,
        customer_id=recording.customer_id,
        activity_id=recording.activity_id,
        activity_type_id=draft.activity_type_id,
        activity_type_name=activity_type.name,
        subject=draft.subject.strip(),
        start_time=instant_text(start),
        end_time=instant_text(end) if end is not None else None,
        description=_optional(draft.description),
        purpose=_optional(draft.purpose),
        outcome=_optional(draft.outcome),
        staff_id=recording.staff_id,
        staff_name=recording.staff_name,
        store_id=recording.store_id,
        recorded_at=instant_text(recording.recorded_at),
    )


def _instant(text: str | None, field: str, errors: list[dict[str, str]]) -> dt.datetime | None:
    if text is None or text.strip() == "":
        errors.append({"field": field, "message": "required"})
        return None
    try:
        return parse_instant(text)
    except ValueError as problem:
        errors.append({"field": field, "message": str(problem)})
        return None


def type_name_shown(activity: Activity, known_types: Mapping[str, ActivityType]) -> str:
    """The type's current name (active or not); the name recorded with it if it is gone."""
    current = known_types.get(activity.activity_type_id)
    return current.name if current is not None else activity.activity_type_name


class TimelineOrder(StrEnum):
    NEWEST_FIRST = "newest-first"  # the timeline: startTime descending
    SOONEST_FIRST = "soonest-first"  # upcoming appointments: startTime ascending


@dataclass(frozen=True)
class TimelinePosition:
    """The last activity of a page: the next page starts strictly after it.

    The activity id breaks ties between equal start times, so a page boundary that falls
    inside a run of equal times neither repeats nor skips an activity.
    """

    start_time: str
    activity_id: str


@dataclass(frozen=True)
class TimelineFilter:
    order: TimelineOrder = TimelineOrder.NEWEST_FIRST
    activity_type_id: str | None = None
    start_from: str | None = None  # inclusive
    start_before: str | None = None  # exclusive


def timeline_sort_key(activity: Activity) -> tuple[str, str]:
    """Sort key of both orders: NEWEST_FIRST sorts on it descending, SOONEST_FIRST ascending."""
    return (activity.start_time, activity.activity_id)


def is_after(activity: Activity, position: TimelinePosition, order: TimelineOrder) -> bool:
    """Does `activity` come after `position` in `order` (the keyset rule of every store)?"""
    key = timeline_sort_key(activity)
    mark = (position.start_time, position.activity_id)
    return key < mark if order is TimelineOrder.NEWEST_FIRST else key > mark


def matches(activity: Activity, selection: TimelineFilter) -> bool:
    if selection.activity_type_id and activity.activity_type_id != selection.activity_type_id:
        return False
    if selection.start_from and activity.start_time < selection.start_from:
        return False
    return not (selection.start_before and activity.start_time >= selection.start_before)


def timeline_filter(
    activity_type_id: str | None,
    start_from: str | None,
    start_before: str | None,
    upcoming: bool,
    now: dt.datetime,
) -> TimelineFilter:
    """The filter a timeline request asks for; ValidationFailed for unreadable bounds.

    `upcoming` lists what has not started yet (startTime at or after now), soonest first.
    """
    errors: list[dict[str, str]] = []
    lower = _instant(start_from, "from", errors) if start_from is not None else None
    upper = _instant(start_before, "to", errors) if start_before is not None else None
    if lower is not None and upper is not None and upper <= lower:
        errors.append({"field": "to", "message": "must be after from"})
    if errors:
        raise ValidationFailed(errors)
    if upcoming:
        lower = max(lower, now) if lower is not None else now
    return TimelineFilter(
        order=TimelineOrder.SOONEST_FIRST if upcoming else TimelineOrder.NEWEST_FIRST,
        activity_type_id=activity_type_id,
        start_from=instant_text(lower) if lower is not None else None,
        start_before=instant_text(upper) if upper is not None else None,
    )


def position_to_token(position: TimelinePosition, selection: TimelineFilter) -> dict[str, Any]:
    """What a continuation token holds: the position, and the bounds fixed on the first page.

    Keeping `start_from` keeps an upcoming list stable while it is paged: "now" is the time
    of the first page, so nothing moves between pages as the clock runs.
    """
    return {"t": position.start_time, "i": position.activity_id, "f": selection.start_from}


def position_from_token(
    token: Mapping[str, Any], selection: TimelineFilter
) -> tuple[TimelinePosition, TimelineFilter]:
    start_time, activity_id, start_from = token.get("t"), token.get("i"), token.get("f")
    if not (isinstance(start_time, str) and isinstance(activity_id, str)):
        raise InvalidContinuationToken("continuationToken does not hold a timeline position")
    if start_from is not None and not isinstance(start_from, str):
        raise InvalidContinuationToken("continuationToken does not hold a timeline position")
    fixed = TimelineFilter(
        selection.order, selection.activity_type_id, start_from, selection.start_before
    )
    return TimelinePosition(start_time, activity_id), fixed
