"""First results of retried requests (Idempotency-Key), kept for a while in storage.

Generic: any creating request can use it. A record is reserved before the work starts and
names the id of what the request creates, so a retry that arrives while the first attempt
is running, or after it died halfway, creates under the same id and so creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class IdempotencyRecord:
    scope: str  # who and where: e.g. the caller and the route, so callers never collide
    key: str  # the Idempotency-Key header
    fingerprint: str  # hash of the request body: the same key with another body is refused
    resource_id: str  # the id the request creates under
    created_at: str  # instant text
    expires_at: str  # instant text; an expired record is as good as absent
    status: int | None = None  # None until the first attempt completes
    body: Any = None  # the first response body, replayed to retries

    @property
    def completed(self) -> bool:
        return self.status is not None


class IdempotencyStore(Protocol):
    def reserve(self, candidate: IdempotencyRecord, now: str) -> IdempotencyRecord:
        """Insert `candidate` unless an unexpired record holds its scope and key, atomically;
        return the record in force (the candidate, or the one found)."""
        ...

    def complete(self, scope: str, key: str, status: int, body: Any) -> None:
        """Keep the first result for retries."""
        ...

    def release(self, scope: str, key: str, resource_id: str) -> None:
        """Forget a reservation that is still pending (its request failed writing nothing)."""
        ...

    def purge_expired(self, now: str, limit: int) -> int:
        """Delete up to `limit` expired records; returns how many (Cosmos uses TTL instead)."""
        ...
