"""A clock tests move by hand, installed into the app's services like the system clock."""

from __future__ import annotations

import datetime as dt

from shared.composition import build_services, reset_services
from shared.settings import get_settings


class MovableClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


def install_clock(clock: MovableClock) -> None:
    """Restart the app's services (as a new process would) with `clock` as their time."""
    reset_services(build_services(get_settings(), clock=clock))
