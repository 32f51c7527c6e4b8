"""How many Cosmos DB requests each storage operation costs, counted by the test server.

The table in docs/cosmos.md states the same numbers; a change of cost shows up here first.
Counts are for a warm process (the shared client and its container routing already known).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.activities import Activity, TimelineFilter, TimelineOrder, TimelinePosition
from shared.domain.attributes import AttributeDefinition, AttributeType
from shared.domain.book_filters import BookFilters
from shared.domain.client_books import BookHolding
from shared.domain.notes import Authoring, NotePosition, delete_note, edit_note, new_note
from shared.domain.secret_expiry import AlertState
from shared.ports.activities import CustomerKey
from shared.ports.client_books import AuditStamp, BookScope
from shared.ports.distribution import DistributionRun
from shared.ports.documents import PublishedDocument
from shared.ports.idempotency import IdempotencyRecord
from tests.cosmos.harness import CosmosTestServer


def cost(server: CosmosTestServer, database: str, operation: Callable[[], Any]) -> Counter[str]:
    before = server.request_counts(database)
    operation()
    return server.request_counts(database) - before


def published(doc_id: str, **body: object) -> PublishedDocument:
    return PublishedDocument("USRT", "store", doc_id, dict(body))


def test_each_operation_costs_what_the_documentation_says(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    store, db = cosmos_storage, cosmos_storage.database.name
    hq, pub, dist, customers = (
        store.headquarters,
        store.published,
        store.distribution,
        store.customers,
    )
    # Warm up: the first write also creates the change sequence and the published version.
    hq.put("USRT", "store", "S0", {})
    pub.publish([published("S0")])
    staff = [(f"P{n}", {"n": n}) for n in range(250)]
    people = [{"customerId": f"C{n}", "name": f"N{n}"} for n in range(20)]
    run = DistributionRun("r1", "1040", "2026-01-01T00:00:00.000Z", "timer")

    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        ("hq get", lambda: hq.get("USRT", "store", "S1"), {"headquarters read": 1}),
        (
            "hq put",
            lambda: hq.put("USRT", "store", "S1", {}),
            {"headquarters replace": 1, "headquarters upsert": 1, "headquarters patch": 1},
        ),
        ("hq list", lambda: hq.list("USRT", "store"), {"headquarters query": 1}),
        (
            "hq upsert_many of 250 new",
            lambda: hq.upsert_many("USRT", "staff", staff),
            {
                "headquarters query": 1,
                "headquarters replace": 1,
                "headquarters batch": 3,
                "headquarters patch": 1,
            },
        ),
        (
            "hq upsert_many of 250 unchanged",
            lambda: hq.upsert_many("USRT", "staff", staff),
            {"headquarters query": 1},
        ),
        (
            "hq changed_since",
            lambda: hq.changed_since(["store"], 0, 500),
            {"headquarters read": 1, "headquarters query": 1},
        ),
        (
            "hq exists_elsewhere",
            lambda: hq.exists_elsewhere("DEMF", "store", ["S1"]),
            {"headquarters query": 1},
        ),
        ("published version", pub.version, {"published read": 1}),
        (
            "publish 3 changed",
            lambda: pub.publish([published(f"S{n}", v=1) for n in range(3)]),
            {"published query": 1, "published batch": 1, "published patch": 1},
        ),
        (
            "publish 3 unchanged",
            lambda: pub.publish([published(f"S{n}", v=1) for n in range(3)]),
            {"published query": 1},
        ),
        (
            "published load_all",
            lambda: list(pub.load_all()[1]),
            {"published read": 1, "published query": 1},
        ),
        ("watermark", lambda: dist.watermark("1040"), {"distribution read": 1}),
        ("set_watermark", lambda: dist.set_watermark("1040", 3), {"distribution upsert": 1}),
        (
            "acquire_lease",
            lambda: dist.acquire_lease("1040", "a", 1.0, 60),
            {"distribution read": 1, "distribution create": 1},
        ),
        (
            "release_lease",
            lambda: dist.release_lease("1040", "a"),
            {"distribution read": 1, "distribution delete": 1},
        ),
        ("save_run", lambda: dist.save_run(run), {"distribution upsert": 1}),
        ("runs", lambda: dist.runs("1040", 50), {"distribution query": 1}),
        (
            "customers upsert_many of 20 new",
            lambda: customers.upsert_many("USRT", people),
            # + 1 query for memberships whose card copies to refresh (none held here)
            {"customers query": 1, "customers upsert": 20, "books query": 1},
        ),
        (
            "customers upsert_many of 20 unchanged",
            lambda: customers.upsert_many("USRT", people),
            {"customers query": 1},
        ),
        ("customer get", lambda: customers.get("USRT", "C1"), {"customers read": 1}),
        ("customer count", lambda: customers.count("USRT"), {"customers query": 1}),
    ]
    measured = {name: dict(cost(local_server, db, action)) for name, action, _ in expected}
    assert measured == {name: counts for name, _, counts in expected}


UC001 = CustomerKey("USRT", "UC001")
DAY = "2024-05-01T10:00:00.000Z"
LATER = "2024-05-02T10:00:00.000Z"
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def activity(n: int) -> Activity:
    return Activity(
        "USRT", "UC001", f"a{n:04d}", "VISIT" if n % 2 else "CALL", "Visit", f"#{n}",
        DAY, None, None, None, None, "alice", "Alice", "S1", DAY,
    )  # fmt: skip


def test_customer_records_cost_one_request_per_page_and_per_write(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    store, db = cosmos_storage, cosmos_storage.database.name
    activities, notes, keys = store.activities, store.notes, store.idempotency
    for n in range(12):
        activities.add(activity(n))
    first = notes.add(new_note("first", Authoring("USRT", "UC001", "N1", "alice", "A", "S1", NOW)))
    second, kept = edit_note(first, "second", "alice", "r1", NOW)
    notes.add(new_note("other", Authoring("USRT", "UC001", "N2", "alice", "A", "S1", NOW)))
    other = notes.get(UC001, "N2")
    assert other is not None
    reservation = IdempotencyRecord("alice POST /x", "k1", "fp", "a0100", DAY, LATER)
    keys.reserve(IdempotencyRecord("alice POST /x", "k0", "fp", "a0099", DAY, LATER), DAY)
    position = TimelinePosition(DAY, "a0009")

    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        (
            "timeline page",
            lambda: activities.timeline(UC001, TimelineFilter(), None, 10),
            {"activities query": 1},
        ),
        (
            "timeline page of one type, after a position",
            lambda: activities.timeline(
                UC001, TimelineFilter(activity_type_id="CALL"), position, 5
            ),
            {"activities query": 1},
        ),
        (
            "upcoming page",
            lambda: activities.timeline(
                UC001, TimelineFilter(TimelineOrder.SOONEST_FIRST, start_from=DAY), None, 10
            ),
            {"activities query": 1},
        ),
        ("record an activity", lambda: activities.add(activity(100)), {"activities create": 1}),
        (
            "record an activity again (a retry)",
            lambda: activities.add(activity(100)),
            {"activities create": 1, "activities read": 1},
        ),
        ("notes page", lambda: notes.page(UC001, None, 10), {"activities query": 1}),
        (
            "notes page after a position",
            lambda: notes.page(UC001, NotePosition(first.created_at, "N2"), 10),
            {"activities query": 1},
        ),
        ("note get", lambda: notes.get(UC001, "N1"), {"activities read": 1}),
        (
            "note add",
            lambda: notes.add(new_note("x", Authoring("USRT", "UC001", "N3", "a", "A", "S1", NOW))),
            {"activities create": 1},
        ),
        (
            "note edit",
            lambda: notes.replace(second, 1, kept),
            {"activities read": 1, "activities batch": 1},
        ),
        (
            "note delete",
            lambda: notes.delete(UC001, "N2", delete_note(other, "alice", "r1", NOW)),
            {"activities read": 1, "activities batch": 1},
        ),
        (
            "note history page",
            lambda: notes.history(UC001, "N1", None, 10),
            {"activities query": 1},
        ),
        (
            "idempotency reserve, new key",
            lambda: keys.reserve(reservation, DAY),
            {"idempotency create": 1},
        ),
        (
            "idempotency reserve, held key",
            lambda: keys.reserve(reservation, DAY),
            {"idempotency create": 1, "idempotency read": 1},
        ),
        (
            "idempotency complete",
            lambda: keys.complete("alice POST /x", "k1", 201, {"id": "a0100"}),
            {"idempotency patch": 1},
        ),
        (
            "idempotency release",
            lambda: keys.release("alice POST /x", "k0", "a0099"),
            {"idempotency read": 1, "idempotency delete": 1},
        ),
        (
            "alert state save",
            lambda: store.alert_state.save("kv/secret", "teams", AlertState("healthy", NOW)),
            {"operations upsert": 1},
        ),
        (
            "alert state load",
            lambda: store.alert_state.load("kv/secret", "teams"),
            {"operations read": 1},
        ),
        (
            # A channel without state of its own also reads the per-secret state of old.
            "alert state load, channel never sent",
            lambda: store.alert_state.load("kv/secret", "slack"),
            {"operations read": 2},
        ),
    ]
    measured = {name: dict(cost(local_server, db, action)) for name, action, _ in expected}
    assert measured == {name: counts for name, _, counts in expected}


def test_client_book_operations_cost_one_query_or_one_batch(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    store, db = cosmos_storage, cosmos_storage.database.name
    books = store.client_books
    store.customers.upsert_many(
        "USRT",
        [
            {"customerId": f"C{n}", "name": f"N{n}", "addressBooks": ["AB1"], "attributes": {}}
            for n in range(120)
        ],
    )
    now = "2026-01-05T10:00:00.000Z"
    # Warm up: the first book and audit entry ever also create their counters.
    books.add_to_book("USRT", "warm", ["C119", "C118"], True, lambda n: f"CB-{n}", now)
    books.remove_from_book("USRT", "warm", ["C118"], AuditStamp("remove", "S1", "mgr", now))
    scope = BookScope("USRT", ("alice",))
    tier = AttributeDefinition(name="tier", label="Tier", type=AttributeType.TEXT, refinable=True)
    stamp = AuditStamp("reassign", "S1", "mgr", now)
    hundred = [f"C{n}" for n in range(5, 105)]
    etag = store.customers.get("USRT", "C1").etag

    def add(ids: list[str]) -> Any:
        return books.add_to_book("USRT", "alice", ids, True, lambda n: f"CB-{n}", now)

    moves = [BookHolding(c, "CB-2", "alice") for c in ("C1", "C2")]  # after the first add
    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        (
            "first add (creates the book)",
            lambda: add(["C1", "C2"]),
            {
                "books query": 1,
                "books patch": 1,
                "books create": 2,  # the book id's reservation, the book
                "customers query": 1,
                "books batch": 2,  # the claims in the holder registry, the memberships
            },
        ),
        (
            # 100 claims are one batch; 100 creates and the book's tally are 101 operations:
            # two batches.
            "add of 100",
            lambda: add(hundred),
            {"books query": 1, "customers query": 1, "books batch": 3},
        ),
        (
            "book_of",
            lambda: books.book_of("USRT", "alice"),
            {"books read": 2},  # the book, then its tally (the member count)
        ),
        (
            "my book page",
            lambda: books.page_of_book(scope, BookFilters(), None, 51),
            {"books query": 1},
        ),
        (
            "refiners and count",
            lambda: books.summarize_book(scope, BookFilters(), [tier]),
            {"books query": 1},
        ),
        (
            "store client book refiners and count (tallies of every book)",
            lambda: books.summarize_book(
                BookScope("USRT", ("alice", "warm")), BookFilters(), [tier]
            ),
            {"books query": 1},
        ),
        (
            "refiners and count of a filtered set",
            lambda: books.summarize_book(scope, BookFilters(search_words=("n1",)), [tier]),
            {"books query": 1},
        ),
        ("count", lambda: books.count_in_book(scope, BookFilters()), {"books query": 1}),
        ("card", lambda: store.customers.get("USRT", "C1"), {"customers read": 1}),
        ("holdings_of", lambda: books.holdings_of("USRT", ["C1"]), {"books query": 1}),
        (
            "existing_customers",
            lambda: books.existing_customers("USRT", ["C1"]),
            {"customers query": 1},
        ),
        (
            "search",
            lambda: books.search_customers("USRT", ["AB1"], ["n1"], None, 51),
            # the key items of "n1" in the address book's partition, then the page's cards
            {"search query": 2},
        ),
        (
            "remove of 2",
            lambda: books.remove_from_book("USRT", "alice", ["C5", "C6"], None),
            # the book's memberships and tally, then the holder entries to free
            {"books query": 2, "books batch": 2},
        ),
        (
            "reassign of 2",
            lambda: books.reassign("USRT", moves, "warm", str, stamp),
            {
                # the target book, the holder entries, then each source book's memberships
                "books query": 3,
                "books read": 2,  # the memberships to move
                "books patch": 1,  # audit entry numbers
                # the holder entries (the move is decided), the source book, the target book
                "books batch": 3,
            },
        ),
        (
            "audit_trail",
            lambda: books.audit_trail("USRT", None, None, 51),
            {"books query": 1},
        ),
        (
            "set_attribute_values",
            lambda: books.set_attribute_values("USRT", "C1", {"tier": "gold"}, etag),
            {
                "customers read": 1,
                "customers replace": 1,
                "books query": 2,  # the holder registry, then the memberships in each book
                "books read": 1,  # the book's tally
                "books batch": 1,
                "search upsert": 1,  # the card item in the customer's one address book
            },
        ),
    ]
    measured = {name: dict(cost(local_server, db, action)) for name, action, _ in expected}
    assert measured == {name: counts for name, _, counts in expected}


def test_customer_search_keys_cost_one_batch_per_changed_customer_and_address_book(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    store, db = cosmos_storage, cosmos_storage.database.name

    def person(n: int, name: str, books: list[str], tier: str = "gold") -> dict[str, Any]:
        return {
            "customerId": f"C{n}",
            "name": name,
            "addressBooks": books,
            "attributes": {"tier": tier},
        }

    people = [person(n, f"Ann Archer {n}", ["AB1"]) for n in range(3)]
    both = [person(3, "Bo Baker", ["AB1", "AB2"])]
    # customers query, writes, and the memberships query of the card-copy refresh
    imports = {"customers query": 1, "books query": 1}
    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        (
            "3 new customers of one address book",
            lambda: store.customers.upsert_many("USRT", people),
            {**imports, "customers upsert": 3, "search batch": 3},
        ),
        (
            "a new customer of two address books",
            lambda: store.customers.upsert_many("USRT", both),
            {**imports, "customers upsert": 1, "search batch": 2},
        ),
        (
            "unchanged",
            lambda: store.customers.upsert_many("USRT", people + both),
            {"customers query": 1},
        ),
        (
            "a rename",
            lambda: store.customers.upsert_many("USRT", [person(0, "Ann Baker 0", ["AB1"])]),
            {**imports, "customers upsert": 1, "search batch": 1},
        ),
        (
            "an attribute change (the card item only)",
            lambda: store.customers.upsert_many(
                "USRT", [person(0, "Ann Baker 0", ["AB1"], "silver")]
            ),
            {**imports, "customers upsert": 1, "search batch": 1},
        ),
        (
            "a move to another address book",
            lambda: store.customers.upsert_many(
                "USRT", [person(0, "Ann Baker 0", ["AB2"], "silver")]
            ),
            {**imports, "customers upsert": 1, "search batch": 2},
        ),
    ]
    measured = {name: dict(cost(local_server, db, action)) for name, action, _ in expected}
    assert measured == {name: counts for name, _, counts in expected}


def test_a_search_reads_only_its_key_in_the_stores_address_books(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    """However many customers the legal entity has, a search is two queries per address
    book of the store, in the search container alone, returning only its candidates."""
    store, db = cosmos_storage, cosmos_storage.database.name
    crowd = [
        {"customerId": f"C{n:03d}", "name": f"Aa Customer {n:03d}", "addressBooks": ["AB1"]}
        for n in range(150)
    ]
    rare = [
        {"customerId": "R1", "name": "Zyx Rare", "addressBooks": ["AB1"]},
        {"customerId": "R2", "name": "Zyxwvutsr Rarer", "addressBooks": ["AB2"]},
    ]
    store.customers.upsert_many("USRT", crowd + rare)
    returned: list[int] = []
    search_items = store.client_books._search._items
    query = search_items.query

    def counted(*args: Any, **kwargs: Any) -> Any:
        items = list(query(*args, **kwargs))
        returned.append(len(items))
        return iter(items)

    search_items.query = counted  # type: ignore[method-assign]
    books = store.client_books

    def search(address_books: list[str], words: list[str], limit: int = 51) -> list[str]:
        hits = books.search_customers("USRT", address_books, words, None, limit)
        return [h.card.customer_id for h in hits]

    assert dict(cost(local_server, db, lambda: search(["AB1"], ["zyx"]))) == {"search query": 2}
    assert returned == [1, 1]  # one key item, one card: not the 150 others
    returned.clear()
    assert search(["AB1"], ["customer"], 10) == [f"C{n:03d}" for n in range(10)]
    assert returned == [10, 10]  # the page's key items (TOP) and cards
    returned.clear()
    # Two address books: a key query in each; cards only where there are hits.
    both = dict(cost(local_server, db, lambda: search(["AB1", "AB2"], ["zyxwvutsr"])))
    assert both == {"search query": 3}
    assert returned == [0, 1, 1]
