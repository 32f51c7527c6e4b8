"""When a rule matches a customer, and what follow-up it asks for (pure functions).

Each rule kind answers a `Match`: the occurrence (part of the follow-up's id, so a rerun
matches the same occurrence and makes nothing new), the day the rule matched, and the reason
in words. The due date is that day plus the rule's offset; it expires `expiresAfterDays`
later. A match whose follow-up would already be expired is dropped, so a first run over an
old book does not fill worklists with stale work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.domain.followup_rules import FollowupRule
from shared.domain.followups import (
    date_reason,
    keep_in_touch_reason,
    measure_reason,
    welcome_reason,
)
from shared.domain.important_dates import next_celebration

NEVER = "never"


@dataclass(frozen=True)
class Match:
    occurrence: str
    matched_on: dt.date
    reason: str

    def due_date(self, rule: FollowupRule) -> dt.date:
        return self.matched_on + dt.timedelta(days=rule.due_offset_days)

    def expires_on(self, rule: FollowupRule) -> dt.date:
        return self.due_date(rule) + dt.timedelta(days=rule.expires_after_days)

    def still_current(self, rule: FollowupRule, today: dt.date) -> bool:
        return self.expires_on(rule) >= today


def important_date(
    rule: FollowupRule, label: str, date: dt.date | None, today: dt.date
) -> Match | None:
    """The next celebration (29 February: 28 February in common years, as the book's
    upcoming filter) is at most `days` away. The occurrence is the celebrated date, so each
    year gets its own follow-up, also across the turn of the year."""
    if date is None or rule.days is None:
        return None
    celebrated = next_celebration(date, today)
    if (celebrated - today).days > rule.days:
        return None
    matched_on = max(celebrated - dt.timedelta(days=rule.days), today)
    return Match(celebrated.isoformat(), matched_on, date_reason(label, celebrated))


def keep_in_touch(
    rule: FollowupRule,
    type_names: list[str],
    last_contact: dt.date | None,
    joined: dt.date | None,
    today: dt.date,
) -> Match | None:
    """No contact of the selected types for `days` days. The occurrence is the last contact
    (a new contact starts a new count); never contacted counts from the book join when known.
    """
    assert rule.days is not None
    since = last_contact or joined
    if since is None:
        # Held before joins were recorded and never contacted: one follow-up, now.
        return Match(NEVER, today, keep_in_touch_reason(type_names, rule.days))
    silent = (today - since).days
    if silent < rule.days:
        return None
    occurrence = since.isoformat() if last_contact else f"{NEVER}:{since.isoformat()}"
    # Matched today, however long the silence: a long-lapsed customer is the one to call.
    return Match(occurrence, today, keep_in_touch_reason(type_names, silent))


def welcome(
    rule: FollowupRule, joined: dt.date | None, last_contact: dt.date | None, today: dt.date
) -> Match | None:
    """Joined `days` days ago or more, and no activity since the join."""
    assert rule.days is not None
    if joined is None or (today - joined).days < rule.days:
        return None
    if last_contact is not None and last_contact >= joined:
        return None
    return Match(joined.isoformat(), joined + dt.timedelta(days=rule.days), welcome_reason(joined))


def measure(rule: FollowupRule, label: str, value: object, today: dt.date) -> Match | None:
    """The measure meets the threshold. Insights keeps no history we could read a crossing
    from, so the occurrence is the month: at most one follow-up per customer, rule and month
    while the value stays across."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not rule.crosses(float(value)):
        return None
    assert rule.comparison is not None and rule.threshold is not None
    return Match(
        f"{today.year:04d}-{today.month:02d}",
        today,
        measure_reason(label, float(value), rule.comparison, rule.threshold),
    )
