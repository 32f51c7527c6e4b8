"""Follow-ups in Cosmos DB: one logical partition per book owner.

Item (`followups` container, partition `/ownerKey` = `{legalEntity}|{staffId}`):

    {"id": "fu-3c1e...", "ownerKey": "USRT|alice", "type": "followup", "legalEntity": "USRT",
     "customerId": "C001", "ruleId": "BIRTHDAY", "state": "open", "dueDate": "2026-12-01",
     "sortName": "archer ann", "expiresOn": "2026-12-15", "closedOn": null, "revision": 1,
     "body": {...}}

"My open follow-ups" is one single-partition query served by the composite index (dueDate,
sortName, id); a completion, snooze or dismissal is one conditional patch (only if the
revision is the one read). Generation runs of a legal entity sit in their own partition
(`{legalEntity}|~runs`), which no staff id can name (staff ids start alphanumeric).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.database import CosmosContainer
from shared.domain.errors import Conflict, NotFound, PreconditionFailed
from shared.domain.followups import Followup, State, followup_from_json, followup_json
from shared.ports.followups import (
    FollowupPosition,
    FollowupRun,
    OpenQuery,
    OwnerKey,
    OwnerTally,
)

ITEM_TYPE = "followup"
RUN_TYPE = "followup-run"
JOIN_TYPE = "book-join"
ID_CHUNK = 200  # ids per "which of these exist" query


def _key(f: Followup) -> str:
    return OwnerKey(f.legal_entity, f.owner_staff_id).partition_key


def _runs_key(legal_entity: str) -> str:
    return f"{legal_entity}|~runs"


def _item(f: Followup) -> dict[str, Any]:
    return {
        "id": f.followup_id,
        "ownerKey": _key(f),
        "type": ITEM_TYPE,
        "legalEntity": f.legal_entity,
        "customerId": f.customer_id,
        "ruleId": f.rule_id,
        "state": str(f.state),
        "dueDate": f.due_date,
        "sortName": f.sort_name,
        "expiresOn": f.expires_on,
        "closedOn": f.closed_on,
        "revision": f.revision,
        "body": followup_json(f),
    }


class CosmosFollowupRecords:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def create_many(self, followups: Sequence[Followup]) -> int:
        """One query per 200 ids for those already stored, then batches of creates."""
        if not followups:
            return 0
        key = _key(followups[0])
        fresh: list[Followup] = []
        for start in range(0, len(followups), ID_CHUNK):
            chunk = followups[start : start + ID_CHUNK]
            stored = set(
                self._container.query(
                    "SELECT VALUE c.id FROM c WHERE c.ownerKey = @key"
                    " AND ARRAY_CONTAINS(@ids, c.id)",
                    {"@key": key, "@ids": [f.followup_id for f in chunk]},
                    partition_key=key,
                )
            )
            fresh.extend(f for f in chunk if f.followup_id not in stored)
        created = 0
        for group in batches.split([batches.create(_item(f)) for f in fresh]):
            try:
                self._container.batch(key, group)
                created += len(group)
            except Conflict:
                # An overlapping run stored one of them meanwhile: the batch did nothing, so
                # create one by one and keep whatever is there.
                for operation in group:
                    try:
                        self._container.create(operation[1][0])
                        created += 1
                    except Conflict:
                        pass
        return created

    def get(self, owner: OwnerKey, followup_id: str) -> Followup | None:
        item = self._container.read(followup_id, owner.partition_key)
        if item is None or item.get("type") != ITEM_TYPE:
            return None
        return followup_from_json(item["body"])

    def replace(self, followup: Followup, expected_revision: int) -> Followup:
        """One patch, applied only if the stored revision is still the one read."""
        item = _item(followup)
        operations = [
            {"op": "set", "path": f"/{name}", "value": item[name]}
            for name in ("state", "dueDate", "expiresOn", "closedOn", "revision", "body")
        ]
        try:
            self._container.patch(
                followup.followup_id,
                item["ownerKey"],
                operations,
                condition=f"FROM c WHERE c.revision = {int(expected_revision)}",
            )
        except NotFound:
            raise NotFound(f"no follow-up {followup.followup_id}", resource="followup") from None
        except PreconditionFailed:
            current = self._container.read(followup.followup_id, item["ownerKey"])
            if current is None:
                raise NotFound(
                    f"no follow-up {followup.followup_id}", resource="followup"
                ) from None
            raise PreconditionFailed(
                f"follow-up {followup.followup_id} has changed since you read it",
                currentEtag=f"{followup.followup_id}.{current['revision']}",
            ) from None
        return followup

    def open_page(
        self, owner: OwnerKey, query: OpenQuery, after: FollowupPosition | None, limit: int
    ) -> list[Followup]:
        where = [
            "c.ownerKey = @key",
            "c.type = @type",
            "c.state = 'open'",
            "c.expiresOn >= @today",
        ]
        parameters: dict[str, Any] = {
            "@key": owner.partition_key,
            "@type": ITEM_TYPE,
            "@today": query.today,
        }
        if query.due_from:
            where.append("c.dueDate >= @from")
            parameters["@from"] = query.due_from
        if query.due_to:
            where.append("c.dueDate <= @to")
            parameters["@to"] = query.due_to
        if query.rule_id:
            where.append("c.ruleId = @rule")
            parameters["@rule"] = query.rule_id
        if after is not None:
            where.append(
                "(c.dueDate > @d OR (c.dueDate = @d AND (c.sortName > @n"
                " OR (c.sortName = @n AND c.id > @i))))"
            )
            parameters.update(
                {"@d": after.due_date, "@n": after.sort_name, "@i": after.followup_id}
            )
        rows = self._container.query(
            f"SELECT TOP {int(limit)} c.body FROM c WHERE {' AND '.join(where)}"
            " ORDER BY c.dueDate, c.sortName, c.id",
            parameters,
            partition_key=owner.partition_key,
            page_size=int(limit),
        )
        return [followup_from_json(r["body"]) for r in list(rows)[:limit]]

    def open_due_dates(self, owner: OwnerKey, today: str) -> list[str]:
        return list(
            self._container.query(
                "SELECT VALUE c.dueDate FROM c WHERE c.ownerKey = @key AND c.type = @type"
                " AND c.state = 'open' AND c.expiresOn >= @today",
                {"@key": owner.partition_key, "@type": ITEM_TYPE, "@today": today},
                partition_key=owner.partition_key,
            )
        )

    def tallies(
        self, legal_entity: str, owners: Sequence[str], today: str, week_start: str
    ) -> dict[str, OwnerTally]:
        """One single-partition query per owner (a store client book has a few dozen)."""
        found: dict[str, OwnerTally] = {}
        for owner in owners:
            key = OwnerKey(legal_entity, owner).partition_key
            rows = list(
                self._container.query(
                    "SELECT c.state, c.dueDate, c.expiresOn FROM c WHERE c.ownerKey = @key"
                    " AND c.type = @type AND ((c.state = 'open' AND c.expiresOn >= @today)"
                    " OR (c.state = 'completed' AND c.closedOn >= @week))",
                    {"@key": key, "@type": ITEM_TYPE, "@today": today, "@week": week_start},
                    partition_key=key,
                )
            )
            if rows:
                open_rows = [r for r in rows if r["state"] == "open"]
                found[owner] = OwnerTally(
                    open=len(open_rows),
                    overdue=sum(1 for r in open_rows if r["dueDate"] < today),
                    completed_this_week=len(rows) - len(open_rows),
                )
        return found

    def open_of_customers(self, owner: OwnerKey, customer_ids: Sequence[str]) -> list[Followup]:
        if not customer_ids:
            return []
        rows = self._container.query(
            "SELECT c.body FROM c WHERE c.ownerKey = @key AND c.type = @type"
            " AND c.state = 'open' AND ARRAY_CONTAINS(@customers, c.customerId)",
            {"@key": owner.partition_key, "@type": ITEM_TYPE, "@customers": list(customer_ids)},
            partition_key=owner.partition_key,
        )
        return [followup_from_json(r["body"]) for r in rows]

    def move(self, moves: Sequence[tuple[Followup, Followup]]) -> int:
        """Create in the new owner's partition first, then delete from the old one: two
        partitions cannot share a batch, and in this order a crash leaves a duplicate that
        the next move (or reassignment) completes, never a lost follow-up."""
        moved = 0
        for old, new in moves:
            with suppress(Conflict):  # moved before (a repeat): only the delete is left
                self._container.create(_item(new))
            if (_key(old), old.followup_id) != (_key(new), new.followup_id):
                moved += self._container.delete(old.followup_id, _key(old))
        return moved

    def expire(self, owner: OwnerKey, today: str, closed_at: str) -> int:
        key = owner.partition_key
        rows = list(
            self._container.query(
                "SELECT * FROM c WHERE c.ownerKey = @key AND c.type = @type"
                " AND c.state = 'open' AND c.expiresOn < @today",
                {"@key": key, "@type": ITEM_TYPE, "@today": today},
                partition_key=key,
            )
        )
        operations = []
        for row in rows:
            body = {**row["body"], "state": str(State.EXPIRED), "closed_at": closed_at}
            body["revision"] = row["revision"] + 1
            item = {k: v for k, v in row.items() if not k.startswith("_")}
            item.update(state=str(State.EXPIRED), revision=body["revision"], body=body)
            operations.append(batches.replace(item, etag=row["_etag"]))
        batches.write_in_batches(self._container, key, operations)
        return len(rows)

    def record_joins(self, owner: OwnerKey, joins: Sequence[tuple[str, str]]) -> None:
        """Upserts in batches inside the owner's partition."""
        key = owner.partition_key
        operations = [
            batches.upsert(
                {
                    "id": f"join:{customer_id}",
                    "ownerKey": key,
                    "type": JOIN_TYPE,
                    "legalEntity": owner.legal_entity,
                    "customerId": customer_id,
                    "joinedOn": joined_on,
                }
            )
            for customer_id, joined_on in joins
        ]
        batches.write_in_batches(self._container, key, operations)

    def joins(self, owner: OwnerKey, since: str) -> dict[str, str]:
        rows = self._container.query(
            "SELECT c.customerId, c.joinedOn FROM c WHERE c.ownerKey = @key"
            " AND c.type = @type AND c.joinedOn >= @since",
            {"@key": owner.partition_key, "@type": JOIN_TYPE, "@since": since},
            partition_key=owner.partition_key,
        )
        return {r["customerId"]: r["joinedOn"] for r in rows}

    def of_customer(self, legal_entity: str, customer_id: str) -> list[Followup]:
        """One cross-partition query (*fan-out*): any owner may hold the customer's."""
        rows = self._container.query(
            "SELECT c.body FROM c WHERE c.legalEntity = @le AND c.customerId = @customer"
            " AND c.type = @type",
            {"@le": legal_entity, "@customer": customer_id, "@type": ITEM_TYPE},
        )
        found = [followup_from_json(r["body"]) for r in rows]
        return sorted(found, key=lambda f: (f.owner_staff_id, f.followup_id))

    def erase_customer(self, legal_entity: str, customer_id: str, limit: int) -> int:
        """One cross-partition query for up to `limit` of the customer's follow-ups (any
        owner: erasures are rare and must not depend on who held the customer), then point
        deletes; once none is left, the customer's book joins go the same way."""
        if limit <= 0:
            return 0
        query = (
            f"SELECT TOP {int(limit)} c.id, c.ownerKey FROM c WHERE c.legalEntity = @le"
            " AND c.customerId = @customer AND c.type = @type"
        )
        parameters = {"@le": legal_entity, "@customer": customer_id, "@type": ITEM_TYPE}
        rows = list(self._container.query(query, parameters))
        if rows:
            return sum(self._container.delete(r["id"], r["ownerKey"]) for r in rows)
        # A join per book that held the customer: a handful, all at once.
        joins = query.replace(f"TOP {int(limit)} ", "")
        for join in list(self._container.query(joins, {**parameters, "@type": JOIN_TYPE})):
            self._container.delete(join["id"], join["ownerKey"])
        return 0

    def save_run(self, run: FollowupRun) -> None:
        self._container.upsert(
            {
                "id": run.run_id,
                "ownerKey": _runs_key(run.legal_entity),
                "type": RUN_TYPE,
                "startedAt": run.started_at,
                "body": run.to_json(),
            }
        )

    def runs(self, legal_entity: str, limit: int) -> list[FollowupRun]:
        key = _runs_key(legal_entity)
        rows = self._container.query(
            f"SELECT TOP {int(limit)} c.body FROM c WHERE c.ownerKey = @key AND c.type = @type"
            " ORDER BY c.startedAt DESC, c.id DESC",
            {"@key": key, "@type": RUN_TYPE},
            partition_key=key,
            page_size=int(limit),
        )
        return [FollowupRun(**r["body"]) for r in list(rows)[:limit]]
