"""Customer master data in Cosmos DB: one logical partition per customer.

Millions of customers fit because no partition ever holds more than one customer (and, in
the other containers keyed the same way, that customer's own records). A card or detail read
is a point read. Imports compare body hashes first, with one query per thousand customers,
and write only what changed, several writes at a time.

Tombstones (what an erasure leaves) live in the `books` container, in the legal
entity's partition (item `erased:<customerId>`): checking the up to 100 customers of one
client book change is one single-partition query, and an import reads them all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from itertools import islice
from typing import Any

from shared.adapters.cosmos.book_items import entity_key
from shared.adapters.cosmos.customer_search import CosmosCustomerSearch, indexed_as
from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import api_etag, body_hash, customer_key
from shared.domain.errors import Conflict
from shared.domain.text import customer_search_text, fold
from shared.ports.customers import StoredCustomer

CHUNK_SIZE = 1000
# Writes in flight at once during an import: each goes to its own partition, so a batch
# cannot group them; parallel single writes keep an import of thousands in seconds.
PARALLEL_WRITES = 8
TOMBSTONE = "erased-customer"


def tombstone_id(customer_id: str) -> str:
    return f"erased:{customer_id}"


def customer_item(legal_entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """The stored item of a customer body, with the copies search and imports compare."""
    customer_id = body["customerId"]
    return {
        "id": customer_id,
        "partitionKey": customer_key(legal_entity, customer_id),
        "legalEntity": legal_entity,
        "customerId": customer_id,
        "body": body,
        "bodyHash": body_hash(body),
        "sortName": fold(body["name"]),
        "searchText": customer_search_text(body["name"], body.get("email"), body.get("phone")),
        "addressBooks": body.get("addressBooks", []),
    }


ChangedCustomers = Callable[[str, Sequence[dict[str, Any]]], Any]


class CosmosCustomerRecords:
    def __init__(
        self,
        container: CosmosContainer,
        tombstones: CosmosContainer,
        search: CosmosCustomerSearch,
        on_changed: ChangedCustomers | None = None,
    ) -> None:
        self._container = container
        self._tombstones = tombstones
        self._search = search
        # Told the items of the customers an import changed (client books refresh their
        # card copies), after they are written.
        self._changed = on_changed

    def upsert_many(self, legal_entity: str, customers: Iterable[dict[str, Any]]) -> int:
        writes = 0
        iterator = iter(customers)
        while chunk := list(islice(iterator, CHUNK_SIZE)):
            latest = {body["customerId"]: body for body in chunk}
            stored = self._stored(legal_entity, list(latest))
            changed = [
                b
                for i, b in latest.items()
                if i not in stored or stored[i]["bodyHash"] != body_hash(b)
            ]
            self._write(legal_entity, changed, stored)
            writes += len(changed)
        return writes

    def _stored(self, legal_entity: str, customer_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Per stored customer: its body hash, and what its search items were written from."""
        items = self._container.query(
            "SELECT c.customerId, c.bodyHash, c.searchText, c.addressBooks FROM c"
            " WHERE c.legalEntity = @le AND ARRAY_CONTAINS(@ids, c.customerId)",
            {"@le": legal_entity, "@ids": customer_ids},
            page_size=CHUNK_SIZE,
        )
        return {i["customerId"]: i for i in items}

    def _write(
        self,
        legal_entity: str,
        bodies: list[dict[str, Any]],
        stored: dict[str, dict[str, Any]],
    ) -> None:
        items = [self._item(legal_entity, body) for body in bodies]

        def write(item: dict[str, Any]) -> None:
            # Search items first: see customer_search.py for why this order.
            before = stored.get(item["customerId"])
            self._search.index(legal_entity, indexed_as(before) if before else None, item)
            self._container.upsert(item)

        if len(items) <= 1:
            for item in items:
                write(item)
        else:
            with ThreadPoolExecutor(max_workers=PARALLEL_WRITES) as pool:
                # list() re-raises the first failure (a domain error) in this thread.
                list(pool.map(write, items))
        if items and self._changed is not None:
            self._changed(legal_entity, items)

    @staticmethod
    def _item(legal_entity: str, body: dict[str, Any]) -> dict[str, Any]:
        return customer_item(legal_entity, body)

    def get(self, legal_entity: str, customer_id: str) -> StoredCustomer | None:
        item = self._container.read(customer_id, customer_key(legal_entity, customer_id))
        if item is None:
            return None
        return StoredCustomer(legal_entity, customer_id, item["body"], api_etag(item))

    def get_many(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, StoredCustomer]:
        """Point reads (one partition per customer): a query over the ids would fan out to
        every physical partition, which costs more request units than a page's reads."""
        found = {}
        for customer_id in dict.fromkeys(customer_ids):
            stored = self.get(legal_entity, customer_id)
            if stored is not None:
                found[customer_id] = stored
        return found

    def count(self, legal_entity: str) -> int:
        items = self._container.query(
            "SELECT VALUE COUNT(1) FROM c WHERE c.legalEntity = @le", {"@le": legal_entity}
        )
        return sum(int(n) for n in items)

    # -- tombstones -----------------------------------------------------------------------

    def mark_erased(self, legal_entity: str, customer_id: str, erased_at: str) -> None:
        item = {
            "id": tombstone_id(customer_id),
            "partitionKey": entity_key(legal_entity),
            "legalEntity": legal_entity,
            "type": TOMBSTONE,
            "customerId": customer_id,
            "erasedAt": erased_at,
        }
        with suppress(Conflict):  # erased before: the first tombstone stays
            self._tombstones.create(item)

    def erased_among(self, legal_entity: str, customer_ids: Sequence[str]) -> set[str]:
        if not customer_ids:
            return set()
        if len(customer_ids) == 1:  # the usual case (a note, an activity): a point read
            found = self._tombstones.read(tombstone_id(customer_ids[0]), entity_key(legal_entity))
            return {customer_ids[0]} if found is not None else set()
        return set(
            self._tombstones.query(
                "SELECT VALUE c.customerId FROM c WHERE c.partitionKey = @pk"
                f" AND c.type = '{TOMBSTONE}' AND ARRAY_CONTAINS(@ids, c.customerId)",
                {"@pk": entity_key(legal_entity), "@ids": list(customer_ids)},
                partition_key=entity_key(legal_entity),
            )
        )

    def erased_ids(self, legal_entity: str) -> set[str]:
        return set(
            self._tombstones.query(
                "SELECT VALUE c.customerId FROM c WHERE c.partitionKey = @pk"
                f" AND c.type = '{TOMBSTONE}'",
                {"@pk": entity_key(legal_entity)},
                partition_key=entity_key(legal_entity),
            )
        )

    def restore(self, legal_entity: str, customer_id: str) -> None:
        self._tombstones.delete(tombstone_id(customer_id), entity_key(legal_entity))
