"""The one Retry-After reader: whatever a server sends, a finite wait from 0 to a day, or None."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.retry_after import MAX_SECONDS, retry_after_seconds

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("7", 7.0),
        (" 12 ", 12.0),
        ("1.5", 1.5),
        ("-5", None),
        ("nan", None),
        ("NaN", None),
        ("inf", None),
        ("-inf", None),
        ("1e3", None),
        ("\u0663", None),  # an Arabic-Indic digit: not delay-seconds
        ("soon", None),
        ("9" * 5000, MAX_SECONDS),
        ("100000000", MAX_SECONDS),
        ("0" * 40 + "3", 3.0),
        ("Tue, 01 Jan 2030 09:00:30 GMT", 30.0),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),  # in the past: retry now
        ("Sun, 06 Nov 1994 08:49:37 -0000", 0.0),  # a date without a zone
        ("Tue, 01 Jan 2030 09:00:30 -0000", 30.0),
        ("Fri, 01 Jan 2100 00:00:00 GMT", MAX_SECONDS),
        ("Mon, 99 Foo 1994 08:49:37 GMT", None),
    ],
)
def test_examples(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


@given(header=st.text(max_size=80))
@settings(max_examples=500, deadline=None)
def test_any_text_is_a_finite_wait_or_none(header: str) -> None:
    seconds = retry_after_seconds(header, NOW)
    assert seconds is None or (math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS)


# Four-digit years: RFC 5322 reads years below 100 as two-digit ones (68 is 2068).
@given(moment=st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)))
@settings(max_examples=300, deadline=None)
def test_any_http_date_is_the_time_until_it_within_bounds(moment: datetime) -> None:
    header = format_datetime(moment.replace(microsecond=0), usegmt=True)
    expected = (moment.replace(microsecond=0) - NOW) / timedelta(seconds=1)
    assert retry_after_seconds(header, NOW) == min(max(0.0, expected), MAX_SECONDS)


@given(number=st.integers(min_value=0, max_value=10**30))
def test_any_delay_seconds_is_taken_up_to_a_day(number: int) -> None:
    assert retry_after_seconds(str(number), NOW) == min(float(number), MAX_SECONDS)
