"""Headquarters documents and the published copy in SQLite."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.domain.errors import NotFound, PreconditionFailed
from shared.ports.documents import PublishedDocument, StoredDocument


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _stored(row: sqlite3.Row) -> StoredDocument:
    return StoredDocument(
        legal_entity=row["legal_entity"],
        kind=row["kind"],
        doc_id=row["doc_id"],
        body=load(row["body"]),
        etag=row["etag"],
        change_seq=row["change_seq"],
        updated_at=row["updated_at"],
    )


class SqliteHeadquartersDocuments:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def get(self, legal_entity: str, kind: str, doc_id: str) -> StoredDocument | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT * FROM hq_documents WHERE legal_entity=? AND kind=? AND doc_id=?",
                (legal_entity, kind, doc_id),
            )
            .fetchone()
        )
        return _stored(row) if row else None

    def put(
        self,
        legal_entity: str,
        kind: str,
        doc_id: str,
        body: dict[str, Any],
        if_match: str | None = None,
        must_exist: bool = False,
    ) -> StoredDocument:
        with self._db.transaction() as conn:
            current = conn.execute(
                "SELECT etag, body FROM hq_documents WHERE legal_entity=? AND kind=? AND doc_id=?",
                (legal_entity, kind, doc_id),
            ).fetchone()
            if current is None and must_exist:
                raise NotFound(f"{kind} {doc_id!r} does not exist in {legal_entity}")
            if if_match is not None and (current is None or current["etag"] != if_match):
                raise PreconditionFailed(
                    f"{kind} {doc_id!r} has changed since you read it; read it again",
                    currentEtag=current["etag"] if current else None,
                )
            self._write(conn, legal_entity, kind, doc_id, body)
        stored = self.get(legal_entity, kind, doc_id)
        assert stored is not None
        return stored

    def _write(
        self, conn: sqlite3.Connection, legal_entity: str, kind: str, doc_id: str, body: Any
    ) -> None:
        seq = self._db.next_counter(conn, "hq-change")
        conn.execute(
            "INSERT INTO hq_documents(legal_entity, kind, doc_id, body, etag, change_seq,"
            " updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(legal_entity, kind, doc_id) DO"
            " UPDATE SET body=excluded.body, etag=excluded.etag,"
            " change_seq=excluded.change_seq, updated_at=excluded.updated_at",
            (legal_entity, kind, doc_id, dump(body), str(seq), seq, _now()),
        )

    def list(self, legal_entity: str, kind: str) -> list[StoredDocument]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT * FROM hq_documents WHERE legal_entity=? AND kind=? ORDER BY doc_id",
                (legal_entity, kind),
            )
            .fetchall()
        )
        return [_stored(r) for r in rows]

    def upsert_many(
        self, legal_entity: str, kind: str, bodies: Iterable[tuple[str, dict[str, Any]]]
    ) -> int:
        writes = 0
        with self._db.transaction() as conn:
            for doc_id, body in bodies:
                current = conn.execute(
                    "SELECT body FROM hq_documents WHERE legal_entity=? AND kind=? AND doc_id=?",
                    (legal_entity, kind, doc_id),
                ).fetchone()
                if current is not None and current["body"] == dump(body):
                    continue
                self._write(conn, legal_entity, kind, doc_id, body)
                writes += 1
        return writes

    def changed_since(
        self, kinds: Iterable[str], after_seq: int, limit: int
    ) -> list[StoredDocument]:
        kinds = list(kinds)
        marks = ",".join("?" * len(kinds))
        rows = (
            self._db.connection()
            .execute(
                f"SELECT * FROM hq_documents WHERE kind IN ({marks}) AND change_seq > ?"
                " ORDER BY change_seq LIMIT ?",
                (*kinds, after_seq, limit),
            )
            .fetchall()
        )
        return [_stored(r) for r in rows]

    def exists_elsewhere(self, legal_entity: str, kind: str, doc_ids: list[str]) -> set[str]:
        found: set[str] = set()
        conn = self._db.connection()
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT doc_id FROM hq_documents WHERE kind=? AND doc_id IN ({marks})"
                " AND legal_entity <> ?",
                (kind, *chunk, legal_entity),
            ).fetchall()
            found.update(r["doc_id"] for r in rows)
        return found


class SqlitePublishedDocuments:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def version(self) -> int:
        row = (
            self._db.connection()
            .execute("SELECT value FROM counters WHERE name='published-version'")
            .fetchone()
        )
        return int(row[0])

    def publish(self, documents: list[PublishedDocument]) -> int:
        writes = 0
        with self._db.transaction() as conn:
            version = self.version() + 1
            for doc in documents:
                text = dump(doc.body)
                current = conn.execute(
                    "SELECT body FROM published_documents WHERE legal_entity=? AND kind=?"
                    " AND doc_id=?",
                    (doc.legal_entity, doc.kind, doc.doc_id),
                ).fetchone()
                if current is not None and current["body"] == text:
                    continue
                conn.execute(
                    "INSERT INTO published_documents(legal_entity, kind, doc_id, body, version)"
                    " VALUES (?,?,?,?,?) ON CONFLICT(legal_entity, kind, doc_id) DO UPDATE SET"
                    " body=excluded.body, version=excluded.version",
                    (doc.legal_entity, doc.kind, doc.doc_id, text, version),
                )
                writes += 1
            if writes:
                self._db.next_counter(conn, "published-version")
        return writes

    def load_all(self) -> tuple[int, Iterator[PublishedDocument]]:
        with self._db.snapshot() as conn:
            version = self.version()
            rows = conn.execute(
                "SELECT legal_entity, kind, doc_id, body FROM published_documents"
            ).fetchall()
        documents = (
            PublishedDocument(r["legal_entity"], r["kind"], r["doc_id"], load(r["body"]))
            for r in rows
        )
        return version, documents
