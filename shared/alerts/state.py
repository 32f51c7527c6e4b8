"""Where the expiry check remembers what it last sent each alert channel, per secret.

Per channel, so that a channel that failed is retried on the next run while the ones that
delivered are not repeated. A state saved before delivery was kept per channel (one per
secret) counts for every channel that has none of its own.
"""

from __future__ import annotations

import threading
from typing import Protocol

from shared.domain.secret_expiry import AlertState

__all__ = ["AlertState", "AlertStateStore", "InMemoryAlertStateStore"]


class AlertStateStore(Protocol):
    def load(self, secret_key: str, channel: str) -> AlertState | None:
        """What `channel` was last sent for the secret; None if nothing yet."""
        ...

    def save(self, secret_key: str, channel: str, state: AlertState) -> None:
        """Record that `channel` took the alert (or resolve) that `state` describes."""
        ...


class InMemoryAlertStateStore:
    """For tests and single-process local runs; durable stores live with the storage adapters."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str], AlertState] = {}
        self._lock = threading.Lock()

    def load(self, secret_key: str, channel: str) -> AlertState | None:
        with self._lock:
            return self._states.get((secret_key, channel))

    def save(self, secret_key: str, channel: str, state: AlertState) -> None:
        with self._lock:
            self._states[(secret_key, channel)] = state
