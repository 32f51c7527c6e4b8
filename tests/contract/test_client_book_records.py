"""Client book storage: adds, removals, reassignments, the one-book rule, lists, refiners,
search, attribute updates and the audit, the same on every adapter."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.attributes import AttributeDefinition, AttributeType
from shared.domain.book_filters import AttributeRange, AttributeRefinement, BookFilters
from shared.domain.client_books import BookHolding
from shared.domain.errors import PreconditionFailed
from shared.ports.client_books import (
    AuditStamp,
    BookPosition,
    BookScope,
    HeldElsewhere,
    HoldingsChanged,
)
from shared.ports.storage import Storage
from tests.contract.conftest import OpenStorage
from tests.support.concurrency import race

LE = "USRT"
NOW = "2026-01-05T10:00:00.000Z"


def book_id(number: int) -> str:
    return f"CB-{number:06d}"


def customer(customer_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"customerId": customer_id, "name": name, "addressBooks": ["AB1"], **extra}


def seed(storage: Storage) -> None:
    storage.customers.upsert_many(
        LE,
        [
            customer("C1", "Ann Archer", attributes={"tier": "gold", "visits": 3}),
            customer("C2", "Bo Baker", attributes={"tier": "silver", "visits": 7}),
            customer("C3", "Cy Carter", attributes={"tier": "gold", "visits": 12}),
            customer("C4", "Di Dunn", birthday="1990-03-10", attributes={"tier": "gold"}),
            customer("C5", "Ed Ernst", email="ed@example.com", addressBooks=["AB2"]),
        ],
    )


def add(storage: Storage, owner: str, ids: list[str], sole: bool = True) -> Any:  # AddOutcome
    return storage.client_books.add_to_book(LE, owner, ids, sole, book_id, NOW)


def stamp(action: str) -> AuditStamp:
    return AuditStamp(action, "S1", "mgr", NOW)


def ids_of(entries: list[Any]) -> list[str]:
    return [e.card.customer_id for e in entries]


TIER = AttributeDefinition(name="tier", label="Tier", type=AttributeType.TEXT, refinable=True)
VISITS = AttributeDefinition(
    name="visits", label="Visits", type=AttributeType.INTEGER, refinable=True
)


def test_the_first_add_creates_the_book_and_later_adds_report_what_was_there(
    storage: Storage,
) -> None:
    seed(storage)
    assert storage.client_books.book_of(LE, "alice") is None
    first = add(storage, "alice", ["C1", "C2"])
    assert first.created and first.added == ["C1", "C2"] and first.already_in_book == []
    assert first.book.customer_count == 2 and first.book.owner_staff_id == "alice"
    again = add(storage, "alice", ["C2", "C3"])
    assert not again.created and again.book.book_id == first.book.book_id
    assert again.added == ["C3"] and again.already_in_book == ["C2"]
    assert storage.client_books.book_of(LE, "alice").customer_count == 3
    bob = add(storage, "bob", ["C4"])
    assert bob.book.book_id != first.book.book_id


def test_the_one_book_rule_is_enforced_by_the_store(storage: Storage) -> None:
    seed(storage)
    add(storage, "alice", ["C1"])
    with pytest.raises(HeldElsewhere):
        add(storage, "bob", ["C1", "C2"])
    # Nothing landed in bob's book (a refusal after other writes of the same batch is
    # undone only by a real transactional batch: tests/cosmos/test_real_cosmos.py).
    assert storage.client_books.holdings_of(LE, ["C2"]) == []
    # With several books allowed, both hold C1.
    add(storage, "carl", ["C1"], sole=False)
    owners = {h.owner_staff_id for h in storage.client_books.holdings_of(LE, ["C1"])}
    assert owners == {"alice", "carl"}


def test_of_concurrent_adds_of_one_customer_exactly_one_wins(open_storage: OpenStorage) -> None:
    stores = [open_storage() for _ in range(4)]
    seed(stores[0])
    owners = ["alice", "bob", "carl", "dora"]
    results = race(
        [lambda s=s, o=o: add(s, o, ["C1", "C2"]) for s, o in zip(stores, owners, strict=True)]
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert all(isinstance(r, HeldElsewhere) for r in results if r not in winners)
    holdings = stores[0].client_books.holdings_of(LE, ["C1", "C2"])
    assert {h.owner_staff_id for h in holdings} == {winners[0].book.owner_staff_id}
    assert len(holdings) == 2


def test_concurrent_first_adds_get_distinct_book_ids(open_storage: OpenStorage) -> None:
    stores = [open_storage() for _ in range(4)]
    seed(stores[0])
    owners = ["alice", "bob", "carl", "dora"]
    results = race(
        [
            lambda s=s, o=o, c=c: add(s, o, [c])
            for s, o, c in zip(stores, owners, ["C1", "C2", "C3", "C4"], strict=True)
        ]
    )
    assert len({r.book.book_id for r in results}) == 4, results
    assert all(r.created for r in results)


def test_concurrent_first_adds_of_one_owner_make_one_book(open_storage: OpenStorage) -> None:
    stores = [open_storage() for _ in range(3)]
    seed(stores[0])
    ids = ["C1", "C2", "C3"]
    workers = [lambda s=s, c=c: add(s, "alice", [c]) for s, c in zip(stores, ids, strict=True)]
    results = race(workers)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.book.book_id for r in results}) == 1
    assert stores[0].client_books.book_of(LE, "alice").customer_count == 3


def test_book_ids_are_never_reused_and_skip_taken_ones(storage: Storage) -> None:
    seed(storage)
    first = add(storage, "alice", ["C1"]).book.book_id
    # A format that keeps producing the first id must not hand it out again.
    made = storage.client_books.add_to_book(
        LE, "bob", ["C2"], True, lambda n: first if n < 3 else f"X-{n}", NOW
    )
    assert made.book.book_id != first and made.book.book_id.startswith("X-")


def test_remove_reports_what_was_not_there_and_audits_store_removals(storage: Storage) -> None:
    seed(storage)
    assert storage.client_books.remove_from_book(LE, "alice", ["C1"], None).book is None
    book = add(storage, "alice", ["C1", "C2", "C3"]).book
    mine = storage.client_books.remove_from_book(LE, "alice", ["C1", "C4"], None)
    assert mine.removed == ["C1"] and mine.not_in_book == ["C4"]
    assert mine.book.customer_count == 2
    assert storage.client_books.audit_trail(LE, None, None, 10) == []
    by_manager = storage.client_books.remove_from_book(LE, "alice", ["C2"], stamp("remove"))
    assert by_manager.removed == ["C2"]
    [entry] = storage.client_books.audit_trail(LE, None, None, 10)
    assert (entry.action, entry.customer_id, entry.from_book_id) == ("remove", "C2", book.book_id)
    assert (entry.from_staff_id, entry.to_book_id, entry.actor_staff_id) == ("alice", None, "mgr")


def test_reassign_moves_memberships_and_audits_each_move(storage: Storage) -> None:
    seed(storage)
    alice = add(storage, "alice", ["C1", "C2"]).book
    moves = storage.client_books.holdings_of(LE, ["C1", "C2"])
    outcome = storage.client_books.reassign(LE, moves, "bob", book_id, stamp("reassign"))
    assert outcome.created and outcome.book.customer_count == 2
    assert outcome.moved == moves
    assert storage.client_books.book_of(LE, "alice").customer_count == 0
    held = storage.client_books.holdings_of(LE, ["C1", "C2"])
    assert {(h.owner_staff_id, h.book_id) for h in held} == {("bob", outcome.book.book_id)}
    # The one-book rule still holds after a move.
    with pytest.raises(HeldElsewhere):
        add(storage, "alice", ["C1"])
    trail = storage.client_books.audit_trail(LE, None, None, 10)
    assert [e.customer_id for e in trail] == ["C2", "C1"]  # newest first
    assert all(e.from_book_id == alice.book_id and e.to_staff_id == "bob" for e in trail)
    older = storage.client_books.audit_trail(LE, None, trail[0].entry_id, 10)
    assert [e.customer_id for e in older] == ["C1"]
    assert [e.customer_id for e in storage.client_books.audit_trail(LE, "C1", None, 10)] == ["C1"]


def test_reassign_of_a_membership_that_is_gone_changes_nothing(storage: Storage) -> None:
    seed(storage)
    add(storage, "alice", ["C1", "C2"])
    moves = storage.client_books.holdings_of(LE, ["C1", "C2"])
    storage.client_books.remove_from_book(LE, "alice", ["C2"], None)
    with pytest.raises(HoldingsChanged):
        storage.client_books.reassign(LE, moves, "bob", book_id, stamp("reassign"))
    held = storage.client_books.holdings_of(LE, ["C1"])
    assert [h.owner_staff_id for h in held] == ["alice"]


def test_reassign_with_several_books_keeps_one_membership_in_the_target(storage: Storage) -> None:
    seed(storage)
    add(storage, "alice", ["C1"], sole=False)
    add(storage, "bob", ["C1"], sole=False)
    moves = [h for h in storage.client_books.holdings_of(LE, ["C1"]) if h.owner_staff_id == "alice"]
    storage.client_books.reassign(LE, moves, "bob", book_id, stamp("reassign"))
    assert [h.owner_staff_id for h in storage.client_books.holdings_of(LE, ["C1"])] == ["bob"]


def held_by(storage: Storage, customer_id: str) -> list[str]:
    """Who holds the customer, as the holdings say and as the books list it: they agree."""
    holders = sorted(h.owner_staff_id for h in storage.client_books.holdings_of(LE, [customer_id]))
    listed = sorted(
        owner
        for owner in ("alice", "bob", "carl", "dora")
        for entry in storage.client_books.page_of_book(
            BookScope(LE, (owner,)), BookFilters(), None, 10
        )
        if entry.card.customer_id == customer_id
    )
    assert holders == listed, (holders, listed)
    return holders


def test_of_concurrent_reassigns_of_one_customer_exactly_one_wins(
    open_storage: OpenStorage,
) -> None:
    stores = [open_storage() for _ in range(3)]
    seed(stores[0])
    add(stores[0], "alice", ["C1", "C2"])
    moves = stores[0].client_books.holdings_of(LE, ["C1"])
    targets = ["bob", "carl", "dora"]
    results = race(
        [
            lambda s=s, t=t: s.client_books.reassign(LE, moves, t, book_id, stamp("reassign"))
            for s, t in zip(stores, targets, strict=True)
        ]
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert all(isinstance(r, HoldingsChanged) for r in results if r not in winners)
    assert held_by(stores[0], "C1") == [winners[0].book.owner_staff_id]
    assert held_by(stores[0], "C2") == ["alice"]
    counts = {o: stores[0].client_books.book_of(LE, o) for o in ["alice", *targets]}
    assert counts["alice"].customer_count == 1  # type: ignore[union-attr]
    assert sum(b.customer_count for b in counts.values() if b is not None) == 2
    assert len(stores[0].client_books.audit_trail(LE, "C1", None, 10)) == 1


def test_a_remove_racing_a_reassign_leaves_the_customer_in_at_most_one_book(
    open_storage: OpenStorage,
) -> None:
    stores = [open_storage() for _ in range(2)]
    seed(stores[0])
    add(stores[0], "alice", ["C1"])
    moves = stores[0].client_books.holdings_of(LE, ["C1"])
    race(
        [
            lambda: stores[0].client_books.reassign(LE, moves, "bob", book_id, stamp("reassign")),
            lambda: stores[1].client_books.remove_from_book(LE, "alice", ["C1"], None),
        ]
    )
    assert held_by(stores[0], "C1") in ([], ["bob"])
    # Whoever won, the customer can be added by a book again if no book holds it.
    if not held_by(stores[0], "C1"):
        assert add(stores[0], "carl", ["C1"]).added == ["C1"]


def test_pages_follow_sort_order_with_a_keyset(storage: Storage) -> None:
    storage.customers.upsert_many(LE, [customer(f"C{n:02d}", f"Name {n % 4}") for n in range(11)])
    add(storage, "alice", [f"C{n:02d}" for n in range(11)])
    scope = BookScope(LE, ("alice",))
    seen: list[str] = []
    after = None
    while True:
        page = storage.client_books.page_of_book(scope, BookFilters(), after, 4)
        seen += ids_of(page)
        if len(page) < 4:
            break
        after = BookPosition(page[-1].sort_name, page[-1].card.customer_id)
    expected = sorted((f"name {n % 4}", f"C{n:02d}") for n in range(11))
    assert seen == [c for _, c in expected]
    assert storage.client_books.count_in_book(scope, BookFilters()) == 11


def test_filters_counts_and_refiners_describe_the_filtered_set(storage: Storage) -> None:
    seed(storage)
    add(storage, "alice", ["C1", "C2", "C3", "C4"])
    scope = BookScope(LE, ("alice",))
    gold = BookFilters(refinements=(AttributeRefinement("tier", AttributeType.TEXT, ("gold",)),))
    assert ids_of(storage.client_books.page_of_book(scope, gold, None, 10)) == ["C1", "C3", "C4"]
    summary = storage.client_books.summarize_book(scope, gold, [TIER, VISITS])
    assert summary.total_count == 3
    assert list(summary.refiners[0].values) == [("gold", 3)]
    assert (summary.refiners[1].minimum, summary.refiners[1].maximum) == (3, 12)
    whole = storage.client_books.summarize_book(scope, BookFilters(), [TIER, VISITS])
    assert whole.total_count == 4 and list(whole.refiners[0].values) == [("gold", 3), ("silver", 1)]
    ranged = BookFilters(ranges=(AttributeRange("visits", AttributeType.INTEGER, 5, None),))
    assert ids_of(storage.client_books.page_of_book(scope, ranged, None, 10)) == ["C2", "C3"]
    assert storage.client_books.count_in_book(scope, ranged) == 2
    searched = BookFilters(search_words=("carter",))
    assert ids_of(storage.client_books.page_of_book(scope, searched, None, 10)) == ["C3"]
    upcoming = BookFilters(upcoming_days=30, upcoming=(("03-01", "03-31"),))
    assert ids_of(storage.client_books.page_of_book(scope, upcoming, None, 10)) == ["C4"]


def test_a_store_book_lists_a_shared_customer_once(storage: Storage) -> None:
    seed(storage)
    first = add(storage, "alice", ["C1", "C2"], sole=False).book
    add(storage, "bob", ["C1", "C3"], sole=False)
    scope = BookScope(LE, ("alice", "bob"), one_row_per_customer=True)
    page = storage.client_books.page_of_book(scope, BookFilters(), None, 10)
    assert ids_of(page) == ["C1", "C2", "C3"]
    assert page[0].holding.book_id == first.book_id  # the lowest book id
    assert storage.client_books.count_in_book(scope, BookFilters()) == 3
    summary = storage.client_books.summarize_book(scope, BookFilters(), [TIER])
    assert summary.total_count == 3 and dict(summary.refiners[0].values) == {"gold": 2, "silver": 1}
    two = storage.client_books.page_of_book(scope, BookFilters(), None, 2)
    assert ids_of(two) == ["C1", "C2"]


def search_ids(storage: Storage, books: list[str], words: list[str], limit: int = 10) -> list[str]:
    hits = storage.client_books.search_customers(LE, books, words, None, limit)
    return [h.card.customer_id for h in hits]


def test_search_finds_customers_of_the_address_books_in_sort_order(storage: Storage) -> None:
    seed(storage)
    storage.customers.upsert_many(
        LE,
        [
            customer("C6", "Anna Bell"),
            customer("C7", "Zed Andersson-Lind", addressBooks=["AB1", "AB2"]),
            customer("C8", "Dan Archer"),
        ],
    )
    hits = storage.client_books.search_customers(LE, ["AB1"], ["an"], None, 10)
    assert [h.card.customer_id for h in hits] == ["C1", "C6", "C7"]
    after = BookPosition(hits[0].sort_name, hits[0].card.customer_id)
    later = storage.client_books.search_customers(LE, ["AB1"], ["an"], after, 1)
    assert [h.card.customer_id for h in later] == ["C6"]
    # A customer of two of the store's address books is one hit.
    assert search_ids(storage, ["AB1", "AB2"], ["an"]) == ["C1", "C6", "C7"]
    assert search_ids(storage, ["AB1", "AB2"], ["ed@"]) == ["C5"]
    assert search_ids(storage, ["AB1"], ["ed@"]) == []
    assert storage.client_books.existing_customers(LE, ["C1", "C9"]) == {"C1"}


def test_search_matches_the_start_of_words_email_parts_and_any_part_of_a_phone(
    storage: Storage,
) -> None:
    storage.customers.upsert_many(
        LE,
        [
            customer("C1", "Ann Archer", email="ann.archer@example.com"),
            customer("C2", "Dan Archer", phone="+46 8-555 12 34"),
            customer("C3", "Zed Andersson-Lind"),
            customer("C4", "Ola Anderssen"),
        ],
    )
    assert search_ids(storage, ["AB1"], ["arch"]) == ["C1", "C2"]
    assert search_ids(storage, ["AB1"], ["ARCHER", "an"]) == []  # words come folded
    assert search_ids(storage, ["AB1"], ["archer", "an"]) == ["C1"]  # every word must match
    assert search_ids(storage, ["AB1"], ["rche"]) == []  # not inside a word
    assert search_ids(storage, ["AB1"], ["exam"]) == ["C1"]  # a part of the email
    assert search_ids(storage, ["AB1"], ["ann.archer@ex"]) == ["C1"]
    assert search_ids(storage, ["AB1"], ["5551234"]) == ["C2"]  # any part of a phone
    assert search_ids(storage, ["AB1"], ["8-55"]) == ["C2"]
    assert search_ids(storage, ["AB1"], ["lind"]) == ["C3"]
    # Longer than a stored key: the two share a start, only one has the whole word.
    assert search_ids(storage, ["AB1"], ["andersson"]) == ["C3"]
    assert search_ids(storage, ["AB1"], ["anderssen"]) == ["C4"]
    assert search_ids(storage, ["AB1"], ["andersson-lind"]) == ["C3"]


def test_search_follows_renames_address_book_moves_and_attribute_edits(storage: Storage) -> None:
    storage.customers.upsert_many(LE, [customer("C1", "Ann Archer", attributes={"tier": "gold"})])
    storage.customers.upsert_many(
        LE, [customer("C1", "Ann Baker", addressBooks=["AB1", "AB2"], attributes={"tier": "gold"})]
    )
    assert search_ids(storage, ["AB1"], ["archer"]) == []
    assert search_ids(storage, ["AB2"], ["baker"]) == ["C1"]
    storage.customers.upsert_many(
        LE, [customer("C1", "Ann Baker", addressBooks=["AB2"], attributes={"tier": "gold"})]
    )
    assert search_ids(storage, ["AB1"], ["baker"]) == []
    etag = storage.customers.get(LE, "C1").etag
    storage.client_books.set_attribute_values(LE, "C1", {"tier": "silver"}, etag)
    [hit] = storage.client_books.search_customers(LE, ["AB2"], ["ann"], None, 10)
    assert hit.card.attributes == {"tier": "silver"} and hit.card.name == "Ann Baker"
    # What an erasure leaves (the anonymised master data, no address books) is not found.
    storage.customers.upsert_many(LE, [{"customerId": "C1", "name": "Erased customer"}])
    assert search_ids(storage, ["AB1", "AB2"], ["ann"]) == []
    assert search_ids(storage, ["AB1", "AB2"], ["erased"]) == []


def test_attribute_updates_reach_every_card_and_refuse_a_stale_etag(storage: Storage) -> None:
    seed(storage)
    add(storage, "alice", ["C1"], sole=False)
    add(storage, "bob", ["C1"], sole=False)
    etag = storage.customers.get(LE, "C1").etag
    stored = storage.client_books.set_attribute_values(LE, "C1", {"tier": "platinum"}, etag)
    assert stored.body["attributes"] == {"tier": "platinum", "visits": 3}
    assert stored.etag != etag and storage.customers.get(LE, "C1").etag == stored.etag
    for owner in ("alice", "bob"):
        [entry] = storage.client_books.page_of_book(BookScope(LE, (owner,)), BookFilters(), None, 5)
        assert entry.card.attributes == {"tier": "platinum", "visits": 3}
    with pytest.raises(PreconditionFailed):
        storage.client_books.set_attribute_values(LE, "C1", {"tier": None}, etag)
    cleared = storage.client_books.set_attribute_values(LE, "C1", {"tier": None}, stored.etag)
    assert cleared.body["attributes"] == {"visits": 3}


def test_an_imported_change_shows_on_the_card(storage: Storage) -> None:
    seed(storage)
    add(storage, "alice", ["C1"])
    storage.customers.upsert_many(LE, [customer("C1", "Ann Zed", attributes={"tier": "x"})])
    [entry] = storage.client_books.page_of_book(BookScope(LE, ("alice",)), BookFilters(), None, 5)
    assert (entry.card.name, entry.sort_name, entry.card.attributes) == (
        "Ann Zed",
        "ann zed",
        {"tier": "x"},
    )


def test_holdings_are_kept_per_legal_entity(storage: Storage) -> None:
    seed(storage)
    storage.customers.upsert_many("DEMF", [customer("C1", "Dora")])
    add(storage, "alice", ["C1"])
    storage.client_books.add_to_book("DEMF", "bob", ["C1"], True, book_id, NOW)
    assert storage.client_books.holdings_of("DEMF", ["C1"]) == [
        BookHolding("C1", storage.client_books.book_of("DEMF", "bob").book_id, "bob")
    ]


def test_entries_in_a_book_are_its_memberships_of_those_customers_with_fresh_cards(
    storage: Storage,
) -> None:
    seed(storage)
    add(storage, "alice", ["C1", "C2"])
    add(storage, "bob", ["C3"])
    storage.customers.upsert_many(LE, [customer("C2", "Bo Zed", attributes={"tier": "x"})])
    books = storage.client_books
    entries = books.entries_in_book(LE, "alice", ["C2", "C3", "C1", "C9", "C2"])
    alice_book = books.book_of(LE, "alice").book_id
    by_id = {e.card.customer_id: e for e in entries}
    assert sorted(by_id) == ["C1", "C2"] and len(entries) == 2  # not bob's C3, no unknown C9
    assert by_id["C2"].holding == BookHolding("C2", alice_book, "alice")
    assert (by_id["C2"].card.name, by_id["C2"].sort_name, by_id["C2"].card.attributes) == (
        "Bo Zed",
        "bo zed",
        {"tier": "x"},
    )
    assert books.entries_in_book(LE, "alice", []) == []
    assert books.entries_in_book("DEMF", "alice", ["C1"]) == []
