"""The holder registry keeps the one-book rule across the books' partitions: an add whose
memberships fail gives its claim back, an entry left by an interrupted add of the same book
is taken over, and the registry and the books agree after a move."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.cosmos import client_books as cosmos_client_books
from shared.adapters.cosmos.book_holders import holder_item
from shared.adapters.cosmos.book_items import entity_key
from shared.adapters.cosmos.book_repair import Repaired, repair
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.book_filters import BookFilters
from shared.domain.client_books import BookHolding
from shared.domain.errors import DependencyUnavailable
from shared.ports.client_books import AuditStamp, BookScope, HeldElsewhere

LE = "USRT"
NOW = "2026-01-05T10:00:00.000Z"


def seed(store: CosmosStorage, count: int) -> None:
    store.customers.upsert_many(
        LE,
        [
            {"customerId": f"C{n}", "name": f"Name {n}", "addressBooks": ["AB1"]}
            for n in range(count)
        ],
    )


def add(store: CosmosStorage, owner: str, ids: list[str]) -> Any:
    return store.client_books.add_to_book(LE, owner, ids, True, lambda n: f"CB-{n}", NOW)


def test_an_add_whose_memberships_fail_gives_its_claim_back(
    cosmos_storage: CosmosStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = cosmos_storage
    seed(store, 3)
    add(store, "alice", ["C0"])

    def unavailable(*_: Any) -> None:
        raise DependencyUnavailable("the database is unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(cosmos_client_books.TallyWriter, "write", unavailable)
        with pytest.raises(DependencyUnavailable):
            add(store, "alice", ["C1", "C2"])
    # Nothing of the failed add holds C1 or C2: another book can take them.
    assert store.client_books.holdings_of(LE, ["C1", "C2"]) == []
    assert add(store, "bob", ["C1", "C2"]).added == ["C1", "C2"]


def test_an_entry_left_by_an_interrupted_add_of_the_same_book_is_taken_over(
    cosmos_storage: CosmosStorage,
) -> None:
    store = cosmos_storage
    seed(store, 2)
    book = add(store, "alice", ["C0"]).book
    # As if an add had claimed C1 and stopped before writing the membership:
    left = holder_item(LE, BookHolding("C1", book.book_id, "alice"), True, "interrupted")
    store.database.container("books").create(left)
    with pytest.raises(HeldElsewhere):
        add(store, "bob", ["C1"])
    again = add(store, "alice", ["C1"])
    assert again.added == ["C1"] and again.book.customer_count == 2
    assert [h.owner_staff_id for h in store.client_books.holdings_of(LE, ["C1"])] == ["alice"]


def test_the_registry_and_the_books_agree_after_moves(cosmos_storage: CosmosStorage) -> None:
    store = cosmos_storage
    seed(store, 4)
    add(store, "alice", ["C0", "C1", "C2"])
    moves = store.client_books.holdings_of(LE, ["C0", "C1"])
    store.client_books.reassign(LE, moves, "bob", str, AuditStamp("reassign", "S1", "m", NOW))
    items = store.database.container("books")
    entries = {
        e["customerId"]: e["ownerStaffId"]
        for e in items.query(
            "SELECT * FROM c WHERE c.partitionKey = @pk AND c.type = 'holder'",
            {"@pk": entity_key(LE)},
            entity_key(LE),
        )
    }
    memberships = {
        m["customerId"]: m["ownerStaffId"]
        for m in items.query("SELECT * FROM c WHERE c.type = 'membership'")
    }
    assert entries == memberships == {"C0": "bob", "C1": "bob", "C2": "alice"}


def test_the_repair_completes_interrupted_changes_from_the_registry(
    cosmos_storage: CosmosStorage,
) -> None:
    store = cosmos_storage
    seed(store, 4)
    add(store, "alice", ["C0", "C1", "C2"])
    bob = add(store, "bob", ["C3"]).book
    items = store.database.container("books")
    partition = entity_key(LE)
    # A decided move of C0 to bob whose memberships did not follow:
    entry = items.read("C0", partition)
    assert entry is not None
    items.replace({**entry, "bookId": bob.book_id, "ownerStaffId": "bob"}, entry["_etag"])
    # A claim no membership backs (C1's removal stopped before freeing its entry):
    store.client_books._delete_memberships(LE, "alice", ["C1"])
    # A membership without its entry:
    assert items.delete("C2", partition)

    done = repair(items, LE)
    assert (done.moved, done.entries_deleted, done.entries_created) == (1, 1, 1)
    everyone = ["C0", "C1", "C2", "C3"]
    held = {h.customer_id: h.owner_staff_id for h in store.client_books.holdings_of(LE, everyone)}
    assert held == {"C0": "bob", "C2": "alice", "C3": "bob"}
    listed = {
        owner: [e.card.customer_id for e in store.client_books.page_of_book(
            BookScope(LE, (owner,)), BookFilters(), None, 10
        )]
        for owner in ("alice", "bob")
    }  # fmt: skip
    assert listed == {"alice": ["C2"], "bob": ["C0", "C3"]}
    assert store.client_books.book_of(LE, "alice").customer_count == 1  # type: ignore[union-attr]
    assert store.client_books.book_of(LE, "bob").customer_count == 2  # type: ignore[union-attr]
    assert repair(items, LE) == Repaired()  # nothing left to do
    assert add(store, "carl", ["C1"]).added == ["C1"]
