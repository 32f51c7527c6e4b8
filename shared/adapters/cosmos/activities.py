"""Activities in Cosmos DB: one logical partition per customer, the timeline by keyset.

Item (`activities` container, partition `/customerKey` = `{legalEntity}|{customerId}`):

    {"id": "activity:<activityId>", "customerKey": "USRT|C001", "type": "activity",
     "startTime": "2024-05-31T15:30:00.000Z", "activityTypeId": "VISIT", "body": {...}}

The body is the whole Activity, read back as is; `startTime`, `activityTypeId` and the id
are the indexed copies the timeline orders and filters on. Within a customer's partition
every item id starts with its type, so ordering by `c.id` among activities orders by
activity id, which breaks ties between equal start times.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.keyset import Keyset, one_page
from shared.domain.activities import Activity, TimelineFilter, TimelineOrder, TimelinePosition
from shared.domain.errors import Conflict
from shared.ports.activities import CustomerKey, Page

ITEM_TYPE = "activity"


def activity_item_id(activity_id: str) -> str:
    return f"{ITEM_TYPE}:{activity_id}"


def _partition_key(activity: Activity) -> str:
    return CustomerKey(activity.legal_entity, activity.customer_id).partition_key


class CosmosActivityRecords:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def add(self, activity: Activity) -> Activity:
        """One create; a retry of the same id (409) returns the activity stored first."""
        item = _item(activity)
        try:
            self._container.create(item)
            return activity
        except Conflict:
            stored = self._container.read(item["id"], item["customerKey"])
            if stored is None:  # only an erasure deletes activities: the conflict was not ours
                raise
            return Activity(**stored["body"])

    def timeline(
        self,
        customer: CustomerKey,
        selection: TimelineFilter,
        after: TimelinePosition | None,
        limit: int,
    ) -> Page[Activity]:
        """One single-partition query, served by a composite index, whatever the history."""
        keyset = Keyset(
            "c.startTime", "c.id", descending=selection.order is TimelineOrder.NEWEST_FIRST
        )
        where = ["c.customerKey = @key", "c.type = @type"]
        parameters: dict[str, Any] = {"@key": customer.partition_key, "@type": ITEM_TYPE}
        order_by = keyset.order_by()
        if selection.activity_type_id:
            where.append("c.activityTypeId = @typeId")
            parameters["@typeId"] = selection.activity_type_id
            # The equality field leads the ORDER BY so the (activityTypeId ASC, startTime DESC,
            # id DESC) index, or its exact reverse, serves it: a rare type reads its own
            # range, not the whole timeline.
            order_by.insert(0, f"c.activityTypeId {'ASC' if keyset.descending else 'DESC'}")
        if selection.start_from:
            where.append("c.startTime >= @from")
            parameters["@from"] = selection.start_from
        if selection.start_before:
            where.append("c.startTime < @before")
            parameters["@before"] = selection.start_before
        if after is not None:
            where.append(
                keyset.after(after.start_time, activity_item_id(after.activity_id), parameters)
            )
        rows, has_more = one_page(
            self._container, "c.body", where, order_by, parameters, customer.partition_key, limit
        )
        return Page([Activity(**row["body"]) for row in rows], has_more)

    def latest_start(
        self, customer: CustomerKey, activity_type_ids: Sequence[str], before: str
    ) -> str | None:
        """One single-partition query: the first row of the timeline's index order."""
        where = ["c.customerKey = @key", "c.type = @type", "c.startTime < @before"]
        parameters: dict[str, Any] = {
            "@key": customer.partition_key,
            "@type": ITEM_TYPE,
            "@before": before,
        }
        if activity_type_ids:
            where.append("ARRAY_CONTAINS(@types, c.activityTypeId)")
            parameters["@types"] = list(activity_type_ids)
        rows = list(
            self._container.query(
                f"SELECT TOP 1 c.startTime FROM c WHERE {' AND '.join(where)}"
                " ORDER BY c.startTime DESC, c.id DESC",
                parameters,
                partition_key=customer.partition_key,
                page_size=1,
            )
        )
        return rows[0]["startTime"] if rows else None

    def erase(self, customer: CustomerKey, limit: int) -> int:
        """One query for up to `limit` ids in the customer's partition, then point deletes."""
        return erase_items(self._container, customer, (ITEM_TYPE,), limit)


def erase_items(
    container: CosmosContainer, customer: CustomerKey, types: tuple[str, ...], limit: int
) -> int:
    """Delete up to `limit` items of these types in the customer's partition (any order)."""
    if limit <= 0:
        return 0
    ids = [
        row["id"]
        for row in container.query(
            f"SELECT TOP {int(limit)} c.id FROM c WHERE c.customerKey = @key"
            " AND ARRAY_CONTAINS(@types, c.type)",
            {"@key": customer.partition_key, "@types": list(types)},
            partition_key=customer.partition_key,
            page_size=int(limit),
        )
    ]
    # An item already gone (a concurrent erasure) is as good as deleted: not counted.
    return sum(container.delete(item_id, customer.partition_key) for item_id in ids)


def _item(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity_item_id(activity.activity_id),
        "customerKey": _partition_key(activity),
        "type": ITEM_TYPE,
        "startTime": activity.start_time,
        "activityTypeId": activity.activity_type_id,
        "body": dataclasses.asdict(activity),
    }
