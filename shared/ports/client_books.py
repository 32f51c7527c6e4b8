"""Client book storage: books, memberships (with a card copy of each customer), audit.

Shaped so that every POS hot path is one query or one batch in either store:
- a membership carries a copy of the customer's card fields, important dates and attribute
  values, so a book page, its count and its refiners read memberships only (in Cosmos: one
  partition per legal entity, keyset paging by (sortName, customerId));
- the one-book rule is a uniqueness the store itself enforces (SQLite: a UNIQUE column
  equal to the customer id while the rule is on; Cosmos: a membership-lock item whose id
  is the customer id, created in the same transactional batch), so a lost race fails the
  whole batch with `HeldElsewhere`;
- an add of up to 100 customers is one transaction (Cosmos: one transactional batch).
Filters arrive as `BookFilters` (domain) and must be evaluated by the store, never by
loading a whole book into the application.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shared.domain.attributes import AttributeDefinition
from shared.domain.book_filters import BookFilters
from shared.domain.cards import CardSource
from shared.domain.client_books import BookHolding, ClientBookRecord
from shared.domain.refiners import RefinerCounts
from shared.ports.customers import StoredCustomer

NewBookId = Callable[[int], str]  # counter value -> formatted id (the number sequence)


@dataclass(frozen=True)
class BookScope:
    """Whose books a list covers: one owner (my book) or a store client book's owners."""

    legal_entity: str
    owner_staff_ids: tuple[str, ...]
    # Several books in scope may hold one customer (multiple books allowed): list it once,
    # in the book with the lowest id.
    one_row_per_customer: bool = False


@dataclass(frozen=True)
class BookPosition:
    """Keyset position: the last (sort name, customer id) a page returned."""

    sort_name: str
    customer_id: str


@dataclass(frozen=True)
class BookEntry:
    card: CardSource
    holding: BookHolding
    sort_name: str


@dataclass(frozen=True)
class BookSummary:
    """What describes a filtered book as a whole: its size and its refiners."""

    total_count: int
    refiners: list[RefinerCounts]


@dataclass(frozen=True)
class SearchHit:
    card: CardSource
    sort_name: str


@dataclass(frozen=True)
class AuditStamp:
    """Who does a store-level change, where and when (recorded per customer moved)."""

    action: str  # "reassign" | "remove"
    store_id: str
    actor_staff_id: str
    recorded_at: str


@dataclass(frozen=True)
class AuditEntry:
    entry_id: int
    legal_entity: str
    recorded_at: str
    action: str
    store_id: str
    actor_staff_id: str
    customer_id: str
    from_book_id: str | None
    from_staff_id: str | None
    to_book_id: str | None
    to_staff_id: str | None


@dataclass(frozen=True)
class AddOutcome:
    book: ClientBookRecord
    created: bool
    added: list[str]
    already_in_book: list[str]


@dataclass(frozen=True)
class RemoveOutcome:
    book: ClientBookRecord | None
    removed: list[str]
    not_in_book: list[str]


@dataclass(frozen=True)
class ReassignOutcome:
    book: ClientBookRecord
    created: bool
    moved: list[BookHolding]


class HeldElsewhere(Exception):
    """The store refused an add: another book took one of the customers meanwhile."""


class HoldingsChanged(Exception):
    """A membership a reassign was asked to move is no longer there."""


class ClientBookRecords(Protocol):
    def book_of(self, legal_entity: str, owner_staff_id: str) -> ClientBookRecord | None:
        """The owner's book in this legal entity with its customer count, if created."""
        ...

    def page_of_book(
        self, scope: BookScope, filters: BookFilters, after: BookPosition | None, limit: int
    ) -> list[BookEntry]:
        """Up to `limit` memberships matching `filters`, by (sort name, customer id)."""
        ...

    def count_in_book(self, scope: BookScope, filters: BookFilters) -> int:
        """How many customers match (one per customer when `one_row_per_customer`)."""
        ...

    def summarize_book(
        self,
        scope: BookScope,
        filters: BookFilters,
        attributes: Sequence[AttributeDefinition],
    ) -> BookSummary:
        """The count and, per attribute (in the order given), value counts or min/max over
        the whole filtered set, in one query."""
        ...

    def holdings_of(self, legal_entity: str, customer_ids: Sequence[str]) -> list[BookHolding]:
        """Every membership of these customers in this legal entity."""
        ...

    def entries_in_book(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str]
    ) -> list[BookEntry]:
        """The owner's book's memberships of these customers (any order), cards from the
        copies memberships keep; customers the book does not hold are left out."""
        ...

    def existing_customers(self, legal_entity: str, customer_ids: Sequence[str]) -> set[str]:
        """Which of these ids are customers of this legal entity."""
        ...

    def add_to_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        sole_holder: bool,
        new_book_id: NewBookId,
        created_at: str,
    ) -> AddOutcome:
        """Add customers to the owner's book (created on first add), all or nothing.

        With `sole_holder` the store rejects (HeldElsewhere) any customer that another book
        holds under the one-book rule, even if it got there a moment ago.
        """
        ...

    def remove_from_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        audit: AuditStamp | None,
    ) -> RemoveOutcome:
        """Remove customers from the owner's book (absent ones are reported, not errors)."""
        ...

    def reassign(
        self,
        legal_entity: str,
        moves: Sequence[BookHolding],
        to_staff_id: str,
        new_book_id: NewBookId,
        audit: AuditStamp,
    ) -> ReassignOutcome:
        """Move each membership into `to_staff_id`'s book (created if needed), all or nothing;
        HoldingsChanged if one of them is gone. Each move leaves an audit entry."""
        ...

    def audit_trail(
        self, legal_entity: str, customer_id: str | None, before_entry_id: int | None, limit: int
    ) -> list[AuditEntry]:
        """Audit entries, newest first."""
        ...

    def search_customers(
        self,
        legal_entity: str,
        address_books: Sequence[str],
        words: Sequence[str],
        after: BookPosition | None,
        limit: int,
    ) -> list[SearchHit]:
        """Customers of these address books whose search text holds every word."""
        ...

    def set_attribute_values(
        self, legal_entity: str, customer_id: str, values: Mapping[str, Any], if_match: str
    ) -> StoredCustomer:
        """Set (None: clear) client-book attribute values of a customer and of every copy
        on its memberships, if the customer's ETag is still `if_match`."""
        ...
