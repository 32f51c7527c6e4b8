"""Ids of records that grow without bound (activities, notes): unique and time-ordered.

12 hex digits of milliseconds since the epoch, 4 of a sequence within the millisecond, 12
random: 28 characters that sort in the order this process made them (so ties on a time are
broken "later first" when listing newest first), and random enough that two instances never
collide.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading

MAX_SEQUENCE = 0xFFFF


class _Sequence:
    """Milliseconds and a counter that never go backwards in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = (-1, 0)

    def next(self, milliseconds: int) -> tuple[int, int]:
        with self._lock:
            last_ms, sequence = self._last
            if milliseconds > last_ms:
                step = (milliseconds, 0)
            elif sequence < MAX_SEQUENCE:  # same millisecond, or the clock stepped back
                step = (last_ms, sequence + 1)
            else:
                step = (last_ms + 1, 0)
            self._last = step
            return step


_sequence = _Sequence()


def time_ordered_id(now: dt.datetime) -> str:
    milliseconds, sequence = _sequence.next(int(now.timestamp() * 1000))
    return f"{milliseconds:012x}{sequence:04x}{secrets.token_hex(6)}"
