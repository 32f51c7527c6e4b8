"""Transactional batches: many writes to one logical partition in one request.

A batch holds at most 100 operations and 2 MB, and is all-or-nothing on Cosmos DB (the local
test server applies operations one by one; see docs/cosmos.md). Repositories build operations
with these helpers and send them with `write_in_batches`, which splits them to fit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer, Operation
from shared.adapters.cosmos.item_format import canonical_json

MAX_OPERATIONS = 100
# The service's limit is 2 MB per request; leave room for the envelope of each operation.
MAX_BATCH_BYTES = 1_800_000


def create(item: dict[str, Any]) -> Operation:
    return ("create", (item,))


def upsert(item: dict[str, Any]) -> Operation:
    return ("upsert", (item,))


def replace(item: dict[str, Any], etag: str | None = None) -> Operation:
    """Replace; with `etag` (a raw `_etag`) the whole batch fails unless it is current."""
    if etag is None:
        return ("replace", (item["id"], item))
    return ("replace", (item["id"], item), {"if_match_etag": etag})


def delete(item_id: str, etag: str | None = None) -> Operation:
    if etag is None:
        return ("delete", (item_id,))
    return ("delete", (item_id,), {"if_match_etag": etag})


def size_of(operation: Operation) -> int:
    return sum(len(canonical_json(arg)) for arg in operation[1]) + 100


def split(operations: Sequence[Operation]) -> Iterator[list[Operation]]:
    """Consecutive groups within the count and size limits of one batch."""
    group: list[Operation] = []
    group_bytes = 0
    for operation in operations:
        size = size_of(operation)
        if group and (len(group) == MAX_OPERATIONS or group_bytes + size > MAX_BATCH_BYTES):
            yield group
            group, group_bytes = [], 0
        group.append(operation)
        group_bytes += size
    if group:
        yield group


def write_in_batches(
    container: CosmosContainer, partition_key: str, operations: Sequence[Operation]
) -> list[dict[str, Any]]:
    """Send operations in as few batches as fit; each batch is atomic, the whole is not."""
    results: list[dict[str, Any]] = []
    for group in split(operations):
        results.extend(container.batch(partition_key, group))
    return results
