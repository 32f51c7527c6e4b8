"""Book refiner tallies: kept equal to the memberships by every change, read instead of them.

The truth is always the rows: the projection of the book's memberships, folded (what a
filtered set reads). Every test compares the summary with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.adapters.cosmos import book_tally
from shared.adapters.cosmos.book_items import book_key
from shared.adapters.cosmos.book_query import book_where
from shared.adapters.cosmos.book_summary import fold, projection
from shared.adapters.cosmos.book_tally import tally_id
from shared.adapters.cosmos.client_books import refresh_copies
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.attributes import AttributeDefinition, AttributeType
from shared.domain.book_filters import BookFilters
from shared.domain.client_books import BookHolding
from shared.ports.client_books import AuditStamp, BookScope, BookSummary, HeldElsewhere
from tests.support.concurrency import race

LE = "USRT"
NOW = "2026-01-05T10:00:00.000Z"
TIER = AttributeDefinition(
    name="tier",
    label="Tier",
    type=AttributeType.LIST,
    refinable=True,
    allowed_values=["gold", "silver", "bronze", "platinum"],
)
VIP = AttributeDefinition(name="vip", label="VIP", type=AttributeType.BOOLEAN, refinable=True)
VISITS = AttributeDefinition(
    name="visits", label="Visits", type=AttributeType.INTEGER, refinable=True
)
CODE = AttributeDefinition(name="code", label="Code", type=AttributeType.TEXT, refinable=True)
ATTRIBUTES = [TIER, VIP, VISITS, CODE]
TIERS = ("gold", "silver", "bronze")


def customer(n: int) -> dict[str, Any]:
    return {
        "customerId": f"C{n}",
        "name": f"Name {n}",
        "addressBooks": ["AB1"],
        "attributes": {"tier": TIERS[n % 3], "vip": n % 2 == 0, "visits": n, "code": f"K{n}"},
    }


def seed(store: CosmosStorage, count: int = 120) -> None:
    store.customers.upsert_many(LE, [customer(n) for n in range(count)])


def add(store: CosmosStorage, owner: str, ids: list[str]) -> Any:
    return store.client_books.add_to_book(LE, owner, ids, True, lambda n: f"CB-{n}", NOW)


def ids(numbers: range | list[int]) -> list[str]:
    return [f"C{n}" for n in numbers]


def normal(summary: BookSummary) -> tuple[int, dict[str, Any]]:
    """The summary without the order of equally common values."""
    return summary.total_count, {
        r.attribute: (sorted(r.values, key=repr), r.minimum, r.maximum) for r in summary.refiners
    }


def from_rows(
    store: CosmosStorage, scope: BookScope, attributes: list[AttributeDefinition]
) -> BookSummary:
    where = book_where(scope, BookFilters())
    items = store.database.container("books")
    key = book_key(LE, scope.owner_staff_ids[0]) if len(scope.owner_staff_ids) == 1 else None
    return fold(items.query(projection(where, attributes), where.parameters, key), attributes)


def assert_tallies_match_rows(store: CosmosStorage, *owners: str) -> None:
    for scope in [BookScope(LE, (o,)) for o in owners] + [BookScope(LE, owners)]:
        summary = store.client_books.summarize_book(scope, BookFilters(), ATTRIBUTES[:3])
        assert normal(summary) == normal(from_rows(store, scope, ATTRIBUTES[:3])), scope


def tally(store: CosmosStorage, owner: str) -> dict[str, Any] | None:
    return store.database.container("books").read(tally_id(owner), book_key(LE, owner))


def test_every_change_keeps_the_tallies_equal_to_the_rows(cosmos_storage: CosmosStorage) -> None:
    store, books = cosmos_storage, cosmos_storage.client_books
    seed(store, 20)
    add(store, "alice", ids(range(0, 8)))
    add(store, "bob", ids(range(8, 12)))
    assert_tallies_match_rows(store, "alice", "bob")

    books.remove_from_book(LE, "alice", ids([1, 2]), AuditStamp("remove", "S1", "mgr", NOW))
    assert_tallies_match_rows(store, "alice", "bob")

    moves = [BookHolding(c, "CB-1", "alice") for c in ids([3, 4])]
    books.reassign(LE, moves, "bob", str, AuditStamp("reassign", "S1", "mgr", NOW))
    assert_tallies_match_rows(store, "alice", "bob")

    etag = store.customers.get(LE, "C5").etag
    books.set_attribute_values(LE, "C5", {"tier": "platinum", "visits": None}, etag)
    assert_tallies_match_rows(store, "alice", "bob")

    changed = customer(9) | {"attributes": {"tier": "gold", "vip": True, "visits": 400}}
    store.customers.upsert_many(LE, [changed])  # an import refreshes the copies
    assert_tallies_match_rows(store, "alice", "bob")

    summary = books.summarize_book(BookScope(LE, ("alice", "bob")), BookFilters(), [VISITS])
    assert (summary.refiners[0].minimum, summary.refiners[0].maximum) == (0, 400)
    assert tally(store, "alice")["members"] == 4  # type: ignore[index]
    assert tally(store, "bob")["members"] == 6  # type: ignore[index]


def test_the_whole_book_summary_is_read_from_the_tallies(cosmos_storage: CosmosStorage) -> None:
    store = cosmos_storage
    seed(store, 4)
    add(store, "alice", ids(range(4)))
    items = store.database.container("books")
    item = tally(store, "alice")
    assert item is not None
    items.replace({**item, "members": 41}, item["_etag"])

    scope = BookScope(LE, ("alice",))
    assert store.client_books.summarize_book(scope, BookFilters(), [TIER]).total_count == 41
    # A filtered set reads its rows.
    filtered = BookFilters(search_words=("name",))
    assert store.client_books.summarize_book(scope, filtered, [TIER]).total_count == 4


class CountingRows:
    """The memberships container, counting the items its queries return."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.returned = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def query(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for item in self._inner.query(*args, **kwargs):
            self.returned += 1
            yield item


def test_refiners_read_the_tallies_or_only_the_filtered_set(
    cosmos_storage: CosmosStorage,
) -> None:
    store, books = cosmos_storage, cosmos_storage.client_books
    seed(store, 60)
    add(store, "alice", ids(range(0, 30)))
    add(store, "bob", ids(range(30, 60)))
    counting = CountingRows(books._items)
    books._items = counting  # type: ignore[assignment]
    store_book = BookScope(LE, ("alice", "bob", "carl"))

    whole = books.summarize_book(store_book, BookFilters(), ATTRIBUTES)
    assert whole.total_count == 60
    assert counting.returned == 4  # two books and their two tallies

    counting.returned = 0
    one = books.summarize_book(store_book, BookFilters(search_words=("41",)), ATTRIBUTES)
    assert one.total_count == 1
    assert counting.returned == 1  # the filtered set, not the book


def test_an_add_of_100_takes_two_batches_and_counts_everyone(
    cosmos_storage: CosmosStorage,
) -> None:
    store = cosmos_storage
    seed(store, 101)
    add(store, "alice", ids([100]))
    add(store, "alice", ids(range(100)))
    assert tally(store, "alice")["members"] == 101  # type: ignore[index]
    assert_tallies_match_rows(store, "alice")


def test_a_lost_race_in_the_second_batch_of_an_add_takes_the_first_back(
    cosmos_storage: CosmosStorage,
) -> None:
    store = cosmos_storage
    seed(store, 100)
    add(store, "bob", ids([99]))
    with pytest.raises(HeldElsewhere):
        add(store, "alice", ids(range(100)))  # C99 lands in the second batch
    held = store.client_books.holdings_of(LE, ids(range(100)))
    assert [(h.customer_id, h.owner_staff_id) for h in held] == [("C99", "bob")]
    # (The local server keeps a failed batch's operations before the failure, so the second
    # batch's tally is not rolled back here as Cosmos DB would: see test_server_gaps.py.)


def test_a_book_written_before_tallies_reads_rows_then_gets_one(
    cosmos_storage: CosmosStorage,
) -> None:
    store = cosmos_storage
    seed(store, 6)
    add(store, "alice", ids(range(5)))
    assert store.database.container("books").delete(tally_id("alice"), book_key(LE, "alice"))
    scope = BookScope(LE, ("alice",))
    summary = store.client_books.summarize_book(scope, BookFilters(), ATTRIBUTES)
    assert normal(summary) == normal(from_rows(store, scope, ATTRIBUTES))

    add(store, "alice", ids([5]))  # the next change counts the book's rows once
    assert tally(store, "alice")["members"] == 6  # type: ignore[index]
    assert_tallies_match_rows(store, "alice")


def test_a_varied_attribute_keeps_its_extremes_and_its_value_counts_read_rows(
    cosmos_storage: CosmosStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(book_tally, "MAX_TALLY_VALUES", 3)
    monkeypatch.setattr(book_tally, "EXTREME_VALUES", 2)
    store, books = cosmos_storage, cosmos_storage.client_books
    seed(store, 8)
    add(store, "alice", ids(range(6)))
    item = tally(store, "alice")
    assert item is not None
    assert sorted(item["extremes"]) == ["code", "visits"]
    assert set(item["counts"]) == {"tier", "vip"}
    scope = BookScope(LE, ("alice",))
    counting = CountingRows(books._items)
    books._items = counting  # type: ignore[assignment]

    ranges = books.summarize_book(scope, BookFilters(), [TIER, VISITS])
    assert normal(ranges) == normal(from_rows(store, scope, [TIER, VISITS]))
    assert counting.returned == 2  # the book and its tally: a range needs only the ends

    counting.returned = 0
    texts = books.summarize_book(scope, BookFilters(), [CODE])
    assert normal(texts) == normal(from_rows(store, scope, [CODE]))
    assert counting.returned == 2 + 6  # the tally cannot count text values: the rows
    assert dict(texts.refiners[0].values) == {f"K{n}": 1 for n in range(6)}

    # Removing the two smallest empties `low` while values sit in between: the bound is
    # unknown, so the rows answer, and the next change counts the tally again.
    books.remove_from_book(LE, "alice", ids([0, 1]), None)
    assert book_tally.stale(tally(store, "alice"))  # type: ignore[arg-type]
    assert normal(books.summarize_book(scope, BookFilters(), [VISITS])) == normal(
        from_rows(store, scope, [VISITS])
    )
    add(store, "alice", ids([7]))
    assert book_tally.stale(tally(store, "alice")) is False  # type: ignore[arg-type]
    assert_tallies_match_rows(store, "alice")


def test_concurrent_changes_of_one_book_lose_no_counts(database: CosmosDatabase) -> None:
    stores = [CosmosStorage(database) for _ in range(3)]
    seed(stores[0], 30)
    add(stores[0], "alice", ids(range(20, 25)))
    results = race(
        [
            lambda: add(stores[0], "alice", ids(range(0, 10))),
            lambda: add(stores[1], "alice", ids(range(10, 20))),
            lambda: stores[2].client_books.remove_from_book(LE, "alice", ids(range(20, 23)), None),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert tally(stores[0], "alice")["members"] == 22  # type: ignore[index]
    assert_tallies_match_rows(stores[0], "alice")


class StaleFirstQuery:
    """The books container whose first query of memberships answers an earlier snapshot."""

    def __init__(self, inner: Any, snapshot: list[dict[str, Any]]) -> None:
        self._inner = inner
        self._snapshot: list[dict[str, Any]] | None = snapshot

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def query(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        if self._snapshot is not None and "'membership'" in args[0]:
            snapshot, self._snapshot = self._snapshot, None
            return iter(snapshot)
        return self._inner.query(*args, **kwargs)


def test_a_copy_refresh_racing_a_removal_does_not_bring_the_membership_back(
    cosmos_storage: CosmosStorage,
) -> None:
    store = cosmos_storage
    seed(store, 2)
    add(store, "alice", ids([0, 1]))
    items = store.database.container("books")
    snapshot = list(
        items.query(
            "SELECT * FROM c WHERE c.partitionKey = @pk AND c.type = 'membership'",
            {"@pk": book_key(LE, "alice")},
            book_key(LE, "alice"),
        )
    )
    store.client_books.remove_from_book(LE, "alice", ["C1"], None)
    customers = list(store.database.container("customers").query("SELECT * FROM c"))
    for item in customers:
        item["body"]["attributes"]["tier"] = "platinum"

    refresh_copies(StaleFirstQuery(items, snapshot), LE, customers)  # type: ignore[arg-type]

    held = store.client_books.holdings_of(LE, ["C0", "C1"])
    assert [h.customer_id for h in held] == ["C0"]
    summary = store.client_books.summarize_book(
        BookScope(LE, ("alice",), True), BookFilters(search_words=("name",)), [TIER]
    )
    assert dict(summary.refiners[0].values) == {"platinum": 1}
    # (The tally's figures here would show the local server's non-atomic batches: the
    # refused batch's tally replace stays applied. test_real_cosmos.py covers atomicity.)
