"""The store client book's scope: whose client books a store-level view covers.

An associate's address books are those of every store they work in. The store client book
seen by an associate covers the books of every associate of the legal entity whose address
books share at least one with theirs, so an associate working in several stores sees the
books of all of them. Associates who are no longer active stay in scope: their customers
must remain visible until a manager reassigns them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from shared.domain.errors import Forbidden
from shared.domain.organisation import Staff, Store


def address_books_of(staff: Staff, stores: Mapping[str, Store]) -> frozenset[str]:
    """The union of the address books of the stores `staff` works in."""
    return frozenset(book for s in staff.stores if s in stores for book in stores[s].address_books)


@dataclass(frozen=True)
class AddressBookIndex:
    """Who works with which address book, built once per published version."""

    staff_by_book: Mapping[str, frozenset[str]]
    books_by_staff: Mapping[str, frozenset[str]]

    @classmethod
    def build(cls, staff: Iterable[Staff], stores: Mapping[str, Store]) -> AddressBookIndex:
        by_book: dict[str, set[str]] = {}
        by_staff: dict[str, frozenset[str]] = {}
        for member in staff:
            books = address_books_of(member, stores)
            by_staff[member.staff_id] = books
            for book in books:
                by_book.setdefault(book, set()).add(member.staff_id)
        return cls({k: frozenset(v) for k, v in by_book.items()}, by_staff)

    def shares_address_book(self, staff_id: str, store: Store) -> bool:
        """Does `staff_id` work with one of this store's address books?"""
        return bool(self.books_by_staff.get(staff_id, frozenset()) & set(store.address_books))

    def store_book_owners(self, staff_id: str) -> frozenset[str]:
        """Every staff id whose books are in `staff_id`'s store client book (theirs too)."""
        owners: set[str] = {staff_id}
        for book in self.books_by_staff.get(staff_id, frozenset()):
            owners |= self.staff_by_book.get(book, frozenset())
        return frozenset(owners)


def in_store_scope(
    customer_address_books: Collection[str],
    store: Store,
    holders: Collection[str],
    store_book_owners: Collection[str],
) -> bool:
    """May a change made in `store` reach this customer? Yes if one of the store's address
    books lists them, or a book of the caller's store client book holds them (`holders`:
    owners of the books holding the customer)."""
    if set(customer_address_books) & set(store.address_books):
        return True
    return any(owner in store_book_owners for owner in holders)


def outside_store_scope(customer_id: str, store_id: str) -> Forbidden:
    return Forbidden(
        f"customer {customer_id} is in no address book of store {store_id} and in no book of"
        " your store client book; ask a store that serves the customer",
        customerId=customer_id,
    )
