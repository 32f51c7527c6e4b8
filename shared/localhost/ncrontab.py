"""Timer schedules as the Functions host reads them: NCRONTAB or a TimeSpan interval.

NCRONTAB has six fields, `{second} {minute} {hour} {day} {month} {day-of-week}` (the host also
takes the five-field form without seconds). Each field takes `*`, numbers, names (any prefix
of `January`..`December` and `Sunday`..`Saturday`, case-insensitive), lists `a,b`, ranges
`a-b` (reversed ranges are swapped, like NCrontab does), and steps `*/n`, `a-b/n`, `a/n` (from
a to the field's maximum). Day of week runs 0-6 from Sunday. Unlike Unix cron, a day must fit
both the day-of-month and the day-of-week fields.

A TimeSpan (`hh:mm:ss`, `hh:mm`, `d.hh:mm:ss`, or whole days `d`) runs at that interval after the
previous occurrence. All times are UTC.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

_MONTHS = tuple(calendar.month_name[1:])
_DAYS_OF_WEEK = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_TIMESPAN = re.compile(r"(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?")
# Longest day count per month (29 February happens); a day/month pair beyond it never fires.
_LONGEST_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Weekdays of a date repeat within 28 years, so a possible day/month pair fires within that.
_SEARCH_YEARS = 29


class ScheduleError(ValueError):
    """A schedule expression the host would refuse; the message quotes the expression."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()


_SECOND = _Field("second", 0, 59)
_MINUTE = _Field("minute", 0, 59)
_HOUR = _Field("hour", 0, 23)
_DAY = _Field("day", 1, 31)
_MONTH = _Field("month", 1, 12, _MONTHS)
_DAY_OF_WEEK = _Field("day-of-week", 0, 6, _DAYS_OF_WEEK)


@dataclass(frozen=True)
class CronSchedule:
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    days_of_week: frozenset[int]

    def next_after(self, after: datetime) -> datetime:
        """First occurrence strictly after `after` (whole seconds)."""
        start = after.replace(microsecond=0)
        first_day = start.date()
        for offset in range(366 * _SEARCH_YEARS):
            day = first_day + timedelta(days=offset)
            if not self._runs_on(day):
                continue
            moment = self._first_time(day, start.time() if offset == 0 else None)
            if moment is not None:
                return datetime.combine(day, moment, tzinfo=UTC)
        raise ScheduleError(f"schedule does not occur within {_SEARCH_YEARS} years")

    def _runs_on(self, day: date) -> bool:
        # Python's weekday() counts from Monday; NCRONTAB counts from Sunday.
        day_of_week = (day.weekday() + 1) % 7
        in_month = day.month in self.months and day.day in self.days
        return in_month and day_of_week in self.days_of_week

    def _first_time(self, day: date, not_before_or_at: time | None) -> time | None:
        for hour in sorted(self.hours):
            for minute in sorted(self.minutes):
                for second in sorted(self.seconds):
                    candidate = time(hour, minute, second)
                    if not_before_or_at is None or candidate > not_before_or_at:
                        return candidate
        return None


@dataclass(frozen=True)
class IntervalSchedule:
    interval: timedelta

    def next_after(self, after: datetime) -> datetime:
        return after + self.interval


Schedule = CronSchedule | IntervalSchedule


def parse_schedule(expression: str) -> Schedule:
    """Parse NCRONTAB (six or five fields) or a TimeSpan; ScheduleError says what is wrong."""
    text = expression.strip()
    fields = text.split()
    try:
        if len(fields) in (5, 6):
            return _parse_cron(fields)
        if len(fields) == 1:
            return _parse_timespan(text)
        raise ValueError(f"expected 6 fields (or 5, or a TimeSpan), found {len(fields)}")
    except ValueError as error:
        raise ScheduleError(f"schedule {expression!r}: {error}") from None


def next_occurrence(expression: str, after: datetime) -> datetime:
    """Next time (UTC) the schedule fires strictly after `after` (naive times are taken as UTC)."""
    moment = after.replace(tzinfo=UTC) if after.tzinfo is None else after.astimezone(UTC)
    return parse_schedule(expression).next_after(moment)


def _parse_cron(fields: list[str]) -> CronSchedule:
    if len(fields) == 5:
        fields = ["0", *fields]
    kinds = (_SECOND, _MINUTE, _HOUR, _DAY, _MONTH, _DAY_OF_WEEK)
    values = [_parse_field(text, kind) for text, kind in zip(fields, kinds, strict=True)]
    schedule = CronSchedule(*values)
    if not any(
        day <= _LONGEST_MONTHS[month - 1] for month in schedule.months for day in schedule.days
    ):
        raise ValueError("no month has such a day, so the schedule never occurs")
    return schedule


def _parse_field(text: str, kind: _Field) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        values |= _parse_item(item, kind)
    return frozenset(values)


def _parse_item(item: str, kind: _Field) -> set[int]:
    base, slash, step_text = item.partition("/")
    step = _parse_step(step_text, kind) if slash else 1
    if base == "*":
        low, high = kind.low, kind.high
    elif "-" in base[1:]:
        first, _, last = base.partition("-")
        low, high = sorted((_parse_value(first, kind), _parse_value(last, kind)))
    else:
        low = _parse_value(base, kind)
        high = kind.high if slash else low
    return set(range(low, high + 1, step))


def _parse_step(text: str, kind: _Field) -> int:
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"{kind.name} step {text!r} must be a positive whole number")
    return int(text)


def _parse_value(text: str, kind: _Field) -> int:
    if text.isdigit():
        value = int(text)
        if not kind.low <= value <= kind.high:
            raise ValueError(f"{kind.name} {value} is outside {kind.low}-{kind.high}")
        return value
    if text:
        for index, name in enumerate(kind.names):
            if name.lower().startswith(text.lower()):
                return kind.low + index
    raise ValueError(
        f"{kind.name} value {text!r} is not a number in {kind.low}-{kind.high}"
        + (f" or a name ({', '.join(kind.names)})" if kind.names else "")
    )


def _parse_timespan(text: str) -> IntervalSchedule:
    if text.isdigit():
        interval = timedelta(days=int(text))
    else:
        match = _TIMESPAN.fullmatch(text)
        if match is None:
            raise ValueError("not NCRONTAB and not a TimeSpan (hh:mm:ss)")
        days, hours, minutes, seconds, fraction = match.groups()
        if int(hours) > 23 or int(minutes) > 59 or int(seconds or 0) > 59:
            raise ValueError("TimeSpan hours must be 0-23, minutes and seconds 0-59")
        interval = timedelta(
            days=int(days or 0),
            hours=int(hours),
            minutes=int(minutes),
            seconds=int(seconds or 0),
            microseconds=int((fraction or "0").ljust(7, "0")) // 10,
        )
    if interval <= timedelta(0):
        raise ValueError("a TimeSpan schedule must be longer than zero")
    return IntervalSchedule(interval)
