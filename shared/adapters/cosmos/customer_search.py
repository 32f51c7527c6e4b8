"""Customer search in Cosmos DB: a search-key container, so a search reads only candidates.

Container `search`, one logical partition per legal entity and address book
(`partitionKey` = "<legalEntity>|<addressBook>"). For each customer of the address book it holds
- a key item per search key (id `<customerId>|k|<key as hex>`): `key`, the start of one of the
  customer's search tokens (shared/domain/text.py) up to KEY_LENGTH characters, with the
  customer's `sortName` and `searchText`;
- a card item (id `<customerId>|card`): the fields a hit shows.

A search looks up the key of its longest word in each of the store's address books, in
(sortName, customerId) order over the composite index (key, sortName, customerId): an index
seek that loads the page's key items and only those, whatever the size of the legal entity.
The other words (and a word longer than KEY_LENGTH) are checked against the items' search
text, so
a multi-word search loads the candidates of its longest word until the page is full. Then
one query per address book reads the page's card items. See docs/cosmos-scale.md.

The items are written with the customer, before the customer item (customers.py): an import
that fails between the two is sent again and finds the body changed, so the keys catch up;
in the other order a retry would find nothing to do and leave the keys behind.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.database import CosmosContainer, Operation
from shared.domain.cards import CardSource
from shared.domain.errors import NotFound
from shared.domain.text import search_keys, search_matches, search_tokens
from shared.ports.client_books import BookPosition, SearchHit

# Longer keys give longer words an exact lookup; each extra character adds key items to
# every customer whose tokens are that long. Eight covers most surnames and phone parts.
KEY_LENGTH = 8
KEY = "key"
CARD = "card"


def search_partition(legal_entity: str, address_book: str) -> str:
    return f"{legal_entity}|{address_book}"


def key_item_id(customer_id: str, key: str) -> str:
    # Hex: a key may hold characters an item id may not ("/", "#", "?", "\\").
    return f"{customer_id}|k|{key.encode().hex()}"


def card_item_id(customer_id: str) -> str:
    return f"{customer_id}|card"


@dataclass(frozen=True)
class IndexedAs:
    """What a customer's search items were written from: their search text and books."""

    search_text: str
    address_books: tuple[str, ...]


def indexed_as(customer_item: Mapping[str, Any]) -> IndexedAs:
    return IndexedAs(customer_item["searchText"], tuple(customer_item.get("addressBooks") or ()))


def _card_item(partition: str, customer_item: Mapping[str, Any]) -> dict[str, Any]:
    body = customer_item["body"]
    return {
        "id": card_item_id(customer_item["customerId"]),
        "partitionKey": partition,
        "type": CARD,
        "customerId": customer_item["customerId"],
        "sortName": customer_item["sortName"],
        "name": body["name"],
        "email": body.get("email"),
        "phone": body.get("phone"),
        "attributes": dict(body.get("attributes") or {}),
    }


def _key_items(partition: str, customer_item: Mapping[str, Any]) -> list[dict[str, Any]]:
    tokens = search_tokens(customer_item["searchText"])
    customer_id = customer_item["customerId"]
    return [
        {
            "id": key_item_id(customer_id, key),
            "partitionKey": partition,
            "type": KEY,
            "key": key,
            "customerId": customer_id,
            "sortName": customer_item["sortName"],
            "searchText": customer_item["searchText"],
        }
        for key in sorted(search_keys(tokens, KEY_LENGTH))
    ]


class CosmosCustomerSearch:
    def __init__(self, container: CosmosContainer) -> None:
        self._items = container

    # -- writes ---------------------------------------------------------------------------

    def index(
        self, legal_entity: str, before: IndexedAs | None, customer_item: Mapping[str, Any]
    ) -> None:
        """Bring the customer's search items in line with the customer item about to be
        written; `before` is what the stored customer item says (None: a new customer)."""
        customer_id = customer_item["customerId"]
        books = list(dict.fromkeys(customer_item.get("addressBooks") or ()))
        old_books = set(before.address_books) if before else set()
        old_keys = search_keys(search_tokens(before.search_text), KEY_LENGTH) if before else set()
        same_text = before is not None and before.search_text == customer_item["searchText"]
        for book in sorted(old_books - set(books)):
            stale = [key_item_id(customer_id, k) for k in sorted(old_keys)]
            self._write(legal_entity, book, customer_id, [], [*stale, card_item_id(customer_id)])
        for book in books:
            partition = search_partition(legal_entity, book)
            wanted = [_card_item(partition, customer_item)]
            stale: list[str] = []
            if book not in old_books or not same_text:
                keys = _key_items(partition, customer_item)
                wanted += keys
                if book in old_books:
                    kept = {k["key"] for k in keys}
                    stale = [key_item_id(customer_id, k) for k in sorted(old_keys - kept)]
            self._write(legal_entity, book, customer_id, wanted, stale)

    def _write(
        self,
        legal_entity: str,
        book: str,
        customer_id: str,
        wanted: list[dict[str, Any]],
        stale: list[str],
    ) -> None:
        partition = search_partition(legal_entity, book)
        operations: list[Operation] = [batches.delete(i) for i in stale]
        operations += [batches.upsert(item) for item in wanted]
        try:
            batches.write_in_batches(self._items, partition, operations)
        except NotFound:
            # The partition did not hold what the customer item said (a write that failed
            # half-way, or items made before this layout): make it hold exactly `wanted`.
            self._reconcile(partition, customer_id, wanted)

    def _reconcile(self, partition: str, customer_id: str, wanted: list[dict[str, Any]]) -> None:
        present = self._items.query(
            "SELECT VALUE c.id FROM c WHERE c.partitionKey = @pk AND c.customerId = @id",
            {"@pk": partition, "@id": customer_id},
            partition_key=partition,
        )
        keep = {item["id"] for item in wanted}
        operations = [batches.delete(i) for i in present if i not in keep]
        operations += [batches.upsert(item) for item in wanted]
        batches.write_in_batches(self._items, partition, operations)

    def refresh_cards(self, legal_entity: str, customer_item: Mapping[str, Any]) -> None:
        """Write the customer's card item in each of their address books (an attribute edit:
        the search keys did not change)."""
        for book in dict.fromkeys(customer_item.get("addressBooks") or ()):
            partition = search_partition(legal_entity, book)
            self._items.upsert(_card_item(partition, customer_item))

    # -- search ---------------------------------------------------------------------------

    def search(
        self,
        legal_entity: str,
        address_books: Sequence[str],
        words: Sequence[str],
        after: BookPosition | None,
        limit: int,
    ) -> list[SearchHit]:
        fetch = max(int(limit), 0)
        if fetch == 0 or not words:
            return []
        driver = max(words, key=len)
        rest = tuple(w for w in words if w != driver or len(w) > KEY_LENGTH)
        books = list(dict.fromkeys(address_books))
        streams = [
            self._candidates(legal_entity, book, driver[:KEY_LENGTH], rest, after, fetch)
            for book in books
        ]
        # Each book's candidates come in (sortName, customerId) order; merge them, a customer
        # of two of the store's books once.
        chosen: dict[str, tuple[str, dict[str, Any]]] = {}
        merged = heapq.merge(
            *streams, key=lambda pair: (pair[1]["sortName"], pair[1]["customerId"])
        )
        for book, item in merged:
            if item["customerId"] not in chosen:
                chosen[item["customerId"]] = (book, item)
                if len(chosen) == fetch:
                    break
        cards = self._cards(legal_entity, chosen)
        return [
            SearchHit(cards[customer_id], item["sortName"])
            for customer_id, (_, item) in chosen.items()
            if customer_id in cards
        ]

    def _candidates(
        self,
        legal_entity: str,
        book: str,
        key: str,
        rest: tuple[str, ...],
        after: BookPosition | None,
        fetch: int,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        partition = search_partition(legal_entity, book)
        parameters: dict[str, Any] = {"@pk": partition, "@key": key}
        keyset = ""
        if after is not None:
            parameters["@afterName"] = after.sort_name
            parameters["@afterId"] = after.customer_id
            keyset = (
                " AND (c.sortName > @afterName"
                " OR (c.sortName = @afterName AND c.customerId > @afterId))"
            )
        # One word within KEY_LENGTH: every item of the key is a hit, so TOP ends the query
        # at the page. Otherwise candidates stream page by page until the caller has enough.
        top = "" if rest else f"TOP {fetch} "
        items = self._items.query(
            f"SELECT {top}c.customerId, c.sortName, c.searchText FROM c"
            f" WHERE c.partitionKey = @pk AND c.key = @key{keyset}"
            " ORDER BY c.key, c.sortName, c.customerId",
            parameters,
            partition_key=partition,
            page_size=fetch,
        )
        for item in items:
            if search_matches(item["searchText"], rest):
                yield book, item

    def _cards(
        self, legal_entity: str, chosen: Mapping[str, tuple[str, dict[str, Any]]]
    ) -> dict[str, CardSource]:
        by_book: dict[str, list[str]] = {}
        for customer_id, (book, _) in chosen.items():
            by_book.setdefault(book, []).append(card_item_id(customer_id))
        cards: dict[str, CardSource] = {}
        for book, ids in by_book.items():
            partition = search_partition(legal_entity, book)
            items = self._items.query(
                "SELECT * FROM c WHERE c.partitionKey = @pk AND ARRAY_CONTAINS(@ids, c.id)",
                {"@pk": partition, "@ids": ids},
                partition_key=partition,
                page_size=len(ids),
            )
            for item in islice(items, len(ids)):
                cards[item["customerId"]] = CardSource(
                    customer_id=item["customerId"],
                    name=item["name"],
                    email=item.get("email"),
                    phone=item.get("phone"),
                    attributes=item.get("attributes") or {},
                )
        return cards
