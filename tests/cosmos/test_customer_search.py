"""The search-key container: what only the Cosmos adapter has to keep right about it."""

from __future__ import annotations

from typing import Any

from shared.adapters.cosmos.customer_search import (
    CosmosCustomerSearch,
    card_item_id,
    key_item_id,
    search_partition,
)
from shared.adapters.cosmos.customers import customer_item
from shared.adapters.cosmos.search_backfill import backfill
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.text import customer_search_text, search_keys, search_tokens

LE = "USRT"


def body(customer_id: str, name: str, books: list[str]) -> dict[str, Any]:
    return {"customerId": customer_id, "name": name, "addressBooks": books}


def found(storage: CosmosStorage, books: list[str], word: str) -> list[str]:
    hits = storage.client_books.search_customers(LE, books, [word], None, 10)
    return [h.card.customer_id for h in hits]


def items_of(storage: CosmosStorage, book: str, customer_id: str) -> set[str]:
    partition = search_partition(LE, book)
    return set(
        storage.database.container("search").query(
            "SELECT VALUE c.id FROM c WHERE c.partitionKey = @pk AND c.customerId = @id",
            {"@pk": partition, "@id": customer_id},
            partition_key=partition,
        )
    )


def test_a_customer_has_a_card_and_one_key_item_per_key_in_each_address_book(
    cosmos_storage: CosmosStorage,
) -> None:
    cosmos_storage.customers.upsert_many(LE, [body("C1", "Ann Archer", ["AB1", "AB2"])])
    tokens = search_tokens(customer_search_text("Ann Archer", None, None))
    expected = {card_item_id("C1")} | {key_item_id("C1", k) for k in search_keys(tokens, 8)}
    assert items_of(cosmos_storage, "AB1", "C1") == expected
    assert items_of(cosmos_storage, "AB2", "C1") == expected
    cosmos_storage.customers.upsert_many(LE, [body("C1", "Ann Baker", ["AB2"])])
    assert items_of(cosmos_storage, "AB1", "C1") == set()
    assert key_item_id("C1", "archer") not in items_of(cosmos_storage, "AB2", "C1")
    assert key_item_id("C1", "baker") in items_of(cosmos_storage, "AB2", "C1")


def test_a_partition_that_drifted_from_the_customer_is_made_right_on_the_next_change(
    cosmos_storage: CosmosStorage,
) -> None:
    """A key item the customer item says exists is gone (a write that failed half-way): the
    next change cannot delete it in its batch, so it rewrites the customer's items whole."""
    cosmos_storage.customers.upsert_many(LE, [body("C1", "Ann Archer", ["AB1"])])
    search = cosmos_storage.database.container("search")
    search.delete(key_item_id("C1", "archer"), search_partition(LE, "AB1"))
    search.upsert(
        {
            "id": key_item_id("C1", "zz"),
            "partitionKey": search_partition(LE, "AB1"),
            "type": "key",
            "key": "zz",
            "customerId": "C1",
            "sortName": "ann archer",
            "searchText": "zz",
        }
    )
    cosmos_storage.customers.upsert_many(LE, [body("C1", "Ann Baker", ["AB1"])])
    assert found(cosmos_storage, ["AB1"], "baker") == ["C1"]
    assert found(cosmos_storage, ["AB1"], "zz") == []
    assert found(cosmos_storage, ["AB1"], "archer") == []


def test_the_backfill_indexes_customers_stored_before_the_search_container(
    cosmos_storage: CosmosStorage,
) -> None:
    customers = cosmos_storage.database.container("customers")
    for customer_id, name, books in (("C1", "Ann Archer", ["AB1"]), ("D1", "Bo Baker", ["AB1"])):
        legal_entity = LE if customer_id == "C1" else "DEMF"
        customers.upsert(customer_item(legal_entity, body(customer_id, name, books)))
    assert found(cosmos_storage, ["AB1"], "ann") == []
    search = CosmosCustomerSearch(cosmos_storage.database.container("search"))
    assert backfill(customers, search, [LE]) == 1
    assert found(cosmos_storage, ["AB1"], "ann") == ["C1"]
    assert backfill(customers, search) == 2  # again, and every legal entity: nothing doubles
    assert found(cosmos_storage, ["AB1"], "ann") == ["C1"]
    hits = cosmos_storage.client_books.search_customers("DEMF", ["AB1"], ["bo"], None, 10)
    assert [h.card.customer_id for h in hits] == ["D1"]
