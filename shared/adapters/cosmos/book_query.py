"""Client book filters as Cosmos SQL over membership items (alias c), with parameters.

Every condition mirrors one of the SQLite store's (shared/adapters/sqlite/book_query.py):
IN and ranges on the copied attribute values, CONTAINS on the folded search text, OR of
ranges on the month-day keys. Values are always parameters; attribute names are spliced
as property names, which is safe because `BookFilters` only admits names matching
`[A-Za-z][A-Za-z0-9_]{0,39}` (checked again here).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.cosmos.book_items import book_key
from shared.domain.book_filters import BookFilters
from shared.ports.client_books import BookPosition, BookScope

MEMBERSHIP = "membership"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def attribute_path(name: str) -> str:
    """The property path of one copied attribute value."""
    if not _NAME.match(name):
        raise ValueError(f"not an attribute name: {name!r}")
    return f'c.attributes["{name}"]'


@dataclass
class CosmosWhere:
    """A conjunction of conditions and their named parameters."""

    conditions: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    def param(self, value: Any) -> str:
        name = f"@p{len(self.parameters)}"
        self.parameters[name] = value
        return name

    def add(self, condition: str) -> None:
        self.conditions.append(condition)

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions)


def owners_of(scope: BookScope, filters: BookFilters) -> tuple[str, ...]:
    """The owners a list reads: the scope, narrowed by `ownerStaffId` when given."""
    if filters.owner_staff_id is None:
        return scope.owner_staff_ids
    return tuple(o for o in scope.owner_staff_ids if o == filters.owner_staff_id)


def collapses_customers(scope: BookScope, filters: BookFilters) -> bool:
    """Must a customer held by several books of the scope be listed once?"""
    return scope.one_row_per_customer and len(owners_of(scope, filters)) > 1


def books_condition(where: CosmosWhere, legal_entity: str, owners: Sequence[str]) -> str:
    """The partitions of these owners' books. `IN` on the partition key path is what lets
    the query plan route a query over several books to the physical partitions holding them
    (ARRAY_CONTAINS would fan out to all); no owner gives an empty set."""
    keys = [where.param(book_key(legal_entity, o)) for o in owners]
    if len(keys) == 1:
        return f"c.partitionKey = {keys[0]}"
    return f"c.partitionKey IN ({', '.join(keys)})" if keys else "false"


def book_where(
    scope: BookScope, filters: BookFilters, after: BookPosition | None = None
) -> CosmosWhere:
    """The memberships a list shows: one book's partition, or the partitions of the books."""
    where = CosmosWhere()
    owners = owners_of(scope, filters)
    where.add(books_condition(where, scope.legal_entity, owners))
    where.add(f"c.legalEntity = {where.param(scope.legal_entity)}")
    where.add(f"c.type = '{MEMBERSHIP}'")
    if len(owners) == 1:
        where.add(f"c.ownerStaffId = {where.param(owners[0])}")
    else:
        where.add(f"ARRAY_CONTAINS({where.param(list(owners))}, c.ownerStaffId)")
    for word in filters.search_words:
        where.add(f"CONTAINS(c.searchText, {where.param(word)})")
    for refinement in filters.refinements:
        values = where.param(list(refinement.values))
        where.add(f"ARRAY_CONTAINS({values}, {attribute_path(refinement.attribute)})")
    for bounds in filters.ranges:
        path = attribute_path(bounds.attribute)
        if bounds.minimum is not None:
            where.add(f"{path} >= {where.param(bounds.minimum)}")
        if bounds.maximum is not None:
            where.add(f"{path} <= {where.param(bounds.maximum)}")
    if filters.upcoming:
        either = []
        for key in ("c.birthdayMd", "c.anniversaryMd"):
            for low, high in filters.upcoming:
                either.append(f"({key} >= {where.param(low)} AND {key} <= {where.param(high)})")
        where.add(f"({' OR '.join(either)})")
    if after is not None:
        sort_name, customer_id = where.param(after.sort_name), where.param(after.customer_id)
        where.add(
            f"(c.sortName > {sort_name}"
            f" OR (c.sortName = {sort_name} AND c.customerId > {customer_id}))"
        )
    return where
