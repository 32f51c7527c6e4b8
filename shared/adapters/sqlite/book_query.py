"""Client book filters as SQL over `book_memberships` (alias m), with bound parameters.

Attribute names and values are always bound, never spliced into the SQL. Refinements and
ranges seek the typed `membership_values` rows (primary key: owner, attribute, value)
instead of parsing each membership's JSON. Every condition has a direct Cosmos SQL
counterpart (IN and ranges on the copied attributes, CONTAINS on the folded text, OR of
BETWEENs on the month-day keys), which keeps the two adapters' semantics aligned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.domain.book_filters import BookFilters
from shared.ports.client_books import BookPosition, BookScope


def marks(count: int) -> str:
    return ",".join("?" * count)


@dataclass
class Where:
    """A conjunction of conditions and their parameters, in order."""

    conditions: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, condition: str, *params: Any) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "1"


def owners_of(scope: BookScope, filters: BookFilters) -> tuple[str, ...]:
    """The owners a list reads: the scope, narrowed by `ownerStaffId` when given."""
    if filters.owner_staff_id is None:
        return scope.owner_staff_ids
    return tuple(o for o in scope.owner_staff_ids if o == filters.owner_staff_id)


def collapses_customers(scope: BookScope, filters: BookFilters) -> bool:
    """Must a customer held by several books of the scope be listed once?"""
    return scope.one_row_per_customer and len(owners_of(scope, filters)) > 1


def has_row_conditions(filters: BookFilters) -> bool:
    """Does anything beyond the owners narrow the set?"""
    return bool(filters.search_words or filters.refinements or filters.ranges or filters.upcoming)


def owner_condition(column: str, owners: tuple[str, ...]) -> str:
    if len(owners) == 1:
        return f"{column} = ?"
    return f"{column} IN ({marks(len(owners))})"


def _probe(condition: str) -> str:
    """This membership's value of one attribute meets `condition` (a key seek per row)."""
    return (
        "EXISTS (SELECT 1 FROM membership_values v INDEXED BY membership_values_by_customer"
        " WHERE v.legal_entity = m.legal_entity AND v.customer_id = m.customer_id"
        f" AND v.owner_staff_id = m.owner_staff_id AND v.attribute = ? AND {condition})"
    )


@dataclass
class Selection:
    """FROM and WHERE of a book list: memberships `m`, maybe reached from a refinement."""

    source: str
    where: Where


def book_selection(
    scope: BookScope, filters: BookFilters, after: BookPosition | None = None
) -> Selection:
    """The memberships a list shows. With an equality refinement, its typed values drive
    (primary-key seeks per owner and value, usually a small share of the book) and each
    membership is reached by key; otherwise the owner index drives in sort order. The
    join order is fixed (CROSS JOIN) rather than left to a planner without statistics."""
    where = Where()
    owners = owners_of(scope, filters)
    refinements = sorted(filters.refinements, key=lambda r: len(r.values))
    if refinements:
        driver = refinements[0]
        source = (
            "membership_values d CROSS JOIN book_memberships m"
            " INDEXED BY book_memberships_by_customer"
        )
        where.add("d.legal_entity = ?", scope.legal_entity)
        where.add(owner_condition("d.owner_staff_id", owners), *owners)
        where.add("d.attribute = ?", driver.attribute)
        where.add(f"d.value IN ({marks(len(driver.values))})", *driver.values)
        where.add(
            "m.legal_entity = d.legal_entity AND m.customer_id = d.customer_id"
            " AND m.owner_staff_id = d.owner_staff_id"
        )
        refinements = refinements[1:]
    else:
        source = "book_memberships m"
        where.add("m.legal_entity = ?", scope.legal_entity)
        where.add(owner_condition("m.owner_staff_id", owners), *owners)
    if collapses_customers(scope, filters):
        # A customer in several books of the scope is listed once, in the lowest book id.
        where.add(
            "NOT EXISTS (SELECT 1 FROM book_memberships o INDEXED BY book_memberships_by_customer"
            " WHERE o.legal_entity = m.legal_entity AND o.customer_id = m.customer_id"
            f" AND {owner_condition('o.owner_staff_id', owners)} AND o.book_id < m.book_id)",
            *owners,
        )
    for word in filters.search_words:
        where.add("instr(m.search_text, ?) > 0", word)
    for refinement in refinements:
        values = refinement.values
        where.add(_probe(f"v.value IN ({marks(len(values))})"), refinement.attribute, *values)
    for bounds in filters.ranges:
        conditions, params = [], []
        if bounds.minimum is not None:
            conditions.append("v.value >= ?")
            params.append(bounds.minimum)
        if bounds.maximum is not None:
            conditions.append("v.value <= ?")
            params.append(bounds.maximum)
        where.add(_probe(" AND ".join(conditions)), bounds.attribute, *params)
    if filters.upcoming:
        either = []
        params = []
        for column in ("m.birthday_md", "m.anniversary_md"):
            for low, high in filters.upcoming:
                either.append(f"{column} BETWEEN ? AND ?")
                params.extend((low, high))
        where.add(f"({' OR '.join(either)})", *params)
    if after is not None:
        where.add("(m.sort_name, m.customer_id) > (?, ?)", after.sort_name, after.customer_id)
    return Selection(source, where)
