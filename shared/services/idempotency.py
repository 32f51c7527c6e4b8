"""Retries of creating requests: a repeated Idempotency-Key returns the first result.

The key is reserved before any work, together with the id the request will create under.
A retry with the same key and body therefore either replays the stored first result, or (if
the first attempt is still running, or died after writing) creates under the same id, which
the stores treat as "already there": in no case does a retry create a second record.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.domain.errors import ClientelingError, IdempotencyKeyReused
from shared.domain.instants import instant_text
from shared.ports.clock import Clock
from shared.ports.idempotency import IdempotencyRecord, IdempotencyStore

KEY_LIFETIME = dt.timedelta(hours=24)
PURGE_EVERY = 200  # reservations between two purges of expired records
PURGE_LIMIT = 500


@dataclass(frozen=True)
class Result:
    """What a creating request answers: kept as is for its retries."""

    status: int
    body: Any


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool  # a retry answered with the first result


class IdempotencyService:
    def __init__(
        self, store: IdempotencyStore, clock: Clock, lifetime: dt.timedelta = KEY_LIFETIME
    ) -> None:
        self._store = store
        self._clock = clock
        self._lifetime = lifetime
        self._reservations = itertools.count(1)

    def run(
        self,
        scope: str,
        key: str | None,
        fingerprint: str,
        new_id: Callable[[], str],
        perform: Callable[[str], Result],
    ) -> Outcome:
        """perform(id) once per key and scope; retries get its first result.

        `scope` should name the caller and the route, so two callers never share a key;
        `fingerprint` identifies the request body, so a key reused for another body is 422.
        """
        if key is None:
            result = perform(new_id())
            return Outcome(result.status, result.body, replayed=False)
        now = self._clock.now()
        held = self._store.reserve(
            IdempotencyRecord(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                resource_id=new_id(),
                created_at=instant_text(now),
                expires_at=instant_text(now + self._lifetime),
            ),
            instant_text(now),
        )
        self._purge_now_and_then(now)
        if held.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used with a different request body; use a"
                " new key for a new request",
                firstUsedAt=held.created_at,
            )
        if held.completed:
            return Outcome(held.status or 0, held.body, replayed=True)
        try:
            result = perform(held.resource_id)
        except ClientelingError:
            # Refused before writing (validation, not found...): a corrected retry may reuse it.
            self._store.release(scope, key, held.resource_id)
            raise
        self._store.complete(scope, key, result.status, result.body)
        return Outcome(result.status, result.body, replayed=False)

    def _purge_now_and_then(self, now: dt.datetime) -> None:
        if next(self._reservations) % PURGE_EVERY == 0:
            self._store.purge_expired(instant_text(now), PURGE_LIMIT)
