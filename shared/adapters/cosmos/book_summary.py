"""A book's count and refiners: summed from per-book tallies, or folded from the filtered set.

A whole book or store client book (no search, refinement, range or date filter) sums the
tallies of its books (book_tally.py): one query reading one small item per book, whatever
the books hold. A filtered set, a store client book where one customer may sit in several
books (counted once, in the book with the lowest id: the tallies cannot tell), a book whose
tally is missing, or an attribute too varied to tally reads the rows instead: one
single-partition query projects the customer id and the refinable values of every matching
membership (a few dozen bytes each), bounded by the filtered set, and they are folded here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from shared.adapters.cosmos.book_items import BOOK
from shared.adapters.cosmos.book_query import CosmosWhere, attribute_path, books_condition
from shared.adapters.cosmos.book_tally import TALLY, bounds_known
from shared.domain.attributes import AttributeDefinition, AttributeType
from shared.domain.book_filters import BookFilters
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


def has_row_conditions(filters: BookFilters) -> bool:
    """Does anything beyond the owners narrow the set (so tallies cannot answer)?"""
    return bool(filters.search_words or filters.refinements or filters.ranges or filters.upcoming)


def tallies_query(legal_entity: str, owners: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Books and tallies of these owners (a book without a tally was written before them),
    in their books' partitions."""
    where = CosmosWhere()
    books = books_condition(where, legal_entity, owners)
    return (
        "SELECT c.type, c.ownerStaffId, c.members, c.counts, c.extremes FROM c"
        f" WHERE {books} AND (c.type = '{BOOK}' OR c.type = '{TALLY}')",
        where.parameters,
    )


def summed(
    items: Iterable[dict[str, Any]], attributes: Sequence[AttributeDefinition]
) -> BookSummary | None:
    """The sum of the books' tallies; None when one cannot answer (a book without a tally,
    value counts of an attribute kept as extremes only, or extremes whose bound is not
    known), so the rows must be read."""
    books: set[str] = set()
    tallies: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["type"] == TALLY:
            tallies[item["ownerStaffId"]] = item
        else:
            books.add(item["ownerStaffId"])
    if not books <= set(tallies):
        return None
    values: list[Counter[Any]] = [Counter() for _ in attributes]
    for tally in tallies.values():
        for index, definition in enumerate(attributes):
            ends = (tally.get("extremes") or {}).get(definition.name)
            if ends is None:
                counted = (tally.get("counts") or {}).get(definition.name, {})
            elif is_range_refiner(definition) and bounds_known(ends):
                counted = {**ends["low"], **ends["high"]}  # a range needs only its ends
            else:
                return None
            for key, count in counted.items():
                values[index][json.loads(key)] += count
    return _summary(sum(int(t.get("members") or 0) for t in tallies.values()), values, attributes)


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
    return _summary(len(seen), values, attributes)


def _summary(
    total: int, values: Sequence[Counter[Any]], attributes: Sequence[AttributeDefinition]
) -> BookSummary:
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
    return BookSummary(total, refiners)
