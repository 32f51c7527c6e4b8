"""The holder registry keeps the one-book rule across the books' partitions: an add whose
memberships fail gives its claim back, an entry left by an interrupted add of the same book
is taken over, and the registry and the books agree after a move."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.cosmos import client_books as cosmos_client_books
from shared.adapters.cosmos.book_holders import holder_item
from shared.adapters.cosmos.book_items import entity_key
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.client_books import BookHolding
from shared.domain.errors import DependencyUnavailable
from shared.ports.client_books import AuditStamp, HeldElsewhere

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
