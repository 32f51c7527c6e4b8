"""Outreach messages in Cosmos DB: one item per message, partitioned by customer.

Item (`outreach` container, partition `/customerKey` = `{legalEntity}|{customerId}`):

    {"id": "message:<messageId>", "customerKey": "USRT|C001", "storeId": "S1",
     "status": "accepted", "acceptedAt": "...", "providerId": null, "countsForCap": true,
     "body": {...OutreachMessage}, "activity": {...Activity}}

The item in status `accepted` is the outbox entry, and it carries the activity: a container
cannot share a transaction with another, so the activity (in `activities`) is written right
after, and the relay writes it again (an idempotent create) for any message it moves. The
frequency cap is one single-partition COUNT; the relay and delivery reports query across
partitions, on `status` and `providerId`, which only messages in flight or reported hit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from shared.adapters.cosmos.activities import (
    CosmosActivityRecords,
    activity_item_id,
    erase_items,
)
from shared.adapters.cosmos.database import CosmosContainer
from shared.domain.activities import Activity
from shared.domain.errors import Conflict, PreconditionFailed
from shared.domain.outreach_messages import MessageStatus, OutreachMessage, can_move
from shared.ports.activities import CustomerKey

UPDATE_ATTEMPTS = 5  # concurrent reports for one message are rare; each retry re-reads


def message_item_id(message_id: str) -> str:
    return f"message:{message_id}"


def _key(legal_entity: str, customer_id: str) -> str:
    return CustomerKey(legal_entity, customer_id).partition_key


def _item(message: OutreachMessage, activity: Activity | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": message_item_id(message.message_id),
        "customerKey": _key(message.legal_entity, message.customer_id),
        "type": "message",
        "storeId": message.store_id,
        "status": message.status,
        "acceptedAt": message.accepted_at,
        "providerId": message.provider_id,
        "countsForCap": message.counts_for_cap,
        "body": dataclasses.asdict(message),
    }
    if activity is not None:
        item["activity"] = dataclasses.asdict(activity)
    return item


class CosmosOutreachRecords:
    def __init__(self, container: CosmosContainer, activities: CosmosContainer) -> None:
        self._container = container
        self._activities = activities
        self._activity_records = CosmosActivityRecords(activities)

    def accept(self, message: OutreachMessage, activity: Activity) -> OutreachMessage:
        item = _item(message, activity)
        try:
            self._container.create(item)
        except Conflict:
            stored = self._container.read(item["id"], item["customerKey"])
            if stored is None:
                raise
            return OutreachMessage(**stored["body"])
        self._activity_records.add(activity)
        return message

    def get(self, legal_entity: str, customer_id: str, message_id: str) -> OutreachMessage | None:
        stored = self._container.read(message_item_id(message_id), _key(legal_entity, customer_id))
        return OutreachMessage(**stored["body"]) if stored else None

    def by_provider_id(self, provider_id: str) -> OutreachMessage | None:
        rows = list(
            self._container.query(
                "SELECT TOP 1 c.body FROM c WHERE c.providerId = @id", {"@id": provider_id}
            )
        )
        return OutreachMessage(**rows[0]["body"]) if rows else None

    def count_since(self, legal_entity: str, customer_id: str, since: str) -> int:
        key = _key(legal_entity, customer_id)
        rows = list(
            self._container.query(
                "SELECT VALUE COUNT(1) FROM c WHERE c.customerKey = @key"
                " AND c.acceptedAt >= @since AND c.countsForCap = true",
                {"@key": key, "@since": since},
                partition_key=key,
            )
        )
        return int(rows[0]) if rows else 0

    def outbox(self, accepted_before: str, limit: int) -> list[OutreachMessage]:
        rows = self._container.query(
            f"SELECT TOP {int(limit)} c.body FROM c WHERE c.status = @status"
            " AND c.acceptedAt < @before",
            {"@status": MessageStatus.ACCEPTED.value, "@before": accepted_before},
            page_size=int(limit),
        )
        found = [OutreachMessage(**row["body"]) for row in rows]
        return sorted(found, key=lambda m: m.accepted_at)[:limit]

    def ensure_activity(self, message: OutreachMessage, activity: Activity) -> None:
        self._activity_records.add(activity)

    def update(self, message: OutreachMessage) -> bool:
        key = _key(message.legal_entity, message.customer_id)
        item_id = message_item_id(message.message_id)
        for _ in range(UPDATE_ATTEMPTS):
            stored = self._container.read(item_id, key)
            if stored is None or not can_move(stored["body"]["status"], message.status):
                return False
            replacement = {**_item(message, None), "activity": stored.get("activity")}
            try:
                self._container.replace(replacement, etag=stored["_etag"])
            except PreconditionFailed:
                continue  # another report or attempt wrote first: read again and re-decide
            self._set_activity_status(message, key)
            return True
        return False

    def _set_activity_status(self, message: OutreachMessage, key: str) -> None:
        activity_id = activity_item_id(message.message_id)
        stored = self._activities.read(activity_id, key)
        if stored is None:  # erased meanwhile, or the relay has not repaired it yet
            return
        stored["body"]["delivery_status"] = message.status
        self._activities.replace(stored)

    def erase(self, customer: CustomerKey, limit: int) -> int:
        return erase_items(self._container, customer, ("message",), limit)
