"""Upcoming birthdays and anniversaries: the window, the year end, 29 February."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.important_dates import is_upcoming, month_day, upcoming_ranges


def test_a_window_inside_one_month_is_one_range() -> None:
    assert upcoming_ranges(dt.date(2025, 6, 1), 14) == (("06-01", "06-14"),)


def test_the_window_starts_today_and_lasts_the_given_days() -> None:
    today = dt.date(2025, 6, 1)
    assert is_upcoming(dt.date(1980, 6, 1), today, 1)
    assert not is_upcoming(dt.date(1980, 6, 2), today, 1)
    assert is_upcoming(dt.date(1980, 6, 14), today, 14)
    assert not is_upcoming(dt.date(1980, 6, 15), today, 14)
    assert not is_upcoming(dt.date(1980, 5, 31), today, 14)


def test_a_window_over_the_year_end_wraps_into_january() -> None:
    today = dt.date(2025, 12, 25)
    assert upcoming_ranges(today, 10) == (("01-01", "01-03"), ("12-25", "12-31"))
    assert is_upcoming(dt.date(1990, 1, 2), today, 10)
    assert not is_upcoming(dt.date(1990, 1, 4), today, 10)
    assert not is_upcoming(dt.date(1990, 12, 24), today, 10)


def test_leap_day_birthdays_show_on_28_february_in_common_years() -> None:
    leap_born = dt.date(2000, 2, 29)
    up_to_28th = (dt.date(2025, 2, 20), 9)  # 20..28 February 2025
    assert is_upcoming(leap_born, *up_to_28th)
    assert upcoming_ranges(*up_to_28th) == (("02-20", "02-29"),)
    assert not is_upcoming(leap_born, dt.date(2025, 2, 20), 8)  # ends on the 27th
    assert not is_upcoming(leap_born, dt.date(2025, 3, 1), 30)


def test_in_leap_years_leap_day_birthdays_wait_for_29_february() -> None:
    leap_born = dt.date(2000, 2, 29)
    assert not is_upcoming(leap_born, dt.date(2028, 2, 20), 9)  # 20..28 February 2028
    assert is_upcoming(leap_born, dt.date(2028, 2, 20), 10)
    assert upcoming_ranges(dt.date(2028, 2, 20), 9) == (("02-20", "02-28"),)


def test_a_window_of_366_days_holds_every_date() -> None:
    assert upcoming_ranges(dt.date(2025, 7, 9), 366) == (("01-01", "12-31"),)
    assert upcoming_ranges(dt.date(2027, 3, 1), 366) == (("01-01", "12-31"),)


@pytest.mark.parametrize("days", [0, 367, -3])
def test_windows_outside_1_to_366_days_are_refused(days: int) -> None:
    with pytest.raises(ValueError):
        upcoming_ranges(dt.date(2025, 1, 1), days)


@pytest.mark.parametrize(
    "today",
    [
        *(dt.date(2025, 1, 1), dt.date(2025, 2, 27), dt.date(2024, 2, 28), dt.date(2025, 12, 31)),
        *(dt.date(2023, 11, 20), dt.date(2027, 12, 15), dt.date(2028, 2, 1)),
    ],
)
@pytest.mark.parametrize("days", [1, 2, 7, 30, 45, 365, 366])
def test_the_ranges_storage_queries_agree_with_the_rule_for_every_date(
    today: dt.date, days: int
) -> None:
    ranges = upcoming_ranges(today, days)
    every_day = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366)]
    for date in every_day:
        in_ranges = any(low <= month_day(date) <= high for low, high in ranges)
        assert in_ranges == is_upcoming(date, today, days), (date, today, days)
