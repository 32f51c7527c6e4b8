"""The customer a record is about: it must exist in the legal entity that asks."""

from __future__ import annotations

from shared.domain.errors import NotFound
from shared.ports.activities import CustomerKey
from shared.ports.customers import CustomerRecords


def require_customer(
    customers: CustomerRecords, legal_entity: str, customer_id: str
) -> CustomerKey:
    """The customer's key, or NotFound: never a hint that it exists in another legal entity."""
    if customers.get(legal_entity, customer_id) is None:
        raise NotFound(f"no customer {customer_id!r} in {legal_entity}", resource="customer")
    return CustomerKey(legal_entity, customer_id)
