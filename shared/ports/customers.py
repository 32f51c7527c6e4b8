"""Customer master data storage."""

from __future__ import annotations

from collections.abc import Iterable
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

    def count(self, legal_entity: str) -> int: ...
