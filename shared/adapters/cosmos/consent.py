"""Consent records in Cosmos DB, in the `consent` container.

A customer's consent item lives in the customer's own logical partition (the same key value,
`<legalEntity>:<customerId>`, as the customer in `customers` and their timeline in
`activities`): the check before every message is one point read (1 RU), a change is one
conditional replace in a partition no other customer writes to, and erasure deletes it with
no query. The phone lookup cannot live there: an inbound SMS knows only a number. Each
customer with a phone has one small lookup item in the partition `phone:<E.164>`, so finding
who sent a STOP is a query within one small partition, never a scan of millions of customers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import api_etag, cosmos_etag, customer_key
from shared.domain.errors import Conflict, NotFound, PreconditionFailed
from shared.ports.consent import PhoneOwner, StoredConsent

CONSENT_ITEM = "consent"  # item id (and type) of a customer's consent record
PHONE_ITEM = "phone-owner"
READ_CHUNK = 1000


def phone_partition(phone_key: str) -> str:
    return f"phone:{phone_key}"


def _stored(item: dict[str, Any]) -> StoredConsent:
    return StoredConsent(
        item["legalEntity"],
        item["customerId"],
        item["history"],
        item.get("phoneKey"),
        api_etag(item),
    )


class CosmosConsentRecords:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def get(self, legal_entity: str, customer_id: str) -> StoredConsent | None:
        item = self._container.read(CONSENT_ITEM, customer_key(legal_entity, customer_id))
        return _stored(item) if item else None

    def get_many(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, StoredConsent]:
        if len(customer_ids) <= 1:
            found = self.get(legal_entity, customer_ids[0]) if customer_ids else None
            return {found.customer_id: found} if found else {}
        result: dict[str, StoredConsent] = {}
        for start in range(0, len(customer_ids), READ_CHUNK):
            keys = [customer_key(legal_entity, c) for c in customer_ids[start : start + READ_CHUNK]]
            # One query per import chunk (it fans out, as the customers' own hash check does).
            items = self._container.query(
                "SELECT * FROM c WHERE c.type = @type AND ARRAY_CONTAINS(@keys, c.partitionKey)",
                {"@type": CONSENT_ITEM, "@keys": keys},
                page_size=READ_CHUNK,
            )
            result.update({i["customerId"]: _stored(i) for i in items})
        return result

    def save(
        self,
        legal_entity: str,
        customer_id: str,
        history: list[dict[str, Any]],
        phone_key: str | None,
        if_match: str | None,
        previous_phone_key: str | None = None,
    ) -> StoredConsent:
        key = customer_key(legal_entity, customer_id)
        earlier = previous_phone_key if if_match is not None else None
        # The new lookup first: a crash after it leaves an extra lookup item, which readers
        # check against the record; a crash before the record is written changes nothing.
        # The conditional replace below fails if `if_match` (and so `earlier`) is stale.
        if phone_key and phone_key != earlier:
            self._container.upsert(self._phone_item(legal_entity, customer_id, phone_key))
        item = {
            "id": CONSENT_ITEM,
            "partitionKey": key,
            "type": CONSENT_ITEM,
            "legalEntity": legal_entity,
            "customerId": customer_id,
            "history": history,
            "phoneKey": phone_key,
        }
        if if_match is None:
            try:
                written = self._container.create(item)
            except Conflict:
                raise PreconditionFailed(
                    "the customer's consent was recorded meanwhile; read it again"
                ) from None
        else:
            try:
                written = self._container.replace(item, etag=cosmos_etag(if_match))
            except NotFound:  # erased meanwhile (or never there): the ETag names nothing
                raise PreconditionFailed(
                    "the customer's consent changed meanwhile; read it again"
                ) from None
        if earlier and earlier != phone_key:
            self._container.delete(f"{legal_entity}:{customer_id}", phone_partition(earlier))
        return _stored(written)

    @staticmethod
    def _phone_item(legal_entity: str, customer_id: str, phone_key: str) -> dict[str, Any]:
        return {
            "id": f"{legal_entity}:{customer_id}",
            "partitionKey": phone_partition(phone_key),
            "type": PHONE_ITEM,
            "legalEntity": legal_entity,
            "customerId": customer_id,
        }

    def owners_of_phone(self, phone_key: str) -> list[PhoneOwner]:
        partition = phone_partition(phone_key)
        items = self._container.query(
            "SELECT c.legalEntity, c.customerId FROM c WHERE c.partitionKey = @pk"
            " AND c.type = @type",
            {"@pk": partition, "@type": PHONE_ITEM},
            partition_key=partition,
        )
        owners = [PhoneOwner(i["legalEntity"], i["customerId"]) for i in items]
        return sorted(owners, key=lambda o: (o.legal_entity, o.customer_id))

    def erase(self, legal_entity: str, customer_id: str) -> bool:
        key = customer_key(legal_entity, customer_id)
        item = self._container.read(CONSENT_ITEM, key)
        if item is None:
            return False
        # The lookup first: a retry after a crash still finds the record that names it.
        if item.get("phoneKey"):
            self._container.delete(
                f"{legal_entity}:{customer_id}", phone_partition(item["phoneKey"])
            )
        return self._container.delete(CONSENT_ITEM, key)
