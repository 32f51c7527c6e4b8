"""Client books, memberships and their audit in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shared.adapters.sqlite.book_query import book_selection, marks
from shared.adapters.sqlite.book_summary import read_summary, summary_query
from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import content_etag, dump, load
from shared.domain.attributes import AttributeDefinition
from shared.domain.book_filters import BookFilters
from shared.domain.cards import CardSource
from shared.domain.client_books import BookHolding, ClientBookRecord
from shared.domain.errors import NotFound, PreconditionFailed
from shared.ports.client_books import (
    AddOutcome,
    AuditEntry,
    AuditStamp,
    BookEntry,
    BookPosition,
    BookScope,
    BookSummary,
    HeldElsewhere,
    HoldingsChanged,
    NewBookId,
    ReassignOutcome,
    RemoveOutcome,
    SearchHit,
)
from shared.ports.customers import StoredCustomer

CARD_FIELDS = ("customer_id", "sort_name", "name", "email", "phone", "attributes")
COPIED_COLUMNS = (
    "sort_name, search_text, name, email, phone, birthday_md, anniversary_md, attributes"
)
MAX_BOOK_ID_ATTEMPTS = 20


def _columns(alias: str) -> str:
    return ", ".join(f"{alias}.{name}" for name in CARD_FIELDS)


def _card(row: sqlite3.Row) -> CardSource:
    return CardSource(
        customer_id=row["customer_id"],
        name=row["name"],
        email=row["email"],
        phone=row["phone"],
        attributes=load(row["attributes"]),
    )


def _entry(row: sqlite3.Row) -> BookEntry:
    return BookEntry(
        card=_card(row),
        holding=BookHolding(row["customer_id"], row["book_id"], row["owner_staff_id"]),
        sort_name=row["sort_name"],
    )


def _by_membership_keys(
    conn: sqlite3.Connection,
    statement: str,
    leading: tuple[Any, ...],
    legal_entity: str,
    holdings: Sequence[BookHolding],
) -> int:
    """Run an UPDATE/DELETE on these memberships, one statement per source book (a primary
    key seek per customer); how many rows it touched."""
    by_book: dict[str, list[str]] = {}
    for holding in holdings:
        by_book.setdefault(holding.book_id, []).append(holding.customer_id)
    touched = 0
    for book_id, customer_ids in by_book.items():
        touched += len(
            conn.execute(
                f"{statement} WHERE legal_entity = ? AND book_id = ?"
                f" AND customer_id IN ({marks(len(customer_ids))}) RETURNING customer_id",
                (*leading, legal_entity, book_id, *customer_ids),
            ).fetchall()
        )
    return touched


class SqliteClientBookRecords:
    def __init__(self, db: SqliteDatabase, on_write: Callable[[], None] = lambda: None) -> None:
        self._db = db
        self._written = on_write  # after each committed change (background checkpoints)

    # -- books ----------------------------------------------------------------------------

    def book_of(self, legal_entity: str, owner_staff_id: str) -> ClientBookRecord | None:
        return self._book_of(self._db.connection(), legal_entity, owner_staff_id)

    @staticmethod
    def _book_of(
        conn: sqlite3.Connection, legal_entity: str, owner_staff_id: str
    ) -> ClientBookRecord | None:
        row = conn.execute(
            "SELECT b.book_id, (SELECT count(*) FROM book_memberships m"
            " WHERE m.legal_entity = b.legal_entity AND m.owner_staff_id = b.owner_staff_id)"
            " AS customers FROM client_books b WHERE b.legal_entity = ? AND b.owner_staff_id = ?",
            (legal_entity, owner_staff_id),
        ).fetchone()
        if row is None:
            return None
        return ClientBookRecord(legal_entity, row["book_id"], owner_staff_id, row["customers"])

    def _ensure_book(
        self,
        conn: sqlite3.Connection,
        legal_entity: str,
        owner_staff_id: str,
        new_book_id: NewBookId,
        created_at: str,
    ) -> tuple[str, bool]:
        row = conn.execute(
            "SELECT book_id FROM client_books WHERE legal_entity = ? AND owner_staff_id = ?",
            (legal_entity, owner_staff_id),
        ).fetchone()
        if row is not None:
            return row["book_id"], False
        # The counter is never reused; a formatted id can still collide with one made under
        # an earlier prefix or width, so skip ahead until it is free.
        for _ in range(MAX_BOOK_ID_ATTEMPTS):
            book_id = new_book_id(self._db.next_counter(conn, f"client-book:{legal_entity}"))
            taken = conn.execute(
                "SELECT 1 FROM client_books WHERE legal_entity = ? AND book_id = ?",
                (legal_entity, book_id),
            ).fetchone()
            if taken is None:
                conn.execute(
                    "INSERT INTO client_books(legal_entity, book_id, owner_staff_id, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (legal_entity, book_id, owner_staff_id, created_at),
                )
                return book_id, True
        raise RuntimeError(f"no free client book id after {MAX_BOOK_ID_ATTEMPTS} attempts")

    # -- lists ----------------------------------------------------------------------------

    def page_of_book(
        self, scope: BookScope, filters: BookFilters, after: BookPosition | None, limit: int
    ) -> list[BookEntry]:
        chosen = book_selection(scope, filters, after)
        rows = (
            self._db.connection()
            .execute(
                f"SELECT m.book_id, m.owner_staff_id, {_columns('m')}"
                f" FROM {chosen.source} WHERE {chosen.where.sql}"
                " ORDER BY m.sort_name, m.customer_id LIMIT ?",
                (*chosen.where.params, limit),
            )
            .fetchall()
        )
        return [_entry(r) for r in rows]

    def entries_in_book(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str]
    ) -> list[BookEntry]:
        ids = list(dict.fromkeys(customer_ids))
        if not ids:
            return []
        rows = (
            self._db.connection()
            .execute(
                f"SELECT m.book_id, m.owner_staff_id, {_columns('m')} FROM book_memberships m"
                " INDEXED BY book_memberships_by_customer WHERE m.legal_entity = ?"
                f" AND m.customer_id IN ({marks(len(ids))}) AND m.owner_staff_id = ?",
                (legal_entity, *ids, owner_staff_id),
            )
            .fetchall()
        )
        return [_entry(r) for r in rows]

    def count_in_book(self, scope: BookScope, filters: BookFilters) -> int:
        chosen = book_selection(scope, filters)
        row = (
            self._db.connection()
            .execute(
                f"SELECT count(*) FROM {chosen.source} WHERE {chosen.where.sql}",
                chosen.where.params,
            )
            .fetchone()
        )
        return int(row[0])

    def summarize_book(
        self,
        scope: BookScope,
        filters: BookFilters,
        attributes: Sequence[AttributeDefinition],
    ) -> BookSummary:
        sql, params = summary_query(scope, filters, attributes)
        return read_summary(attributes, self._db.connection().execute(sql, params).fetchall())

    # -- who holds whom -------------------------------------------------------------------

    def holdings_of(self, legal_entity: str, customer_ids: Sequence[str]) -> list[BookHolding]:
        if not customer_ids:
            return []
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id, book_id, owner_staff_id FROM book_memberships"
                f" WHERE legal_entity = ? AND customer_id IN ({marks(len(customer_ids))})",
                (legal_entity, *customer_ids),
            )
            .fetchall()
        )
        return [BookHolding(r["customer_id"], r["book_id"], r["owner_staff_id"]) for r in rows]

    def existing_customers(self, legal_entity: str, customer_ids: Sequence[str]) -> set[str]:
        if not customer_ids:
            return set()
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id FROM customers"
                f" WHERE legal_entity = ? AND customer_id IN ({marks(len(customer_ids))})",
                (legal_entity, *customer_ids),
            )
            .fetchall()
        )
        return {r[0] for r in rows}

    # -- changes --------------------------------------------------------------------------

    def add_to_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        sole_holder: bool,
        new_book_id: NewBookId,
        created_at: str,
    ) -> AddOutcome:
        with self._db.transaction() as conn:
            book_id, created = self._ensure_book(
                conn, legal_entity, owner_staff_id, new_book_id, created_at
            )
            present = {
                r[0]
                for r in conn.execute(
                    "SELECT customer_id FROM book_memberships WHERE legal_entity = ?"
                    f" AND book_id = ? AND customer_id IN ({marks(len(customer_ids))})",
                    (legal_entity, book_id, *customer_ids),
                )
            }
            to_add = [c for c in customer_ids if c not in present]
            if to_add:
                self._insert_memberships(
                    conn, legal_entity, book_id, owner_staff_id, to_add, sole_holder, created_at
                )
            book = self._book_of(conn, legal_entity, owner_staff_id)
        self._written()
        assert book is not None
        already = [c for c in customer_ids if c in present]
        return AddOutcome(book, created, to_add, already)

    @staticmethod
    def _insert_memberships(
        conn: sqlite3.Connection,
        legal_entity: str,
        book_id: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        sole_holder: bool,
        added_at: str,
    ) -> None:
        try:
            conn.execute(
                "INSERT INTO book_memberships(legal_entity, book_id, owner_staff_id, customer_id,"
                f" sole_holder_key, added_at, {COPIED_COLUMNS})"
                " SELECT legal_entity, ?, ?, customer_id,"
                " CASE WHEN ? THEN customer_id END, ?,"
                f" {COPIED_COLUMNS} FROM customer_card_fields"
                f" WHERE legal_entity = ? AND customer_id IN ({marks(len(customer_ids))})",
                (book_id, owner_staff_id, sole_holder, added_at, legal_entity, *customer_ids),
            )
        except sqlite3.IntegrityError as problem:
            if "sole_holder_key" in str(problem):
                raise HeldElsewhere(str(problem)) from None
            raise

    def remove_from_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        audit: AuditStamp | None,
    ) -> RemoveOutcome:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT book_id FROM client_books WHERE legal_entity = ? AND owner_staff_id = ?",
                (legal_entity, owner_staff_id),
            ).fetchone()
            if row is None:
                return RemoveOutcome(None, [], list(customer_ids))
            book_id = row["book_id"]
            gone = {
                r[0]
                for r in conn.execute(
                    "DELETE FROM book_memberships WHERE legal_entity = ? AND book_id = ?"
                    f" AND customer_id IN ({marks(len(customer_ids))}) RETURNING customer_id",
                    (legal_entity, book_id, *customer_ids),
                ).fetchall()
            }
            removed = [c for c in customer_ids if c in gone]
            if audit is not None:
                self._audit(
                    conn,
                    legal_entity,
                    audit,
                    [(BookHolding(c, book_id, owner_staff_id), None, None) for c in removed],
                )
            book = self._book_of(conn, legal_entity, owner_staff_id)
        self._written()
        return RemoveOutcome(book, removed, [c for c in customer_ids if c not in gone])

    def reassign(
        self,
        legal_entity: str,
        moves: Sequence[BookHolding],
        to_staff_id: str,
        new_book_id: NewBookId,
        audit: AuditStamp,
    ) -> ReassignOutcome:
        with self._db.transaction() as conn:
            book_id, created = self._ensure_book(
                conn, legal_entity, to_staff_id, new_book_id, audit.recorded_at
            )
            customer_ids = sorted({m.customer_id for m in moves})
            held = {
                r[0]
                for r in conn.execute(
                    "SELECT customer_id FROM book_memberships WHERE legal_entity = ?"
                    f" AND book_id = ? AND customer_id IN ({marks(len(customer_ids))})",
                    (legal_entity, book_id, *customer_ids),
                )
            }
            self._move(conn, legal_entity, moves, book_id, to_staff_id, held)
            self._audit(conn, legal_entity, audit, [(m, book_id, to_staff_id) for m in moves])
            book = self._book_of(conn, legal_entity, to_staff_id)
        self._written()
        assert book is not None
        return ReassignOutcome(book, created, list(moves))

    @staticmethod
    def _move(
        conn: sqlite3.Connection,
        legal_entity: str,
        moves: Sequence[BookHolding],
        book_id: str,
        to_staff_id: str,
        held: set[str],
    ) -> None:
        """Re-home the first membership of each customer the target does not hold yet; drop
        the others (the target holds the customer already, several books being allowed)."""
        rehome: list[BookHolding] = []
        drop: list[BookHolding] = []
        for move in moves:
            if move.customer_id in held:
                drop.append(move)
            else:
                rehome.append(move)
                held.add(move.customer_id)
        changed = 0
        if rehome:
            changed += _by_membership_keys(
                conn,
                "UPDATE book_memberships SET book_id = ?, owner_staff_id = ?",
                (book_id, to_staff_id),
                legal_entity,
                rehome,
            )
        if drop:
            changed += _by_membership_keys(
                conn, "DELETE FROM book_memberships", (), legal_entity, drop
            )
        if changed != len(moves):
            raise HoldingsChanged("a membership to move is no longer there")

    @staticmethod
    def _audit(
        conn: sqlite3.Connection,
        legal_entity: str,
        stamp: AuditStamp,
        entries: Sequence[tuple[BookHolding, str | None, str | None]],
    ) -> None:
        conn.executemany(
            "INSERT INTO client_book_audit(legal_entity, recorded_at, action, store_id,"
            " actor_staff_id, customer_id, from_book_id, from_staff_id, to_book_id, to_staff_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    legal_entity,
                    stamp.recorded_at,
                    stamp.action,
                    stamp.store_id,
                    stamp.actor_staff_id,
                    source.customer_id,
                    source.book_id,
                    source.owner_staff_id,
                    to_book,
                    to_staff,
                )
                for source, to_book, to_staff in entries
            ],
        )

    def audit_trail(
        self, legal_entity: str, customer_id: str | None, before_entry_id: int | None, limit: int
    ) -> list[AuditEntry]:
        sql = "SELECT * FROM client_book_audit WHERE legal_entity = ?"
        params: list[Any] = [legal_entity]
        if customer_id is not None:
            sql += " AND customer_id = ?"
            params.append(customer_id)
        if before_entry_id is not None:
            sql += " AND entry_id < ?"
            params.append(before_entry_id)
        rows = (
            self._db.connection()
            .execute(sql + " ORDER BY entry_id DESC LIMIT ?", (*params, limit))
            .fetchall()
        )
        return [AuditEntry(**dict(r)) for r in rows]

    # -- customers ------------------------------------------------------------------------

    def search_customers(
        self,
        legal_entity: str,
        address_books: Sequence[str],
        words: Sequence[str],
        after: BookPosition | None,
        limit: int,
    ) -> list[SearchHit]:
        # Walk the address books' customers over the narrow key index, sort the matches,
        # and read card fields for the page only.
        conditions = [
            "a.legal_entity = ?",
            f"a.address_book IN ({marks(len(address_books))})",
            "c.legal_entity = a.legal_entity AND c.customer_id = a.customer_id",
        ]
        params: list[Any] = [legal_entity, *address_books]
        for word in words:
            # A word matches the start of a token (shared/domain/text.py), as on Cosmos DB;
            # instr first, so the Python function runs only where the word occurs at all.
            conditions.append(
                "instr(c.search_text, ?) > 0 AND customer_search_match(c.search_text, ?)"
            )
            params.extend((word, word))
        if after is not None:
            conditions.append("(c.sort_name, c.customer_id) > (?, ?)")
            params.extend((after.sort_name, after.customer_id))
        sql = (
            f"SELECT {_columns('f')} FROM (SELECT DISTINCT c.customer_id, c.sort_name"
            " FROM customer_address_books a CROSS JOIN customers c"
            f" INDEXED BY customers_search_keys WHERE {' AND '.join(conditions)}"
            " ORDER BY c.sort_name, c.customer_id LIMIT ?) AS hit"
            " CROSS JOIN customer_card_fields f"
            " WHERE f.legal_entity = ? AND f.customer_id = hit.customer_id"
            " ORDER BY hit.sort_name, hit.customer_id"
        )
        rows = self._db.connection().execute(sql, (*params, limit, legal_entity)).fetchall()
        return [SearchHit(_card(r), r["sort_name"]) for r in rows]

    def set_attribute_values(
        self, legal_entity: str, customer_id: str, values: Mapping[str, Any], if_match: str
    ) -> StoredCustomer:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT body, etag FROM customers WHERE legal_entity = ? AND customer_id = ?",
                (legal_entity, customer_id),
            ).fetchone()
            if row is None:
                raise NotFound(f"no customer {customer_id!r}", resource="customer")
            if row["etag"] != if_match:
                raise PreconditionFailed(
                    f"customer {customer_id} has changed since you read it; read it again",
                    currentEtag=row["etag"],
                )
            body = load(row["body"])
            attributes = dict(body.get("attributes") or {})
            for name, value in values.items():
                if value is None:
                    attributes.pop(name, None)
                else:
                    attributes[name] = value
            body["attributes"] = attributes
            text = dump(body)
            etag = content_etag(text)
            # The trigger on customers refreshes every membership's copy in this transaction.
            conn.execute(
                "UPDATE customers SET body = ?, etag = ?"
                " WHERE legal_entity = ? AND customer_id = ?",
                (text, etag, legal_entity, customer_id),
            )
        self._written()
        return StoredCustomer(legal_entity, customer_id, body, etag)
