"""Upcoming important dates: which birthdays and anniversaries fall in the next N days.

Dates are compared by month and day only ("MM-DD" text, which sorts in calendar order), so
a store can ask "whose birthday is in the next two weeks" with a range condition that both
SQL and Cosmos SQL evaluate on an indexed string. The window is N days starting today, so
`days=1` means today and `days=366` is every day of any year.
"""

from __future__ import annotations

import calendar
import datetime as dt

MAX_UPCOMING_DAYS = 366
LEAP_DAY = "02-29"

MonthDayRange = tuple[str, str]  # inclusive ("MM-DD", "MM-DD"), start <= end

# Every month-day of a leap year, in calendar order: the space the ranges are drawn in.
_CALENDAR = [
    f"{month:02d}-{day:02d}"
    for month in range(1, 13)
    for day in range(1, calendar.monthrange(2024, month)[1] + 1)
]


def month_day(date: dt.date) -> str:
    """The "MM-DD" key of a date, as stored next to each customer."""
    return f"{date.month:02d}-{date.day:02d}"


def window_month_days(today: dt.date, days: int) -> set[str]:
    """The month-days that count as "within the next `days` days" from `today`.

    Customers born on 29 February celebrate on 28 February in other years, so a window that
    contains 28 February of a common year also contains "02-29".
    """
    if not 1 <= days <= MAX_UPCOMING_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_UPCOMING_DAYS}")
    found: set[str] = set()
    for offset in range(days):
        date = today + dt.timedelta(days=offset)
        found.add(month_day(date))
        if date.month == 2 and date.day == 28 and not calendar.isleap(date.year):
            found.add(LEAP_DAY)
    return found


def upcoming_ranges(today: dt.date, days: int) -> tuple[MonthDayRange, ...]:
    """The window as at most three contiguous month-day ranges (two when it wraps the year)."""
    wanted = window_month_days(today, days)
    ranges: list[MonthDayRange] = []
    start: str | None = None
    previous: str | None = None
    for key in _CALENDAR:
        if key in wanted:
            start = start or key
            previous = key
        elif start is not None and previous is not None:
            ranges.append((start, previous))
            start = None
    if start is not None and previous is not None:
        ranges.append((start, previous))
    return tuple(ranges)


def next_celebration(date: dt.date, today: dt.date) -> dt.date:
    """The first day on or after `today` that celebrates `date` (29 Feb -> 28 Feb if needed)."""
    for year in (today.year, today.year + 1):
        day = date.day
        if date.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        celebrated = dt.date(year, date.month, day)
        if celebrated >= today:
            return celebrated
    raise AssertionError("unreachable: next year always celebrates")


def is_upcoming(date: dt.date | None, today: dt.date, days: int) -> bool:
    """Does this birthday or anniversary fall within the next `days` days (today included)?"""
    if date is None:
        return False
    return (next_celebration(date, today) - today).days < days
