"""Timer schedules: NCRONTAB and TimeSpan next occurrences, as the Functions host computes them."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.localhost.ncrontab import ScheduleError, next_occurrence


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # every five minutes, from mid-interval
        ("0 */5 * * * *", at(2024, 1, 1, 10, 2, 30), at(2024, 1, 1, 10, 5, 0)),
        # strictly after: an occurrence at `after` itself is not returned
        ("0 0 * * * *", at(2024, 1, 1, 10, 0, 0), at(2024, 1, 1, 11, 0, 0)),
        # list of hours
        ("0 0 8,12,18 * * *", at(2024, 1, 1, 12, 0, 0), at(2024, 1, 1, 18, 0, 0)),
        # range with a step: seconds 10, 15, 20
        ("10-20/5 * * * * *", at(2024, 1, 1, 12, 0, 20), at(2024, 1, 1, 12, 1, 10)),
        # a single value with a step runs to the field's maximum: 15, 35, 55
        ("15/20 * * * * *", at(2024, 1, 1, 12, 0, 55), at(2024, 1, 1, 12, 1, 15)),
        # weekdays by name: Friday 09:30 -> Monday 09:30
        ("0 30 9 * * Mon-Fri", at(2024, 1, 5, 9, 30, 0), at(2024, 1, 8, 9, 30, 0)),
        # day of week by number, 0 is Sunday
        ("0 0 9 * * 0", at(2024, 1, 1), at(2024, 1, 7, 9, 0, 0)),
        # full names and any-case prefixes are accepted
        ("0 0 6 * july,AUG saturday", at(2024, 7, 1), at(2024, 7, 6, 6, 0, 0)),
        # day 31 skips the months without one
        ("0 0 0 31 * *", at(2024, 1, 31), at(2024, 3, 31)),
        # 29 February waits for the next leap year
        ("0 0 12 29 Feb *", at(2024, 3, 1), at(2028, 2, 29, 12, 0, 0)),
        # month and year wrap
        ("0 0 0 1 Jan *", at(2024, 12, 31, 23, 59, 59), at(2025, 1, 1)),
        # a day must match both day and day of week (Friday the 13th)
        ("0 0 0 13 * Fri", at(2024, 1, 1), at(2024, 9, 13)),
        ("0 0 0 13 * Fri", at(2024, 9, 13), at(2024, 12, 13)),
        # reversed ranges are swapped, as NCrontab does
        ("0 0 0 * * 5-1", at(2024, 1, 6), at(2024, 1, 8)),
        # the five-field form (no seconds) that the host also accepts
        ("*/15 * * * *", at(2024, 1, 1, 10, 7, 0), at(2024, 1, 1, 10, 15, 0)),
        # every second
        ("* * * * * *", at(2024, 1, 1, 10, 0, 0), at(2024, 1, 1, 10, 0, 1)),
    ],
)
def test_next_occurrence_of_ncrontab(expression: str, after: datetime, expected: datetime) -> None:
    assert next_occurrence(expression, after) == expected


def test_fractions_of_a_second_do_not_delay_the_next_second() -> None:
    after = at(2024, 1, 1, 10, 0, 0).replace(microsecond=999_999)
    assert next_occurrence("* * * * * *", after) == at(2024, 1, 1, 10, 0, 1)


def test_times_in_other_zones_are_converted_to_utc() -> None:
    paris = timezone(timedelta(hours=1))
    after = datetime(2024, 1, 1, 11, 30, tzinfo=paris)  # 10:30 UTC
    assert next_occurrence("0 0 * * * *", after) == at(2024, 1, 1, 11, 0, 0)


@pytest.mark.parametrize(
    ("expression", "interval"),
    [
        ("00:05:00", timedelta(minutes=5)),
        ("01:30", timedelta(hours=1, minutes=30)),
        ("1.02:00:00", timedelta(days=1, hours=2)),
        ("2", timedelta(days=2)),
        ("00:00:01.5", timedelta(seconds=1, milliseconds=500)),
    ],
)
def test_timespan_schedules_run_at_a_fixed_interval(expression: str, interval: timedelta) -> None:
    after = at(2024, 1, 1, 10, 0, 7)
    assert next_occurrence(expression, after) == after + interval


@pytest.mark.parametrize(
    ("expression", "mentions"),
    [
        ("61 * * * * *", "second 61"),
        ("* * * * * 7", "day-of-week 7"),
        ("* * * * * Funday", "'Funday'"),
        ("* * * *", "found 4"),
        ("*/0 * * * * *", "step"),
        ("0 0 0 30 Feb *", "never occurs"),
        ("00:60:00", "TimeSpan"),
        ("00:00:00", "longer than zero"),
        ("every minute", "found 2"),
    ],
)
def test_invalid_schedules_are_refused_with_the_reason(expression: str, mentions: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        next_occurrence(expression, at(2024, 1, 1))
    assert mentions in str(refused.value)
    assert repr(expression) in str(refused.value)
