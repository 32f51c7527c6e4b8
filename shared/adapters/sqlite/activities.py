"""Activities in SQLite: rows clustered by (legal entity, customer, start time, id).

A timeline page is one range read on that key (or on the by-type index), continued by a
row-value comparison with the last row shown, so its cost does not grow with the number of
activities the customer has.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from typing import Any

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.domain.activities import Activity, TimelineFilter, TimelineOrder, TimelinePosition
from shared.ports.activities import CustomerKey, Page


def _activity(row: sqlite3.Row) -> Activity:
    return Activity(**load(row["body"]))


class SqliteActivityRecords:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def add(self, activity: Activity) -> Activity:
        conn = self._db.connection()
        inserted = conn.execute(
            "INSERT OR IGNORE INTO activities(legal_entity, customer_id, start_time, activity_id,"
            " activity_type_id, body) VALUES (?,?,?,?,?,?)",
            (
                activity.legal_entity,
                activity.customer_id,
                activity.start_time,
                activity.activity_id,
                activity.activity_type_id,
                dump(dataclasses.asdict(activity)),
            ),
        ).rowcount
        if inserted:
            return activity
        row = conn.execute(
            "SELECT body FROM activities WHERE legal_entity=? AND customer_id=? AND activity_id=?",
            (activity.legal_entity, activity.customer_id, activity.activity_id),
        ).fetchone()
        return _activity(row)

    def timeline(
        self,
        customer: CustomerKey,
        selection: TimelineFilter,
        after: TimelinePosition | None,
        limit: int,
    ) -> Page[Activity]:
        newest_first = selection.order is TimelineOrder.NEWEST_FIRST
        where = ["legal_entity=?", "customer_id=?"]
        args: list[Any] = [customer.legal_entity, customer.customer_id]
        source = "activities"
        if selection.activity_type_id:
            # A rare type must not walk the customer's whole history: read the type's range.
            source = "activities INDEXED BY activities_by_type"
            where.append("activity_type_id=?")
            args.append(selection.activity_type_id)
        if selection.start_from:
            where.append("start_time>=?")
            args.append(selection.start_from)
        if selection.start_before:
            where.append("start_time<?")
            args.append(selection.start_before)
        if after is not None:
            where.append(f"(start_time, activity_id) {'<' if newest_first else '>'} (?, ?)")
            args.extend((after.start_time, after.activity_id))
        direction = "DESC" if newest_first else "ASC"
        rows = (
            self._db.connection()
            .execute(
                f"SELECT body FROM {source} WHERE {' AND '.join(where)}"
                f" ORDER BY start_time {direction}, activity_id {direction} LIMIT ?",
                (*args, limit + 1),
            )
            .fetchall()
        )
        return Page([_activity(r) for r in rows[:limit]], has_more=len(rows) > limit)

    def latest_start(
        self, customer: CustomerKey, activity_type_ids: Sequence[str], before: str
    ) -> str | None:
        where = "legal_entity=? AND customer_id=? AND start_time<?"
        args: list[Any] = [customer.legal_entity, customer.customer_id, before]
        if activity_type_ids:
            where += f" AND activity_type_id IN ({','.join('?' * len(activity_type_ids))})"
            args.extend(activity_type_ids)
        row = (
            self._db.connection()
            .execute(f"SELECT max(start_time) FROM activities WHERE {where}", args)
            .fetchone()
        )
        return row[0] if row else None

    def erase(self, customer: CustomerKey, limit: int) -> int:
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM activities WHERE legal_entity=? AND customer_id=? AND activity_id IN"
                " (SELECT activity_id FROM activities WHERE legal_entity=? AND customer_id=?"
                " LIMIT ?)",
                (customer.legal_entity, customer.customer_id) * 2 + (limit,),
            ).rowcount
