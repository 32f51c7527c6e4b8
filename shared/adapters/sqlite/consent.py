"""Consent records in SQLite: one row per customer, the phone key indexed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from shared.adapters.sqlite.book_query import marks
from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.domain.errors import PreconditionFailed
from shared.ports.consent import PhoneOwner, StoredConsent

CHANGED_MEANWHILE = "the customer's consent changed meanwhile; read it again"


class SqliteConsentRecords:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    @staticmethod
    def _stored(legal_entity: str, row: Any) -> StoredConsent:
        return StoredConsent(
            legal_entity, row["customer_id"], load(row["history"]), row["phone_key"], row["etag"]
        )

    def get(self, legal_entity: str, customer_id: str) -> StoredConsent | None:
        return self.get_many(legal_entity, [customer_id]).get(customer_id)

    def get_many(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, StoredConsent]:
        if not customer_ids:
            return {}
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id, history, phone_key, etag FROM customer_consent"
                f" WHERE legal_entity = ? AND customer_id IN ({marks(len(customer_ids))})",
                (legal_entity, *customer_ids),
            )
            .fetchall()
        )
        return {r["customer_id"]: self._stored(legal_entity, r) for r in rows}

    def save(
        self,
        legal_entity: str,
        customer_id: str,
        history: list[dict[str, Any]],
        phone_key: str | None,
        if_match: str | None,
        previous_phone_key: str | None = None,
    ) -> StoredConsent:
        # The phone key is a column of the row: the lookup follows without further work.
        etag = uuid.uuid4().hex
        with self._db.transaction() as conn:
            current = conn.execute(
                "SELECT etag FROM customer_consent WHERE legal_entity = ? AND customer_id = ?",
                (legal_entity, customer_id),
            ).fetchone()
            found = current["etag"] if current else None
            if found != if_match:
                raise PreconditionFailed(CHANGED_MEANWHILE)
            conn.execute(
                "INSERT INTO customer_consent(legal_entity, customer_id, history, phone_key,"
                " etag) VALUES (?,?,?,?,?) ON CONFLICT(legal_entity, customer_id) DO UPDATE"
                " SET history = excluded.history, phone_key = excluded.phone_key,"
                " etag = excluded.etag",
                (legal_entity, customer_id, dump(history), phone_key, etag),
            )
        return StoredConsent(legal_entity, customer_id, history, phone_key, etag)

    def owners_of_phone(self, phone_key: str) -> list[PhoneOwner]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT legal_entity, customer_id FROM customer_consent WHERE phone_key = ?"
                " ORDER BY legal_entity, customer_id",
                (phone_key,),
            )
            .fetchall()
        )
        return [PhoneOwner(r["legal_entity"], r["customer_id"]) for r in rows]

    def erase(self, legal_entity: str, customer_id: str) -> bool:
        with self._db.transaction() as conn:
            deleted = conn.execute(
                "DELETE FROM customer_consent WHERE legal_entity = ? AND customer_id = ?",
                (legal_entity, customer_id),
            ).rowcount
        return deleted > 0
