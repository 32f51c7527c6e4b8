"""Outreach messages in SQLite: the message, its outbox state and its activity in one
transaction, so the relay finds every accepted message and the timeline shows each one."""

from __future__ import annotations

import dataclasses
import sqlite3

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.domain.activities import Activity
from shared.domain.outreach_messages import OutreachMessage, can_move
from shared.ports.activities import CustomerKey


def _message(row: sqlite3.Row) -> OutreachMessage:
    return OutreachMessage(**load(row["body"]))


def _insert_activity(conn: sqlite3.Connection, activity: Activity) -> None:
    conn.execute(
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
    )


class SqliteOutreachRecords:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def accept(self, message: OutreachMessage, activity: Activity) -> OutreachMessage:
        with self._db.transaction() as conn:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO outreach_messages(legal_entity, customer_id, message_id,"
                " store_id, status, accepted_at, provider_id, counts_for_cap, body)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    message.legal_entity,
                    message.customer_id,
                    message.message_id,
                    message.store_id,
                    message.status,
                    message.accepted_at,
                    message.provider_id,
                    int(message.counts_for_cap),
                    dump(dataclasses.asdict(message)),
                ),
            ).rowcount
            if not inserted:
                row = conn.execute(
                    "SELECT body FROM outreach_messages WHERE legal_entity=? AND customer_id=?"
                    " AND message_id=?",
                    (message.legal_entity, message.customer_id, message.message_id),
                ).fetchone()
                return _message(row)
            _insert_activity(conn, activity)
        return message

    def get(self, legal_entity: str, customer_id: str, message_id: str) -> OutreachMessage | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT body FROM outreach_messages WHERE legal_entity=? AND customer_id=?"
                " AND message_id=?",
                (legal_entity, customer_id, message_id),
            )
            .fetchone()
        )
        return _message(row) if row else None

    def by_provider_id(self, provider_id: str) -> OutreachMessage | None:
        row = (
            self._db.connection()
            .execute("SELECT body FROM outreach_messages WHERE provider_id=?", (provider_id,))
            .fetchone()
        )
        return _message(row) if row else None

    def count_since(self, legal_entity: str, customer_id: str, since: str) -> int:
        row = (
            self._db.connection()
            .execute(
                "SELECT COUNT(*) FROM outreach_messages WHERE legal_entity=? AND customer_id=?"
                " AND accepted_at>=? AND counts_for_cap=1",
                (legal_entity, customer_id, since),
            )
            .fetchone()
        )
        return int(row[0])

    def outbox(self, accepted_before: str, limit: int) -> list[OutreachMessage]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT body FROM outreach_messages INDEXED BY outreach_outbox"
                " WHERE status='accepted' AND accepted_at<? ORDER BY accepted_at LIMIT ?",
                (accepted_before, limit),
            )
            .fetchall()
        )
        return [_message(row) for row in rows]

    def ensure_activity(self, message: OutreachMessage, activity: Activity) -> None:
        with self._db.transaction() as conn:
            _insert_activity(conn, activity)

    def update(self, message: OutreachMessage) -> bool:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT body FROM outreach_messages WHERE legal_entity=? AND customer_id=?"
                " AND message_id=?",
                (message.legal_entity, message.customer_id, message.message_id),
            ).fetchone()
            if row is None or not can_move(_message(row).status, message.status):
                return False
            conn.execute(
                "UPDATE outreach_messages SET status=?, provider_id=?, counts_for_cap=?, body=?"
                " WHERE legal_entity=? AND customer_id=? AND message_id=?",
                (
                    message.status,
                    message.provider_id,
                    int(message.counts_for_cap),
                    dump(dataclasses.asdict(message)),
                    message.legal_entity,
                    message.customer_id,
                    message.message_id,
                ),
            )
            conn.execute(
                "UPDATE activities SET body=json_set(body, '$.delivery_status', ?)"
                " WHERE legal_entity=? AND customer_id=? AND activity_id=?",
                (message.status, message.legal_entity, message.customer_id, message.message_id),
            )
        return True

    def erase(self, customer: CustomerKey, limit: int) -> int:
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM outreach_messages WHERE legal_entity=? AND customer_id=?"
                " AND message_id IN (SELECT message_id FROM outreach_messages"
                " WHERE legal_entity=? AND customer_id=? LIMIT ?)",
                (*(customer.legal_entity, customer.customer_id) * 2, limit),
            ).rowcount
