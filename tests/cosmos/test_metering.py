"""The test server meters what each request loaded, returned and wrote (tests/capacity uses
it to estimate request units), and a stand-in charge header is read as a real account's."""

from __future__ import annotations

import requests

from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.book_filters import BookFilters
from shared.ports.client_books import BookScope
from tests.capacity.charges import recorded_charges
from tests.cosmos.harness import CosmosTestServer


def seed(store: CosmosStorage, count: int) -> None:
    store.customers.upsert_many(
        "USRT",
        [
            {
                "customerId": f"C{n:03d}",
                "name": "Zoe Rare" if n == 0 else f"Name {n:03d}",
                "addressBooks": ["AB1"],
            }
            for n in range(count)
        ],
    )


def test_a_point_read_reports_its_bytes_and_a_write_what_it_stored(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    db = cosmos_storage.database.name
    seed(cosmos_storage, 3)
    local_server.reset_metering()
    cosmos_storage.customers.get("USRT", "C001")
    cosmos_storage.headquarters.put("USRT", "store", "S1", {"name": "Seattle"})
    log = local_server.metering(db)
    read = next(r for r in log if r["operation"] == "read" and r["container"] == "customers")
    assert read["returned"] == 1 and read["bytesRead"] > 100
    assert read["partitionKey"] == "USRT:C001"
    written = [r for r in log if r["container"] == "headquarters" and r["bytesWritten"]]
    assert written and all(r["writeOps"] == 1 for r in written)


def test_a_search_loads_only_its_candidates_whatever_the_number_of_customers(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    db = cosmos_storage.database.name
    seed(cosmos_storage, 40)
    books = cosmos_storage.client_books
    local_server.reset_metering()
    hits = books.search_customers("USRT", ["AB1"], ["zoe"], None, 10)
    assert [h.card.customer_id for h in hits] == ["C000"]
    rare = [r for r in local_server.metering(db) if r["operation"] == "query"]
    # One key item and one card, in the address book's own partition: "zoe rare" sorts last,
    # yet none of the other 39 customers is read.
    assert sum(r["scanned"] for r in rare) == 2
    assert all(r["crossPartition"] == 0 for r in rare)

    local_server.reset_metering()
    books.search_customers("USRT", ["AB1"], ["name"], None, 10)
    common = [r for r in local_server.metering(db) if r["operation"] == "query"]
    # The first page's worth: ten key items, then their ten cards.
    assert [(r["scanned"], r["returned"]) for r in common] == [(10, 10), (10, 10)]


def test_a_count_is_answered_by_the_index_without_loading_documents(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    db = cosmos_storage.database.name
    seed(cosmos_storage, 12)
    books = cosmos_storage.client_books
    ids = [f"C{n:03d}" for n in range(12)]
    now = "2026-01-05T10:00:00.000Z"
    books.add_to_book("USRT", "alice", ids, True, lambda n: f"CB-{n}", now)
    local_server.reset_metering()
    assert books.count_in_book(BookScope("USRT", ("alice",)), BookFilters()) == 12
    counted = [r for r in local_server.metering(db) if r["operation"] == "query"]
    assert [(r["scanned"], r["indexTerms"]) for r in counted] == [(0, 12)]


def test_responses_carry_the_metering_headers(local_server: CosmosTestServer) -> None:
    reply = requests.get(local_server.endpoint, verify=local_server.ca_bundle, timeout=5)
    assert {"x-harness-scanned", "x-harness-bytes-read", "x-harness-bytes-written"} <= {
        h.lower() for h in reply.headers
    }


def test_request_charges_are_read_from_every_response(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    seed(cosmos_storage, 3)
    local_server.set_charges({"read": 1.25, "query": 3.5})
    try:
        with recorded_charges() as charges:
            cosmos_storage.customers.get("USRT", "C001")
            cosmos_storage.customers.count("USRT")
    finally:
        local_server.set_charges({})
    mine = [(c.container, c.operation, c.request_units) for c in charges]
    assert ("customers", "read", 1.25) in mine
    assert ("customers", "query", 3.5) in mine
    with recorded_charges() as after:
        pass
    assert after == []
