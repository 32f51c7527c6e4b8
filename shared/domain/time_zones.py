"""Store time zones: which names are valid and what date it is in a store.

A store's "today" (upcoming birthdays, day boundaries) is its local calendar date: at 09:00
on the 21st in Auckland it is 12:00 on the 20th in Los Angeles, and a UTC date would show
either store the wrong day's birthdays for part of every trading day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, Field, StringConstraints

DEFAULT_TIME_ZONE = "UTC"

# Names the host's zone directory may hold that are not IANA zones but aliases of the
# machine's own setting: a store's day must not depend on how a server is configured.
_HOST_ALIASES = frozenset({"localtime", "posixrules"})


@cache
def _known_zones() -> frozenset[str]:
    # The IANA database zoneinfo sees: the system's, or the tzdata package where there is
    # none. Read once; it is some 600 names.
    return frozenset(available_timezones()) - _HOST_ALIASES


def checked_time_zone(name: str) -> str:
    """`name` itself if it is an IANA time zone (exact spelling), else ValueError saying why."""
    if name not in _known_zones():
        raise ValueError("must be an IANA time zone name such as Europe/Paris or UTC")
    return name


TimeZoneName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(checked_time_zone),
    Field(
        description="IANA time zone of the store (e.g. Europe/Paris); its local date is"
        " the store's today"
    ),
]


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(moment: dt.datetime, time_zone: str) -> dt.date:
    """The calendar date at `moment` (timezone-aware) in `time_zone`."""
    return moment.astimezone(_zone(time_zone)).date()


def local_time(moment: dt.datetime, time_zone: str) -> dt.time:
    """The wall-clock time at `moment` (timezone-aware) in `time_zone` (quiet hours)."""
    return moment.astimezone(_zone(time_zone)).time()
