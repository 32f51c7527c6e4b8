"""The years a date or a point in time we store may fall in, and reading dates.

1900 to 2100 covers every birthday, anniversary, visit and appointment a store records. A
year outside it is a typo ("0024", "2204") or a probe, and accepting it would sort such
customers first or last in every list and upcoming-date window; so it is a 400 naming the field.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
YEARS = f"between the years {EARLIEST_YEAR} and {LATEST_YEAR}"


def year_problem(year: int) -> str | None:
    """Why a date in `year` may not be stored, or None."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return f"must be {YEARS}"
    return None


def checked_date(value: dt.date) -> dt.date:
    """`value` itself, or ValueError if it falls outside the years we store."""
    problem = year_problem(value.year)
    if problem is not None:
        raise ValueError(problem)
    return value


def parse_date(text: str) -> dt.date:
    """An ISO date ("2024-05-31") within the years we store, or ValueError saying why not."""
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a date like 2024-05-31") from None
    return checked_date(value)
