"""Points in time as the API and the stores write them: ISO 8601, UTC, milliseconds, a Z.

The text form has a fixed width ("2024-05-31T17:30:00.000Z"), so comparing two of them as
strings gives the same answer as comparing the times. Stores sort and page on it directly.
"""

from __future__ import annotations

import datetime as dt

from shared.domain.dates import year_problem


def instant_text(moment: dt.datetime) -> str:
    """The fixed-width UTC text of an aware datetime."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 date-time with an offset ("Z" or "+02:00"), as aware UTC to the millisecond.

    ValueError says what is wrong: no offset is an error, not "assume UTC", because a POS in
    another time zone would otherwise record appointments hours off.
    """
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time like 2024-05-31T17:30:00+02:00") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("must include a UTC offset, e.g. Z or +02:00")
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("is out of range") from None
    problem = year_problem(utc.year)
    if problem is not None:
        raise ValueError(problem)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
