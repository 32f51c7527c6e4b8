"""Activity rules: what makes one valid, the timeline's order and where a page continues."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from shared.domain.activities import (
    Activity,
    ActivityDraft,
    Recording,
    TimelineFilter,
    TimelineOrder,
    TimelinePosition,
    is_after,
    matches,
    position_from_token,
    position_to_token,
    record_activity,
    timeline_filter,
    timeline_sort_key,
    type_name_shown,
)
from shared.domain.activity_types import ActivityType
from shared.domain.errors import InvalidContinuationToken, ValidationFailed
from shared.domain.instants import instant_text, parse_instant
from shared.domain.record_ids import time_ordered_id

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
ACTIVE = {"VISIT": ActivityType(name="Store visit"), "CALL": ActivityType(name="Phone call")}
RECORDING = Recording("USRT", "UC001", "A1", "alice", "Alice Archer", "S1", NOW)


def _draft(**changes: object) -> ActivityDraft:
    fields = {
        "activity_type_id": "VISIT",
        "subject": "  Tried on boots  ",
        "start_time": "2024-05-31T17:30:00+02:00",
    }
    fields.update(changes)
    return ActivityDraft(**fields)  # type: ignore[arg-type]


def _fields_wrong(draft: ActivityDraft) -> set[str]:
    with pytest.raises(ValidationFailed) as caught:
        record_activity(draft, ACTIVE, RECORDING)
    return {e["field"] for e in caught.value.errors}


def test_a_recorded_activity_is_in_utc_with_the_recorder_from_the_context() -> None:
    activity = record_activity(
        _draft(end_time="2024-05-31T16:00:00Z", purpose=" fitting ", outcome=""),
        ACTIVE,
        RECORDING,
    )
    assert activity.start_time == "2024-05-31T15:30:00.000Z"
    assert activity.end_time == "2024-05-31T16:00:00.000Z"
    assert activity.subject == "Tried on boots"
    assert activity.activity_type_name == "Store visit"
    assert (activity.purpose, activity.outcome) == ("fitting", None)
    assert (activity.staff_id, activity.store_id, activity.recorded_at) == (
        "alice",
        "S1",
        "2024-06-01T12:00:00.000Z",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"activity_type_id": "GONE"}, "activityTypeId"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"description": "x" * 4001}, "description"),
        ({"purpose": "x" * 1001}, "purpose"),
        ({"outcome": "x" * 1001}, "outcome"),
        ({"start_time": "2024-05-31T17:30:00"}, "startTime"),
        ({"start_time": "last tuesday"}, "startTime"),
        ({"start_time": "0001-01-01T00:00:00+01:00"}, "startTime"),
        ({"end_time": "2024-05-31T15:29:59.999Z"}, "endTime"),
    ],
)
def test_invalid_drafts_name_the_field(changes: dict, field: str) -> None:
    assert _fields_wrong(_draft(**changes)) == {field}


def test_every_problem_is_reported_at_once() -> None:
    wrong = _fields_wrong(_draft(activity_type_id="GONE", subject="", start_time="soon"))
    assert wrong == {"activityTypeId", "subject", "startTime"}


def test_an_end_equal_to_the_start_is_fine() -> None:
    activity = record_activity(_draft(end_time="2024-05-31T15:30:00Z"), ACTIVE, RECORDING)
    assert activity.end_time == activity.start_time


def test_limits_are_inclusive() -> None:
    activity = record_activity(
        _draft(subject="s" * 200, description="d" * 4000, purpose="p" * 1000), ACTIVE, RECORDING
    )
    assert len(activity.subject) == 200 and len(activity.description or "") == 4000


def test_instants_keep_milliseconds_and_sort_as_text() -> None:
    moment = parse_instant("2024-05-31T23:59:59.123456-05:00")
    assert instant_text(moment) == "2024-06-01T04:59:59.123Z"
    early, late = instant_text(parse_instant("1999-12-31T23:59:59Z")), instant_text(NOW)
    assert early < late and len(early) == len(late)


def test_the_type_name_shown_is_the_current_one_or_the_recorded_one() -> None:
    activity = record_activity(_draft(), ACTIVE, RECORDING)
    inactive = {"VISIT": ActivityType(name="Store visit (old)", active=False)}
    assert type_name_shown(activity, inactive) == "Store visit (old)"
    assert type_name_shown(activity, {}) == "Store visit"


def _activity(start: str, activity_id: str, type_id: str = "VISIT") -> Activity:
    return Activity(
        "USRT", "UC001", activity_id, type_id, "x", "s", start, None, None, None, None, "a", "A",
        "S1", start,
    )  # fmt: skip


def _page_through(
    activities: list[Activity], order: TimelineOrder, size: int
) -> list[list[Activity]]:
    """What a store does, by the domain's rules: sort, skip to the position, take a page."""
    ordered = sorted(activities, key=timeline_sort_key, reverse=order is TimelineOrder.NEWEST_FIRST)
    pages, position = [], None
    while True:
        rest = [a for a in ordered if position is None or is_after(a, position, order)]
        page = rest[:size]
        if not page:
            return pages
        pages.append(page)
        position = TimelinePosition(page[-1].start_time, page[-1].activity_id)


@pytest.mark.parametrize("order", list(TimelineOrder))
def test_pages_never_repeat_or_skip_across_equal_times(order: TimelineOrder) -> None:
    rng = random.Random(7)
    times = ["2024-05-01T10:00:00.000Z", "2024-05-02T10:00:00.000Z"]
    activities = [_activity(rng.choice(times), f"id{n:03d}") for n in range(40)]
    pages = _page_through(activities, order, size=7)
    seen = [a.activity_id for page in pages for a in page]
    assert sorted(seen) == sorted(a.activity_id for a in activities)
    assert len(seen) == len(set(seen))
    keys = [(a.start_time, a.activity_id) for page in pages for a in page]
    assert keys == sorted(keys, reverse=order is TimelineOrder.NEWEST_FIRST)


def test_upcoming_starts_now_soonest_first_unless_from_is_later() -> None:
    upcoming = timeline_filter(None, None, None, True, NOW)
    assert upcoming.order is TimelineOrder.SOONEST_FIRST
    assert upcoming.start_from == "2024-06-01T12:00:00.000Z"
    later = timeline_filter(None, "2024-07-01T00:00:00Z", None, True, NOW)
    assert later.start_from == "2024-07-01T00:00:00.000Z"
    assert timeline_filter(None, None, None, False, NOW).order is TimelineOrder.NEWEST_FIRST


def test_range_bounds_must_be_instants_in_order() -> None:
    with pytest.raises(ValidationFailed) as caught:
        timeline_filter(None, "2024-06-02T00:00:00Z", "2024-06-01T00:00:00Z", False, NOW)
    assert caught.value.errors[0]["field"] == "to"
    with pytest.raises(ValidationFailed):
        timeline_filter(None, "yesterday", None, False, NOW)


def test_filters_select_type_and_half_open_range() -> None:
    selection = TimelineFilter(
        activity_type_id="CALL",
        start_from="2024-05-01T00:00:00.000Z",
        start_before="2024-06-01T00:00:00.000Z",
    )
    assert matches(_activity("2024-05-01T00:00:00.000Z", "a", "CALL"), selection)
    assert not matches(_activity("2024-06-01T00:00:00.000Z", "b", "CALL"), selection)
    assert not matches(_activity("2024-05-10T00:00:00.000Z", "c", "VISIT"), selection)


def test_a_token_keeps_the_first_page_bounds() -> None:
    first = timeline_filter(None, None, None, True, NOW)
    token = position_to_token(TimelinePosition("2024-06-02T00:00:00.000Z", "x"), first)
    later = timeline_filter(None, None, None, True, NOW + dt.timedelta(hours=1))
    position, kept = position_from_token(token, later)
    assert position == TimelinePosition("2024-06-02T00:00:00.000Z", "x")
    assert kept.start_from == first.start_from


@pytest.mark.parametrize("token", [{}, {"t": 1, "i": "x"}, {"t": "x", "i": "y", "f": 3}])
def test_tokens_without_a_position_are_refused(token: dict) -> None:
    with pytest.raises(InvalidContinuationToken):
        position_from_token(token, TimelineFilter())


def test_record_ids_sort_in_the_order_they_were_made_even_in_one_millisecond() -> None:
    ids = [time_ordered_id(NOW) for _ in range(500)]
    assert ids == sorted(ids) and len(set(ids)) == 500
    assert time_ordered_id(NOW + dt.timedelta(seconds=1)) > ids[-1]
