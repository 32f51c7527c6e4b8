"""Consent storage: one record per customer (its consent history) and a phone lookup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredConsent:
    legal_entity: str
    customer_id: str
    history: list[dict[str, Any]]  # ConsentEvent JSON, in recorded order
    phone_key: str | None  # the E.164 key the customer is found under by inbound SMS
    etag: str


@dataclass(frozen=True)
class PhoneOwner:
    legal_entity: str
    customer_id: str


class ConsentRecords(Protocol):
    def get(self, legal_entity: str, customer_id: str) -> StoredConsent | None: ...

    def get_many(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, StoredConsent]:
        """The records of these customers that exist (imports read a chunk at once)."""
        ...

    def save(
        self,
        legal_entity: str,
        customer_id: str,
        history: list[dict[str, Any]],
        phone_key: str | None,
        if_match: str | None,
        previous_phone_key: str | None = None,
    ) -> StoredConsent:
        """Create (`if_match` None; PreconditionFailed if it exists meanwhile) or replace
        (PreconditionFailed if `if_match` is no longer current). The phone lookup follows:
        the customer is found under `phone_key` from now on, and no longer under
        `previous_phone_key`, the key of the version `if_match` names."""
        ...

    def owners_of_phone(self, phone_key: str) -> list[PhoneOwner]:
        """Customers (of any legal entity) whose record is filed under this phone key."""
        ...

    def erase(self, legal_entity: str, customer_id: str) -> bool:
        """Delete the customer's record, history and phone lookup; False if there was none."""
        ...
