"""When each rule kind matches, the follow-up's dates, and the worklist's buckets."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from shared.domain.followup_matching import important_date, keep_in_touch, measure, welcome
from shared.domain.followup_rules import FollowupRule
from shared.domain.followups import (
    Due,
    bucket_bounds,
    count_buckets,
    followup_id,
    keep_in_touch_reason,
    week_start,
)

D = dt.date


def rule(**fields: object) -> FollowupRule:
    return FollowupRule.model_validate({"name": "R", **fields})


BIRTHDAY = rule(kind="important-date", dateField="birthday", days=7, dueOffsetDays=1)
LAPSED = rule(kind="keep-in-touch", days=30)
WELCOME = rule(kind="welcome", days=3, expiresAfterDays=5)
SPEND = rule(kind="insights-measure", measure="Spend", comparison=">=", threshold=100)


@pytest.mark.parametrize(
    ("born", "today", "occurrence", "due"),
    [
        (D(1990, 1, 3), D(2025, 12, 30), "2026-01-03", "2025-12-31"),  # across New Year
        (D(1990, 12, 31), D(2025, 12, 31), "2025-12-31", "2026-01-01"),  # today
        (D(1996, 2, 29), D(2027, 2, 25), "2027-02-28", "2027-02-26"),  # common year: 28th
        (D(1996, 2, 29), D(2028, 2, 25), "2028-02-29", "2028-02-26"),  # leap year
    ],
)
def test_important_dates_match_within_the_window(
    born: dt.date, today: dt.date, occurrence: str, due: str
) -> None:
    match = important_date(BIRTHDAY, "Birthday", born, today)
    assert match is not None
    assert (match.occurrence, match.due_date(BIRTHDAY).isoformat()) == (occurrence, due)


def test_important_dates_outside_the_window_or_missing_do_not_match() -> None:
    assert important_date(BIRTHDAY, "Birthday", D(1990, 1, 9), D(2026, 1, 1)) is None
    assert important_date(BIRTHDAY, "Birthday", None, D(2026, 1, 1)) is None


def test_keep_in_touch_counts_from_the_last_contact_then_the_join() -> None:
    today = D(2026, 6, 30)
    assert keep_in_touch(LAPSED, [], D(2026, 6, 1), None, today) is None  # 29 days
    match = keep_in_touch(LAPSED, ["Store visit", "Phone call"], D(2026, 5, 31), None, today)
    assert match is not None and match.occurrence == "2026-05-31"
    assert match.reason == "No store visit or phone call for 30 days"
    joined = keep_in_touch(LAPSED, [], None, D(2026, 5, 1), today)
    assert joined is not None and joined.occurrence == "never:2026-05-01"
    assert keep_in_touch(LAPSED, [], None, None, today).occurrence == "never"  # type: ignore[union-attr]
    assert keep_in_touch_reason([], 1) == "No contact for 1 day"


def test_welcome_needs_no_contact_since_the_join_and_lapses() -> None:
    joined = D(2026, 6, 1)
    assert welcome(WELCOME, joined, None, D(2026, 6, 3)) is None  # 2 days
    match = welcome(WELCOME, joined, None, D(2026, 6, 4))
    assert match is not None and match.still_current(WELCOME, D(2026, 6, 4))
    assert welcome(WELCOME, joined, D(2026, 6, 2), D(2026, 6, 4)) is None
    assert not match.still_current(WELCOME, D(2026, 6, 10))  # due 4 June + 5 days


def test_a_measure_matches_numbers_across_the_threshold_once_a_month() -> None:
    today = D(2026, 6, 4)
    hit = measure(SPEND, "Spend", 150, today)
    assert hit is not None and hit.occurrence == "2026-06"
    assert hit.reason == "Spend is 150 (>= 100)"
    assert measure(SPEND, "Spend", 99.5, today) is None
    assert measure(SPEND, "Spend", None, today) is None
    assert measure(SPEND, "Spend", True, today) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "important-date", "dateField": "birthday", "days": 61},
        {"kind": "important-date", "days": 3},
        {"kind": "keep-in-touch", "days": 731},
        {"kind": "welcome", "days": 5, "activityTypeIds": ["CALL"]},
        {"kind": "insights-measure", "measure": "Spend", "comparison": ">="},
        {"kind": "welcome", "days": 5, "threshold": 3},
        {"kind": "insights-measure", "measure": "S", "comparison": "<=", "threshold": 1, "days": 1},
    ],
)
def test_rules_that_do_not_fit_their_kind_are_refused(fields: dict) -> None:
    with pytest.raises(ValidationError):
        rule(**fields)


def test_ids_are_derived_and_differ_by_each_input() -> None:
    base = ("USRT", "C1", "BDAY", "2026-01-03", "alice")
    assert followup_id(*base) == followup_id(*base)
    for index in range(len(base)):
        changed = list(base)
        changed[index] += "x"
        assert followup_id(*changed) != followup_id(*base)


def test_buckets_count_from_the_stores_today() -> None:
    today = D(2026, 1, 1)
    dues = ["2025-12-31", "2026-01-01", "2026-01-02", "2026-01-08", "2026-01-09"]
    counts = count_buckets(dues, today)
    assert (counts.overdue, counts.today, counts.next7) == (1, 1, 2)
    assert bucket_bounds(today)[Due.NEXT7] == ("2026-01-02", "2026-01-08")
    assert week_start(D(2026, 1, 4)) == D(2025, 12, 29)  # a Sunday's week began on Monday
