"""The embedded store itself enforces the one-book rule and all-or-nothing adds, even when
the service's own check is bypassed or raced."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from shared.adapters.sqlite.storage import SqliteStorage
from shared.domain.book_filters import BookFilters
from shared.ports.client_books import BookScope, HeldElsewhere

LEGAL_ENTITY = "USRT"
NOW = "2025-01-01T00:00:00.000Z"


def book_id(counter: int) -> str:
    return f"CB-{counter:06d}"


@pytest.fixture
def storage(tmp_path: Path):
    store = SqliteStorage(tmp_path / "store.db")
    store.customers.upsert_many(
        LEGAL_ENTITY,
        [
            {
                "customerId": f"C{n}",
                "name": f"Customer {n}",
                "addressBooks": ["AB1"],
                "attributes": {"vip": n % 2 == 0},
            }
            for n in range(1, 21)
        ],
    )
    yield store
    store.close()


def test_the_store_refuses_a_second_sole_holder(storage: SqliteStorage) -> None:
    records = storage.client_books
    records.add_to_book(LEGAL_ENTITY, "alice", ["C1"], True, book_id, NOW)
    with pytest.raises(HeldElsewhere):
        records.add_to_book(LEGAL_ENTITY, "bob", ["C2", "C1"], True, book_id, NOW)
    # All or nothing: neither C2 nor bob's book was written.
    assert records.book_of(LEGAL_ENTITY, "bob") is None
    assert [h.owner_staff_id for h in records.holdings_of(LEGAL_ENTITY, ["C1", "C2"])] == ["alice"]


def test_shared_memberships_do_not_trip_the_rule(storage: SqliteStorage) -> None:
    records = storage.client_books
    records.add_to_book(LEGAL_ENTITY, "alice", ["C1"], False, book_id, NOW)
    records.add_to_book(LEGAL_ENTITY, "bob", ["C1"], False, book_id, NOW)
    owners = sorted(h.owner_staff_id for h in records.holdings_of(LEGAL_ENTITY, ["C1"]))
    assert owners == ["alice", "bob"]


def race(records, customer: str, owners: list[str]) -> dict[str, str]:
    """Each owner adds `customer` at the same moment, straight to the store."""
    barrier = threading.Barrier(len(owners))
    outcomes: dict[str, str] = {}

    def add(owner: str) -> None:
        barrier.wait()
        try:
            records.add_to_book(LEGAL_ENTITY, owner, [customer], True, book_id, NOW)
            outcomes[owner] = "added"
        except HeldElsewhere:
            outcomes[owner] = "refused"

    threads = [threading.Thread(target=add, args=(o,)) for o in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_threads_racing_past_the_service_check_leave_exactly_one_holder(
    storage: SqliteStorage,
) -> None:
    records = storage.client_books
    for customer in ("C3", "C4", "C5", "C6"):
        outcomes = race(records, customer, [f"staff{n}" for n in range(6)])
        assert sorted(outcomes.values()) == ["added"] + ["refused"] * 5
        [winner] = [o for o, result in outcomes.items() if result == "added"]
        holders = records.holdings_of(LEGAL_ENTITY, [customer])
        assert [h.owner_staff_id for h in holders] == [winner]


def test_a_customer_update_refreshes_every_membership_copy(storage: SqliteStorage) -> None:
    records = storage.client_books
    records.add_to_book(LEGAL_ENTITY, "alice", ["C2"], True, book_id, NOW)
    storage.customers.upsert_many(
        LEGAL_ENTITY,
        [
            {
                "customerId": "C2",
                "name": "Renamed",
                "addressBooks": ["AB1"],
                "attributes": {"vip": False},
            }
        ],
    )
    [entry] = records.page_of_book(BookScope(LEGAL_ENTITY, ("alice",)), BookFilters(), None, 10)
    assert (entry.card.name, entry.sort_name, entry.card.attributes) == (
        "Renamed",
        "renamed",
        {"vip": False},
    )
