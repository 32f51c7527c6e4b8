"""A book's count and refiners in one SQL statement (see `summary_query`).

Whole books (no row filter) never read memberships one by one: the count comes from the
owner index, value counts are grouped in the primary-key order of `membership_values`
(owner, attribute, value) and min/max are two index seeks per owner and attribute.
Filtered sets pick their memberships once, then read those memberships' typed values once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from shared.adapters.sqlite.book_query import (
    book_selection,
    collapses_customers,
    has_row_conditions,
    marks,
    owner_condition,
    owners_of,
)
from shared.domain.attributes import AttributeDefinition, AttributeType
from shared.domain.book_filters import BookFilters
from shared.domain.refiners import MAX_TEXT_REFINER_VALUES, RefinerCounts, is_range_refiner
from shared.ports.client_books import BookScope, BookSummary


def summary_query(
    scope: BookScope, filters: BookFilters, attributes: Sequence[AttributeDefinition]
) -> tuple[str, list[Any]]:
    """SQL and parameters answering rows of kind n (count), v (attribute, value, count) and
    r (attribute, min, max)."""
    if has_row_conditions(filters) or collapses_customers(scope, filters):
        return _filtered_set(scope, filters, attributes)
    return _whole_books(scope, filters, attributes)


def _whole_books(
    scope: BookScope, filters: BookFilters, attributes: Sequence[AttributeDefinition]
) -> tuple[str, list[Any]]:
    """Whole books: count from the owner index, value counts grouped in primary-key
    order per owner, min/max by two seeks per owner and attribute."""
    owners = owners_of(scope, filters)
    owned = owner_condition("owner_staff_id", owners)
    arms = [
        f"SELECT 'n' AS kind, NULL AS a, NULL AS x, count(*) AS n, NULL AS lo, NULL AS hi"
        f" FROM book_memberships WHERE legal_entity = ? AND {owned}"
    ]
    params: list[Any] = [scope.legal_entity, *owners]
    for definition in attributes:
        if is_range_refiner(definition):
            arms.append(
                "SELECT 'r', ?, NULL, NULL, min(lo), max(hi) FROM (SELECT"
                " (SELECT min(value) FROM membership_values v WHERE v.legal_entity = ?"
                " AND v.owner_staff_id = o.id AND v.attribute = ?) AS lo,"
                " (SELECT max(value) FROM membership_values v WHERE v.legal_entity = ?"
                " AND v.owner_staff_id = o.id AND v.attribute = ?) AS hi FROM owners o)"
            )
            name = definition.name
            params += [name, scope.legal_entity, name, scope.legal_entity, name]
        else:
            arms.append(
                "SELECT * FROM (SELECT 'v', ?, x, sum(n) AS n, NULL, NULL FROM"
                " (SELECT value AS x, count(*) AS n FROM membership_values"
                f" WHERE legal_entity = ? AND {owned} AND attribute = ?"
                " GROUP BY owner_staff_id, value)"
                f" GROUP BY x ORDER BY n DESC LIMIT {_cap(definition):d})"
            )
            params += [definition.name, scope.legal_entity, *owners, definition.name]
    owner_rows = ", ".join("(?)" for _ in owners)
    sql = f"WITH owners(id) AS (VALUES {owner_rows}) " + " UNION ALL ".join(arms)
    return sql, [*owners, *params]


def _filtered_set(
    scope: BookScope, filters: BookFilters, attributes: Sequence[AttributeDefinition]
) -> tuple[str, list[Any]]:
    """Filtered sets: pick the memberships once, then their typed values once."""
    chosen = book_selection(scope, filters)
    names = [d.name for d in attributes]
    sql = (
        "WITH picked AS MATERIALIZED (SELECT m.owner_staff_id AS o, m.customer_id AS c"
        f" FROM {chosen.source} WHERE {chosen.where.sql}),"
        " vals AS MATERIALIZED (SELECT v.attribute AS a, v.value AS x FROM picked p"
        " JOIN membership_values v ON v.legal_entity = ? AND v.customer_id = p.c"
        f" AND v.owner_staff_id = p.o AND +v.attribute IN ({marks(len(names))}))"
        " SELECT 'n' AS kind, NULL AS a, NULL AS x, count(*) AS n, NULL AS lo, NULL AS hi"
        " FROM picked"
        " UNION ALL SELECT 'v', a, x, count(*), NULL, NULL FROM vals GROUP BY a, x"
        " UNION ALL SELECT 'r', a, NULL, NULL, min(x), max(x) FROM vals GROUP BY a"
    )
    return sql, [*chosen.where.params, scope.legal_entity, *names]


def _typed(definition: AttributeDefinition, value: Any) -> Any:
    """JSON booleans are stored as 1/0."""
    if definition.type is AttributeType.BOOLEAN and value is not None:
        return bool(value)
    return value


def _cap(definition: AttributeDefinition) -> int:
    """Text can have as many values as customers: keep the most common (-1: no limit)."""
    return MAX_TEXT_REFINER_VALUES if definition.type is AttributeType.TEXT else -1


def read_summary(attributes: Sequence[AttributeDefinition], rows: list[sqlite3.Row]) -> BookSummary:
    """Rows of kind n (count), v (attribute, value, count) and r (attribute, min, max)."""
    by_name = {d.name: d for d in attributes}
    total = 0
    values: dict[str, list[tuple[Any, int]]] = {d.name: [] for d in attributes}
    bounds: dict[str, tuple[Any, Any]] = {}
    for row in rows:
        kind, name = row["kind"], row["a"]
        if kind == "n":
            total = int(row["n"])
        elif name not in by_name:
            continue
        elif is_range_refiner(by_name[name]):
            if kind == "r":
                bounds[name] = (row["lo"], row["hi"])
        elif kind == "v":
            values[name].append((_typed(by_name[name], row["x"]), int(row["n"])))
    counts = []
    for definition in attributes:
        name = definition.name
        if is_range_refiner(definition):
            low, high = bounds.get(name, (None, None))
            counts.append(RefinerCounts(name, minimum=low, maximum=high))
        else:
            ranked = sorted(values[name], key=lambda pair: -pair[1])
            cap = _cap(definition)
            counts.append(RefinerCounts(name, ranked if cap < 0 else ranked[:cap]))
    return BookSummary(total, counts)
