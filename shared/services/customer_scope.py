"""The customer a record is about: it must exist in the legal entity that asks, and a
write about it needs the customer not to be erased."""

from __future__ import annotations

from shared.domain.customers import refuse_erased
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


def require_writable_customer(
    customers: CustomerRecords, legal_entity: str, customer_id: str
) -> CustomerKey:
    """As `require_customer`, and CustomerErased (409) if an erasure left a tombstone:
    nothing is written about an erased customer until headquarters restores them."""
    key = require_customer(customers, legal_entity, customer_id)
    refuse_erased([customer_id], customers.erased_among(legal_entity, [customer_id]))
    return key
