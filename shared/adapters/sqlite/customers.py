"""Customer master data in SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from shared.adapters.sqlite.book_query import marks
from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import content_etag, dump, load
from shared.domain.text import customer_search_text, fold
from shared.ports.customers import StoredCustomer


class SqliteCustomerRecords:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def upsert_many(self, legal_entity: str, customers: Iterable[dict[str, Any]]) -> int:
        writes = 0
        with self._db.transaction() as conn:
            for body in customers:
                text = dump(body)
                etag = content_etag(text)
                customer_id = body["customerId"]
                current = conn.execute(
                    "SELECT etag FROM customers WHERE legal_entity=? AND customer_id=?",
                    (legal_entity, customer_id),
                ).fetchone()
                if current is not None and current["etag"] == etag:
                    continue
                conn.execute(
                    "INSERT INTO customers(legal_entity, customer_id, body, etag, sort_name,"
                    " search_text) VALUES (?,?,?,?,?,?) ON CONFLICT(legal_entity, customer_id)"
                    " DO UPDATE SET body=excluded.body, etag=excluded.etag,"
                    " sort_name=excluded.sort_name, search_text=excluded.search_text",
                    (
                        legal_entity,
                        customer_id,
                        text,
                        etag,
                        fold(body["name"]),
                        customer_search_text(body["name"], body.get("email"), body.get("phone")),
                    ),
                )
                conn.execute(
                    "DELETE FROM customer_address_books WHERE legal_entity=? AND customer_id=?",
                    (legal_entity, customer_id),
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO customer_address_books(legal_entity, address_book,"
                    " customer_id) VALUES (?,?,?)",
                    [(legal_entity, book, customer_id) for book in body.get("addressBooks", [])],
                )
                writes += 1
        return writes

    def get(self, legal_entity: str, customer_id: str) -> StoredCustomer | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT body, etag FROM customers WHERE legal_entity=? AND customer_id=?",
                (legal_entity, customer_id),
            )
            .fetchone()
        )
        if row is None:
            return None
        return StoredCustomer(legal_entity, customer_id, load(row["body"]), row["etag"])

    def get_many(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, StoredCustomer]:
        """One query for the page, not one per customer."""
        ids = list(dict.fromkeys(customer_ids))
        if not ids:
            return {}
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id, body, etag FROM customers WHERE legal_entity=?"
                f" AND customer_id IN ({','.join('?' * len(ids))})",
                (legal_entity, *ids),
            )
            .fetchall()
        )
        return {
            r["customer_id"]: StoredCustomer(
                legal_entity, r["customer_id"], load(r["body"]), r["etag"]
            )
            for r in rows
        }

    def count(self, legal_entity: str) -> int:
        row = (
            self._db.connection()
            .execute("SELECT COUNT(*) FROM customers WHERE legal_entity=?", (legal_entity,))
            .fetchone()
        )
        return int(row[0])

    # -- tombstones -----------------------------------------------------------------------

    def mark_erased(self, legal_entity: str, customer_id: str, erased_at: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO customer_tombstones(legal_entity, customer_id, erased_at)"
                " VALUES (?, ?, ?)",
                (legal_entity, customer_id, erased_at),
            )

    def erased_among(self, legal_entity: str, customer_ids: Sequence[str]) -> set[str]:
        if not customer_ids:
            return set()
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id FROM customer_tombstones"
                f" WHERE legal_entity = ? AND customer_id IN ({marks(len(customer_ids))})",
                (legal_entity, *customer_ids),
            )
            .fetchall()
        )
        return {r[0] for r in rows}

    def erased_ids(self, legal_entity: str) -> set[str]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id FROM customer_tombstones WHERE legal_entity = ?",
                (legal_entity,),
            )
            .fetchall()
        )
        return {r[0] for r in rows}

    def restore(self, legal_entity: str, customer_id: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM customer_tombstones WHERE legal_entity = ? AND customer_id = ?",
                (legal_entity, customer_id),
            )
