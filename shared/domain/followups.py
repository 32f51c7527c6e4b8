"""Follow-ups: one associate's reminder to contact one customer, and why.

A follow-up is made by a rule (shared/domain/followup_rules.py) or by hand. Its id is derived
from the customer, the rule, the occurrence (the celebrated date, the last contact, ...) and
the book owner, so a rerun of the generation, or two runs side by side, make the same id and
the store keeps the first. Dates are calendar dates of the store the associate works in:
"today", "overdue" and "next 7 days" are counted from the store's local date.

States: open -> completed (with an outcome), dismissed (with a reason), expired (open past
its expiry date), cancelled (the customer left the owner's book). Only open ones change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum

from shared.domain.errors import FollowupNotOpen, ValidationFailed

MANUAL_RULE = "manual"
NEXT_DAYS = 7
MAX_TEXT = 500
MAX_SNOOZE_DAYS = 365
MANUAL_EXPIRY_DAYS = 30
# Reasons are English text; calendar.month_name would follow the host's locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


class State(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    DISMISSED = "dismissed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no-answer"
    LEFT_MESSAGE = "left-message"
    NOT_INTERESTED = "not-interested"


class Due(StrEnum):
    """The due filters of "my follow-ups" (a date range is the fourth)."""

    OVERDUE = "overdue"
    TODAY = "today"
    NEXT7 = "next7"


@dataclass(frozen=True)
class Followup:
    legal_entity: str
    followup_id: str
    owner_staff_id: str
    customer_id: str
    customer_name: str
    sort_name: str  # the book's sort key of the customer: lists sort by due date, then this
    rule_id: str  # MANUAL_RULE for a follow-up made by hand
    rule_name: str
    reason: str  # in words, e.g. "Birthday on 3 December"
    occurrence: str  # what the rule matched (part of the id); manual: the id itself
    due_date: str  # YYYY-MM-DD in the store's calendar
    expires_on: str  # YYYY-MM-DD: open after this day, it is expired
    created_at: str
    created_by: str  # staff id, or "generation"
    state: State = State.OPEN
    outcome: Outcome | None = None
    dismiss_reason: str | None = None
    activity_id: str | None = None  # the activity recorded with the completion
    closed_at: str | None = None
    closed_on: str | None = None  # the closing day in the store's calendar (weekly counts)
    closed_by: str | None = None
    snoozed_from: str | None = None  # the due date before the last snooze
    revision: int = 1

    @property
    def etag(self) -> str:
        return f"{self.followup_id}.{self.revision}"

    def is_open_on(self, today: dt.date) -> bool:
        return self.state is State.OPEN and self.expires_on >= today.isoformat()


def followup_id(
    legal_entity: str, customer_id: str, rule_id: str, occurrence: str, owner_staff_id: str
) -> str:
    """The id a rule's follow-up gets: the same inputs always give the same id.

    A hash keeps it an Identifier (route-safe) whatever the customer id holds; 96 bits make
    a collision within a legal entity's follow-ups vanishingly unlikely.
    """
    source = "\x1f".join((legal_entity, customer_id, rule_id, occurrence, owner_staff_id))
    return "fu-" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]


def completion_activity_id(followup: Followup) -> str:
    """The id of the activity a completion records: one per follow-up, so a retried or
    repeated completion finds the activity it already wrote instead of adding a second."""
    return f"{followup.followup_id}-done"


def moved_to(followup: Followup, owner_staff_id: str) -> Followup:
    """The open follow-up as the new owner's (reassignment): a rule's follow-up takes the id
    the generation would give it for that owner, so a later run does not make it twice."""
    new_id = followup.followup_id
    if followup.rule_id != MANUAL_RULE:
        new_id = followup_id(
            followup.legal_entity,
            followup.customer_id,
            followup.rule_id,
            followup.occurrence,
            owner_staff_id,
        )
    return replace(followup, followup_id=new_id, owner_staff_id=owner_staff_id, revision=1)


# -- buckets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BucketCounts:
    overdue: int = 0
    today: int = 0
    next7: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.today + self.next7


def bucket_bounds(today: dt.date) -> dict[Due, tuple[str | None, str | None]]:
    """Each bucket as an inclusive (from, to) range of due dates (None: open-ended)."""
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    return {
        Due.OVERDUE: (None, yesterday),
        Due.TODAY: (today.isoformat(), today.isoformat()),
        Due.NEXT7: (tomorrow, (today + dt.timedelta(days=NEXT_DAYS)).isoformat()),
    }


def count_buckets(due_dates: list[str], today: dt.date) -> BucketCounts:
    text = today.isoformat()
    last = (today + dt.timedelta(days=NEXT_DAYS)).isoformat()
    return BucketCounts(
        overdue=sum(1 for d in due_dates if d < text),
        today=sum(1 for d in due_dates if d == text),
        next7=sum(1 for d in due_dates if text < d <= last),
    )


def week_start(today: dt.date) -> dt.date:
    """Monday of the store's week (ISO 8601), where "completed this week" starts."""
    return today - dt.timedelta(days=today.weekday())


# -- words --------------------------------------------------------------------------------------


def day_and_month(date: dt.date) -> str:
    return f"{date.day} {_MONTHS[date.month - 1]}"


def date_reason(label: str, celebrated: dt.date) -> str:
    return f"{label} on {day_and_month(celebrated)}"


def keep_in_touch_reason(type_names: list[str], days: int) -> str:
    """ "No visit or call for 92 days" (any activity: "No contact for 92 days")."""
    what = " or ".join(name.casefold() for name in type_names) if type_names else "contact"
    return f"No {what} for {days} day{'s' if days != 1 else ''}"


def welcome_reason(added: dt.date) -> str:
    return f"Added to the client book on {day_and_month(added)}; no contact since"


def measure_reason(label: str, value: float, comparison: str, threshold: float) -> str:
    return f"{label} is {value:g} ({comparison} {threshold:g})"


# -- changes ------------------------------------------------------------------------------------


def require_open(followup: Followup) -> None:
    if followup.state is not State.OPEN:
        raise FollowupNotOpen(followup.followup_id, followup.state)


def snooze_date(raw: dt.date, today: dt.date) -> str:
    if raw <= today:
        raise ValidationFailed.single("until", "must be after today in the store's calendar")
    if (raw - today).days > MAX_SNOOZE_DAYS:
        raise ValidationFailed.single("until", f"at most {MAX_SNOOZE_DAYS} days ahead")
    return raw.isoformat()


def snoozed(followup: Followup, until: str, expires_after_days: int) -> Followup:
    """Due on `until`; the expiry moves along so a snoozed follow-up does not lapse early."""
    expires = dt.date.fromisoformat(until) + dt.timedelta(days=expires_after_days)
    return replace(
        followup,
        due_date=until,
        expires_on=max(followup.expires_on, expires.isoformat()),
        snoozed_from=followup.due_date,
        revision=followup.revision + 1,
    )


def expiry_span(followup: Followup) -> int:
    """How long the follow-up stays open after its due date (kept on snooze)."""
    due = dt.date.fromisoformat(followup.due_date)
    return max((dt.date.fromisoformat(followup.expires_on) - due).days, 1)


def closed(
    followup: Followup,
    state: State,
    staff_id: str,
    at: str,
    on: dt.date,
    *,
    outcome: Outcome | None = None,
    dismiss_reason: str | None = None,
    activity_id: str | None = None,
) -> Followup:
    return replace(
        followup,
        state=state,
        outcome=outcome,
        dismiss_reason=dismiss_reason,
        activity_id=activity_id,
        closed_at=at,
        closed_on=on.isoformat(),
        closed_by=staff_id,
        revision=followup.revision + 1,
    )


# -- stored form --------------------------------------------------------------------------------


def followup_json(followup: Followup) -> dict[str, object]:
    """The follow-up as stored (snake_case keys, enums as their text)."""
    body = dict(followup.__dict__)
    body["state"] = str(followup.state)
    body["outcome"] = str(followup.outcome) if followup.outcome else None
    return body


def followup_from_json(body: dict[str, object]) -> Followup:
    values = dict(body)
    values["state"] = State(str(values["state"]))
    values["outcome"] = Outcome(str(values["outcome"])) if values.get("outcome") else None
    return Followup(**values)  # type: ignore[arg-type]
