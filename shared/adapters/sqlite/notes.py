"""Notes and their revisions in SQLite, clustered per customer, newest first by keyset."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.notes import Note, NotePosition, NoteRevision, RevisionChange, note_etag
from shared.ports.activities import CustomerKey, ErasedNotes, Page, RevisionPosition


def _note(row: sqlite3.Row) -> Note:
    return Note(**load(row["body"]))


def _revision(row: sqlite3.Row) -> NoteRevision:
    fields: dict[str, Any] = load(row["body"])
    fields["change"] = RevisionChange(fields["change"])
    return NoteRevision(**fields)


class SqliteNoteRecords:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def add(self, note: Note) -> Note:
        conn = self._db.connection()
        inserted = conn.execute(
            "INSERT OR IGNORE INTO notes(legal_entity, customer_id, created_at, note_id,"
            " revision, body) VALUES (?,?,?,?,?,?)",
            (
                note.legal_entity,
                note.customer_id,
                note.created_at,
                note.note_id,
                note.revision,
                dump(dataclasses.asdict(note)),
            ),
        ).rowcount
        if inserted:
            return note
        found = self.get(CustomerKey(note.legal_entity, note.customer_id), note.note_id)
        assert found is not None, "a note id clashed with a note of another customer"
        return found

    def get(self, customer: CustomerKey, note_id: str) -> Note | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT body FROM notes WHERE legal_entity=? AND customer_id=? AND note_id=?",
                (customer.legal_entity, customer.customer_id, note_id),
            )
            .fetchone()
        )
        return _note(row) if row else None

    def page(self, customer: CustomerKey, after: NotePosition | None, limit: int) -> Page[Note]:
        where = "legal_entity=? AND customer_id=?"
        args: list[Any] = [customer.legal_entity, customer.customer_id]
        if after is not None:
            where += " AND (created_at, note_id) < (?, ?)"
            args.extend((after.created_at, after.note_id))
        rows = (
            self._db.connection()
            .execute(
                f"SELECT body FROM notes WHERE {where}"
                " ORDER BY created_at DESC, note_id DESC LIMIT ?",
                (*args, limit + 1),
            )
            .fetchall()
        )
        return Page([_note(r) for r in rows[:limit]], has_more=len(rows) > limit)

    def replace(self, note: Note, expected_revision: int, replaced: NoteRevision) -> Note:
        with self._db.transaction() as conn:
            changed = conn.execute(
                "UPDATE notes SET revision=?, body=? WHERE legal_entity=? AND customer_id=?"
                " AND note_id=? AND revision=?",
                (
                    note.revision,
                    dump(dataclasses.asdict(note)),
                    note.legal_entity,
                    note.customer_id,
                    note.note_id,
                    expected_revision,
                ),
            ).rowcount
            if not changed:
                customer = CustomerKey(note.legal_entity, note.customer_id)
                self._explain_miss(conn, customer, note.note_id)
            self._keep(conn, replaced)
        return note

    def delete(self, customer: CustomerKey, note_id: str, replaced: NoteRevision) -> None:
        with self._db.transaction() as conn:
            removed = conn.execute(
                "DELETE FROM notes WHERE legal_entity=? AND customer_id=? AND note_id=?"
                " AND revision=?",
                (customer.legal_entity, customer.customer_id, note_id, replaced.revision),
            ).rowcount
            if not removed:
                self._explain_miss(conn, customer, note_id)
            self._keep(conn, replaced)

    @staticmethod
    def _keep(conn: sqlite3.Connection, revision: NoteRevision) -> None:
        conn.execute(
            "INSERT INTO note_revisions(legal_entity, customer_id, note_id, revision, body)"
            " VALUES (?,?,?,?,?)",
            (
                revision.legal_entity,
                revision.customer_id,
                revision.note_id,
                revision.revision,
                dump(dataclasses.asdict(revision)),
            ),
        )

    @staticmethod
    def _explain_miss(conn: sqlite3.Connection, customer: CustomerKey, note_id: str) -> None:
        """The write matched nothing: say whether the note is gone or was changed."""
        row = conn.execute(
            "SELECT revision FROM notes WHERE legal_entity=? AND customer_id=? AND note_id=?",
            (customer.legal_entity, customer.customer_id, note_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"no note {note_id!r} for this customer", resource="note")
        raise PreconditionFailed(
            f"note {note_id} has changed since you read it; read it again",
            currentEtag=note_etag(row["revision"]),
        )

    def history(
        self, customer: CustomerKey, note_id: str, below_revision: int | None, limit: int
    ) -> Page[NoteRevision]:
        where = "legal_entity=? AND customer_id=? AND note_id=?"
        args: list[Any] = [customer.legal_entity, customer.customer_id, note_id]
        if below_revision is not None:
            where += " AND revision<?"
            args.append(below_revision)
        rows = (
            self._db.connection()
            .execute(
                f"SELECT body FROM note_revisions WHERE {where} ORDER BY revision DESC LIMIT ?",
                (*args, limit + 1),
            )
            .fetchall()
        )
        return Page([_revision(r) for r in rows[:limit]], has_more=len(rows) > limit)

    def revisions(
        self, customer: CustomerKey, after: RevisionPosition | None, limit: int
    ) -> Page[NoteRevision]:
        where = "legal_entity=? AND customer_id=?"
        args: list[Any] = [customer.legal_entity, customer.customer_id]
        if after is not None:
            where += " AND (note_id>? OR (note_id=? AND revision<?))"
            args.extend((after.note_id, after.note_id, after.revision))
        rows = (
            self._db.connection()
            .execute(
                f"SELECT body FROM note_revisions WHERE {where}"
                " ORDER BY note_id ASC, revision DESC LIMIT ?",
                (*args, limit + 1),
            )
            .fetchall()
        )
        return Page([_revision(r) for r in rows[:limit]], has_more=len(rows) > limit)

    def erase(self, customer: CustomerKey, limit: int) -> ErasedNotes:
        key = (customer.legal_entity, customer.customer_id)
        with self._db.transaction() as conn:
            notes = conn.execute(
                "DELETE FROM notes WHERE legal_entity=? AND customer_id=? AND note_id IN"
                " (SELECT note_id FROM notes WHERE legal_entity=? AND customer_id=? LIMIT ?)",
                (*key, *key, limit),
            ).rowcount
            revisions = conn.execute(
                "DELETE FROM note_revisions WHERE legal_entity=? AND customer_id=?"
                " AND (note_id, revision) IN (SELECT note_id, revision FROM note_revisions"
                " WHERE legal_entity=? AND customer_id=? LIMIT ?)",
                (*key, *key, limit - notes),
            ).rowcount
        return ErasedNotes(notes, revisions)
