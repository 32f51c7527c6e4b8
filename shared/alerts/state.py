"""Where the expiry check remembers what it last alerted, per secret."""

from __future__ import annotations

import threading
from typing import Protocol

from shared.domain.secret_expiry import AlertState

__all__ = ["AlertState", "AlertStateStore", "InMemoryAlertStateStore"]


class AlertStateStore(Protocol):
    def load(self, secret_key: str) -> AlertState | None: ...

    def save(self, secret_key: str, state: AlertState) -> None: ...


class InMemoryAlertStateStore:
    """For tests and single-process local runs; durable stores live with the storage adapters."""

    def __init__(self) -> None:
        self._states: dict[str, AlertState] = {}
        self._lock = threading.Lock()

    def load(self, secret_key: str) -> AlertState | None:
        with self._lock:
            return self._states.get(secret_key)

    def save(self, secret_key: str, state: AlertState) -> None:
        with self._lock:
            self._states[secret_key] = state
