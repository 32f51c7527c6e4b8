"""Idempotency records in Cosmos DB: one item (and logical partition) per scope and key.

Item (`idempotency` container, partition `/key`):

    {"id": "<hash>", "key": "<hash>", "scope": "alice USRT POST /api/...", "idempotencyKey":
     "k-1", "fingerprint": "...", "resourceId": "...", "createdAt": "...", "expiresAt": "...",
     "status": 201, "response": "{...first response body as JSON text...}", "ttl": 86700}

Scopes hold paths and keys any printable character, neither fit an item id ('/', '?', '#'
and '\\' are refused), so both are named by a hash of the pair. Reserving is one create,
atomic by itself: a 409 means a record holds the key, and it is returned unless it has
expired by the services' clock, in which case it is taken over with an ETag-guarded replace.
The response body is kept as JSON text, so a replay answers with its keys in their first
order. Cosmos DB deletes a record by itself (`ttl`) shortly after it has expired, so
`purge_expired` has nothing to do here.
"""

from __future__ import annotations

import json
import math
from contextlib import suppress
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import body_hash
from shared.domain.errors import Conflict, DependencyUnavailable, NotFound, PreconditionFailed
from shared.domain.instants import parse_instant
from shared.ports.idempotency import IdempotencyRecord

RESERVE_ATTEMPTS = 4
# Cosmos DB deletes by its own clock, counting from the last write: keep a record a little
# past its expiry, so a clock a few minutes off never drops one the services still honour.
TTL_MARGIN_SECONDS = 300
# Patch only a record still pending: a late second completion never replaces the first result.
PENDING = "FROM c WHERE NOT IS_DEFINED(c.status) OR IS_NULL(c.status)"


def record_item_id(scope: str, key: str) -> str:
    return body_hash([scope, key])


class CosmosIdempotencyStore:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def reserve(self, candidate: IdempotencyRecord, now: str) -> IdempotencyRecord:
        """One create when the key is new; else the record in force (read), or a takeover
        of an expired one (replace if unchanged since read)."""
        item = _item(candidate)
        for _ in range(RESERVE_ATTEMPTS):
            try:
                self._container.create(item)
                return candidate
            except Conflict:
                pass
            held = self._container.read(item["id"], item["key"])
            if held is None:
                continue  # released or deleted since the create: try again
            if held["expiresAt"] > now:
                return _record(held)
            try:
                self._container.replace(item, etag=held["_etag"])
                return candidate
            except (PreconditionFailed, NotFound):
                continue  # another request took it over or it went away: look again
        raise DependencyUnavailable("this Idempotency-Key is busy with other requests; try again")

    def complete(self, scope: str, key: str, status: int, body: Any) -> None:
        """One patch, only of a record still pending (the first result stays)."""
        item_id = record_item_id(scope, key)
        # Not canonical (sorted) JSON: a replay answers with the first body, key order too.
        response = json.dumps(body, ensure_ascii=False)
        with suppress(PreconditionFailed, NotFound):  # completed already, or expired away
            self._container.patch(
                item_id,
                item_id,
                [
                    {"op": "set", "path": "/status", "value": status},
                    {"op": "set", "path": "/response", "value": response},
                ],
                condition=PENDING,
            )

    def release(self, scope: str, key: str, resource_id: str) -> None:
        """Delete the reservation if it is still this request's and pending (read + delete)."""
        item_id = record_item_id(scope, key)
        held = self._container.read(item_id, item_id)
        if held is None or held.get("status") is not None or held["resourceId"] != resource_id:
            return
        with suppress(PreconditionFailed):  # completed or taken over meanwhile: not ours
            self._container.delete(item_id, item_id, etag=held["_etag"])

    def purge_expired(self, now: str, limit: int) -> int:
        """Nothing to do: the container's time to live deletes expired records."""
        return 0


def _item(record: IdempotencyRecord) -> dict[str, Any]:
    item_id = record_item_id(record.scope, record.key)
    lifetime = parse_instant(record.expires_at) - parse_instant(record.created_at)
    return {
        "id": item_id,
        "key": item_id,
        "scope": record.scope,
        "idempotencyKey": record.key,
        "fingerprint": record.fingerprint,
        "resourceId": record.resource_id,
        "createdAt": record.created_at,
        "expiresAt": record.expires_at,
        "status": None,
        "response": None,
        "ttl": max(1, math.ceil(lifetime.total_seconds())) + TTL_MARGIN_SECONDS,
    }


def _record(item: dict[str, Any]) -> IdempotencyRecord:
    response = item.get("response")
    return IdempotencyRecord(
        scope=item["scope"],
        key=item["idempotencyKey"],
        fingerprint=item["fingerprint"],
        resource_id=item["resourceId"],
        created_at=item["createdAt"],
        expires_at=item["expiresAt"],
        status=item.get("status"),
        body=json.loads(response) if response is not None else None,
    )
