"""Keyset pages inside one logical partition: each page is ONE query, never an OFFSET.

A page asks for one item more than it shows (TOP limit+1, and a page size to match, so the
service answers in one response); the extra item only says that another page follows. The
next page starts strictly after the last item shown, by comparing the ORDER BY fields, so
page 400 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer


@dataclass(frozen=True)
class Keyset:
    """Two ORDER BY fields that are unique together (a time, then the item id)."""

    first: str  # e.g. "c.startTime"
    second: str  # e.g. "c.id"
    descending: bool

    def order_by(self) -> list[str]:
        direction = "DESC" if self.descending else "ASC"
        return [f"{self.first} {direction}", f"{self.second} {direction}"]

    def after(self, first: Any, second: Any, parameters: dict[str, Any]) -> str:
        """The WHERE condition for "strictly after (first, second)" in this order."""
        beyond = "<" if self.descending else ">"
        parameters["@afterFirst"] = first
        parameters["@afterSecond"] = second
        return (
            f"({self.first} {beyond} @afterFirst"
            f" OR ({self.first} = @afterFirst AND {self.second} {beyond} @afterSecond))"
        )


def one_page(
    container: CosmosContainer,
    select: str,
    where: Sequence[str],
    order_by: Sequence[str],
    parameters: dict[str, Any],
    partition_key: str,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` items and whether more follow, from one single-partition query.

    `where` must include the partition key condition: the local test server ignores the
    query's partition key argument (docs/cosmos.md), Cosmos DB does not mind it.
    """
    fetch = max(int(limit), 0) + 1
    items = container.query(
        f"SELECT TOP {fetch} {select} FROM c WHERE {' AND '.join(where)}"
        f" ORDER BY {', '.join(order_by)}",
        parameters,
        partition_key=partition_key,
        page_size=fetch,
    )
    # Stop at fetch items, so the SDK never asks for a continuation nobody reads.
    rows = list(islice(items, fetch))
    return rows[:limit], len(rows) > limit
