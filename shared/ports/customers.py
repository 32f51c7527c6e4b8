"""Customer master data storage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredCustomer:
    legal_entity: str
    customer_id: str
    body: dict[str, Any]  # Customer.to_json()
    etag: str


class CustomerRecords(Protocol):
    def upsert_many(self, legal_entity: str, customers: Iterable[dict[str, Any]]) -> int:
        """Create or replace customers (bodies in Customer JSON form). Returns writes."""
        ...

    def get(self, legal_entity: str, customer_id: str) -> StoredCustomer | None: ...

    def get_many(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, StoredCustomer]:
        """The ones of these customers that exist, by id (a page of cards)."""
        ...

    def count(self, legal_entity: str) -> int: ...

    # -- tombstones: what an erasure leaves so that nothing is written about the customer --

    def mark_erased(self, legal_entity: str, customer_id: str, erased_at: str) -> None:
        """Leave the customer's tombstone (a repeat keeps the first one)."""
        ...

    def erased_among(self, legal_entity: str, customer_ids: Sequence[str]) -> set[str]:
        """Which of these customers carry a tombstone."""
        ...

    def erased_ids(self, legal_entity: str) -> set[str]:
        """Every tombstone of the legal entity (erasures are rare: imports read them once)."""
        ...

    def restore(self, legal_entity: str, customer_id: str) -> None:
        """Remove the tombstone, if any: headquarters brought the customer back."""
        ...
