"""A short-lived, thread-safe cache of secret values keyed by reference."""

from __future__ import annotations

import threading
from collections.abc import Callable

from shared.secrets.reference import SecretReference
from shared.secrets.resolver import SecretValue


class SecretValueCache:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[str, tuple[float, SecretValue]] = {}
        self._lock = threading.Lock()

    def get(self, ref: SecretReference) -> SecretValue | None:
        with self._lock:
            entry = self._entries.get(ref.key)
            if entry is None:
                return None
            stored_until, value = entry
            if self._clock() >= stored_until:
                del self._entries[ref.key]
                return None
            return value

    def put(self, ref: SecretReference, value: SecretValue) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            self._entries[ref.key] = (self._clock() + self._ttl, value)

    def drop(self, ref: SecretReference) -> None:
        with self._lock:
            self._entries.pop(ref.key, None)
