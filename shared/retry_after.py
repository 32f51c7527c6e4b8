"""How long a server asked us to wait: the one reader of `Retry-After` (RFC 9110 §10.2.3).

The header is either delay-seconds (ASCII digits) or an HTTP-date. Servers and proxies also
send what the grammar does not allow (negative or fractional numbers, `nan`, a date in the
past, a number with thousands of digits); none of that may raise or make a caller sleep a
negative, infinite or NaN time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Far beyond any caller's own cap; keeps every answer a finite number a caller can compare.
MAX_SECONDS = 24 * 60 * 60.0
_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from 0 to MAX_SECONDS; None when the header is absent or unreadable
    (the caller then uses its own backoff). A date in the past means 0: retry now."""
    if header is None:
        return None
    text = header.strip()
    if not text:
        return None
    if _SECONDS.fullmatch(text):
        whole = text.split(".")[0].lstrip("0")
        # Compare by length first: int() refuses numbers of more than 4,300 digits.
        if len(whole) > len(str(int(MAX_SECONDS))):
            return MAX_SECONDS
        return min(float(text), MAX_SECONDS)
    return _seconds_until(text, now or datetime.now(UTC))


def _seconds_until(text: str, now: datetime) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: RFC 5322 says UTC, as HTTP-dates are
        when = when.replace(tzinfo=UTC)
    try:
        seconds = (when - now).total_seconds()
    except OverflowError:
        return None
    return min(max(0.0, seconds), MAX_SECONDS)
