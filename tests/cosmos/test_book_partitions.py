"""Client books stored in the old layout (`memberships`, one partition per legal entity) are
copied into `books` by `python -m shared.adapters.cosmos.book_partitions`, and then read and
changed by the app as if it had written them; a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from azure.cosmos import PartitionKey

from shared.adapters.cosmos.book_partitions import MARKER_ID, migrate
from shared.adapters.cosmos.database import CosmosContainer, CosmosDatabase
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.book_filters import BookFilters
from shared.ports.client_books import AuditStamp, BookScope, HeldElsewhere

LE = "USRT"
NOW = "2026-01-05T10:00:00.000Z"


def card(customer_id: str, name: str, tier: str) -> dict[str, Any]:
    return {
        "sortName": name.lower(),
        "searchText": name.lower(),
        "name": name,
        "email": None,
        "phone": None,
        "birthdayMd": None,
        "anniversaryMd": None,
        "attributes": {"tier": tier},
    }


def membership(
    customer_id: str, name: str, owner: str, book_id: str, sole: bool = True
) -> dict[str, Any]:
    return {
        "id": customer_id if sole else f"{book_id}:{customer_id}",
        "legalEntity": LE,
        "type": "membership",
        "bookId": book_id,
        "ownerStaffId": owner,
        "customerId": customer_id,
        "addedAt": NOW,
        **card(customer_id, name, "gold"),
    }


def old_layout(database: CosmosDatabase) -> CosmosContainer:
    """The `memberships` container as the previous version wrote it."""
    database.proxy().create_container(id="memberships", partition_key=PartitionKey("/legalEntity"))
    old = CosmosContainer(database, "memberships")  # no longer in the layout
    items = [
        {"id": "book:alice", "legalEntity": LE, "type": "book", "bookId": "CB-1",
         "ownerStaffId": "alice", "createdAt": NOW},
        {"id": "book:bob", "legalEntity": LE, "type": "book", "bookId": "CB-2",
         "ownerStaffId": "bob", "createdAt": NOW},
        {"id": "bookid:CB-1", "legalEntity": LE, "type": "book-id"},
        {"id": "bookid:CB-2", "legalEntity": LE, "type": "book-id"},
        {"id": "sequence:client-book", "legalEntity": LE, "type": "sequence", "value": 2},
        {"id": "sequence:client-book-audit", "legalEntity": LE, "type": "sequence", "value": 1},
        {"id": "tally:alice", "legalEntity": LE, "type": "tally", "ownerStaffId": "alice",
         "members": 2, "counts": {"tier": {'"gold"': 2}}, "extremes": {}},
        membership("C1", "Ann Archer", "alice", "CB-1"),
        membership("C2", "Bo Baker", "alice", "CB-1"),
        membership("C3", "Cy Carter", "bob", "CB-2"),  # a book without a tally yet
        {"id": "audit:1", "legalEntity": LE, "type": "audit", "entryId": 1,
         "recordedAt": NOW, "action": "reassign", "storeId": "S1", "actorStaffId": "mgr",
         "customerId": "C3", "fromBookId": "CB-1", "fromStaffId": "alice",
         "toBookId": "CB-2", "toStaffId": "bob"},
        {"id": "erased:C9", "legalEntity": LE, "type": "erased-customer", "customerId": "C9",
         "erasedAt": NOW},
    ]  # fmt: skip
    for item in items:
        old.create(item)
    return old


@pytest.fixture
def old(database: CosmosDatabase) -> CosmosContainer:
    return old_layout(database)


def test_the_copied_books_read_and_change_as_the_app_writes_them(
    database: CosmosDatabase, old: CosmosContainer
) -> None:
    copied = migrate(old, database.container("books"))
    assert (copied.legal_entities, copied.present, copied.skipped) == (1, 0, 0)
    assert copied.items == 12 + 3  # every item, and a holder entry per membership

    store = CosmosStorage(database)
    books = store.client_books
    assert books.book_of(LE, "alice").customer_count == 2  # type: ignore[union-attr]
    assert books.book_of(LE, "bob").customer_count == 1  # type: ignore[union-attr]
    page = books.page_of_book(BookScope(LE, ("alice", "bob")), BookFilters(), None, 10)
    assert [e.card.customer_id for e in page] == ["C1", "C2", "C3"]
    assert [(h.customer_id, h.owner_staff_id) for h in books.holdings_of(LE, ["C1", "C3"])] == [
        ("C1", "alice"),
        ("C3", "bob"),
    ]
    assert [e.entry_id for e in books.audit_trail(LE, None, None, 10)] == [1]
    assert store.customers.erased_among(LE, ["C9", "C1"]) == {"C9"}
    # The one-book rule holds over the copied holder entries.
    store.customers.upsert_many(
        LE, [{"customerId": "C1", "name": "Ann Archer", "addressBooks": ["AB1"]}]
    )
    with pytest.raises(HeldElsewhere):
        books.add_to_book(LE, "carl", ["C1"], True, lambda n: f"CB-{n}", NOW)
    # Counters go on where they were: the next book is CB-3.
    removed = books.remove_from_book(LE, "alice", ["C2"], AuditStamp("remove", "S1", "m", NOW))
    assert removed.book.customer_count == 1  # type: ignore[union-attr]
    assert [e.entry_id for e in books.audit_trail(LE, None, None, 10)] == [2, 1]
    assert books.holdings_of(LE, ["C2"]) == []


def test_an_interrupted_run_is_resumed_and_a_finished_one_is_not_repeated(
    database: CosmosDatabase, old: CosmosContainer
) -> None:
    new = database.container("books")
    migrate(old, new)
    # As if the first run had stopped before its last items and the marker:
    assert new.delete(MARKER_ID, LE)
    assert new.delete("C3", "USRT:bob")
    resumed = migrate(old, new)
    assert (resumed.items, resumed.present) == (1, 12 + 3 - 1)  # only C3's membership

    # Once finished, the app's changes are not undone by running it again.
    books = CosmosStorage(database).client_books
    books.remove_from_book(LE, "alice", ["C1"], None)
    again = migrate(old, new)
    assert (again.skipped, again.items) == (1, 0)
    assert books.holdings_of(LE, ["C1"]) == []
    assert books.book_of(LE, "alice").customer_count == 1  # type: ignore[union-attr]
