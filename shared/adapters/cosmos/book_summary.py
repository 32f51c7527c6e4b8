"""A book's count and refiners from ONE projection query over the filtered set.

Cosmos DB could group per attribute (`GROUP BY`), but the local test server rejects GROUP BY
and DISTINCT, and a query per attribute would cost a request each. So one single-partition
query projects only the customer id and the refinable values of every matching membership
(a few dozen bytes each) and the counts, minimums and maximums are folded here. A customer
held by several books of a store client book counts once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from shared.adapters.cosmos.book_query import CosmosWhere, attribute_path
from shared.domain.attributes import AttributeDefinition, AttributeType
from shared.domain.refiners import MAX_TEXT_REFINER_VALUES, RefinerCounts, is_range_refiner
from shared.ports.client_books import BookSummary


def projection(where: CosmosWhere, attributes: Sequence[AttributeDefinition]) -> str:
    """The query: customer id plus one column per refinable attribute (v0, v1, ...)."""
    columns = ["c.customerId"] + [
        f"{attribute_path(d.name)} AS v{i}" for i, d in enumerate(attributes)
    ]
    return f"SELECT {', '.join(columns)} FROM c WHERE {where.sql}"


def _scalar(value: Any) -> bool:
    """Only scalar values refine (as in the SQLite store: no null, object or list)."""
    return value is not None and not isinstance(value, dict | list)


def fold(rows: Iterable[dict[str, Any]], attributes: Sequence[AttributeDefinition]) -> BookSummary:
    seen: set[str] = set()
    values: list[Counter[Any]] = [Counter() for _ in attributes]
    for row in rows:
        if row["customerId"] in seen:
            continue
        seen.add(row["customerId"])
        for index, counter in enumerate(values):
            value = row.get(f"v{index}")
            if _scalar(value):
                counter[value] += 1
    refiners = []
    for definition, counter in zip(attributes, values, strict=True):
        if is_range_refiner(definition):
            present = list(counter)
            low, high = (min(present), max(present)) if present else (None, None)
            refiners.append(RefinerCounts(definition.name, minimum=low, maximum=high))
        else:
            ranked = sorted(counter.items(), key=lambda pair: -pair[1])
            if definition.type is AttributeType.TEXT:
                ranked = ranked[:MAX_TEXT_REFINER_VALUES]
            refiners.append(RefinerCounts(definition.name, ranked))
    return BookSummary(len(seen), refiners)
