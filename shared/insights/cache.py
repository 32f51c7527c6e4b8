"""A small thread-safe cache whose entries expire after a fixed time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class ExpiringCache(Generic[V]):
    def __init__(self, ttl_seconds: float, clock: Callable[[], float], max_entries: int = 10_000):
        self._ttl = ttl_seconds
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() >= entry[0]:
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: str, value: V) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._evict_expired_or_oldest()
            self._entries[key] = (self._clock() + self._ttl, value)

    def _evict_expired_or_oldest(self) -> None:
        now = self._clock()
        for key in [k for k, (until, _) in self._entries.items() if until <= now]:
            del self._entries[key]
        if len(self._entries) >= self._max_entries:
            # Insertion order: the first entry is the oldest.
            del self._entries[next(iter(self._entries))]
