"""Numbers that are never handed out twice: a counter item per name in a partition.

A patch `incr` is atomic on the service, so concurrent callers always get distinct ranges
without a read or an ETag; a number taken by a request that then fails is simply skipped.
"""

from __future__ import annotations

from shared.adapters.cosmos.database import CosmosContainer
from shared.domain.errors import Conflict, DependencyUnavailable, NotFound


def take(container: CosmosContainer, partition: str, name: str, count: int = 1) -> int:
    """Reserve `count` numbers; returns the last (the range is last-count+1 .. last)."""
    item_id = f"sequence:{name}"
    for _ in range(3):
        try:
            item = container.patch(
                item_id, partition, [{"op": "incr", "path": "/value", "value": count}]
            )
            return int(item["value"])
        except NotFound:
            pass
        try:
            first = {
                "id": item_id,
                "partitionKey": partition,
                "legalEntity": partition,
                "type": "sequence",
                "value": count,
            }
            return int(container.create(first)["value"])
        except Conflict:
            continue  # another caller created it first: increment theirs
    raise DependencyUnavailable(f"could not take a number of {name}; try again")
