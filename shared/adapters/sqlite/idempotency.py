"""Idempotency records in SQLite: one row per (scope, key), expired rows purged in slices."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import load
from shared.ports.idempotency import IdempotencyRecord


def _record(row: sqlite3.Row) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=row["scope"],
        key=row["idempotency_key"],
        fingerprint=row["fingerprint"],
        resource_id=row["resource_id"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        status=row["status"],
        body=load(row["body"]) if row["body"] is not None else None,
    )


class SqliteIdempotencyStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def reserve(self, candidate: IdempotencyRecord, now: str) -> IdempotencyRecord:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM idempotency_keys WHERE scope=? AND idempotency_key=?",
                (candidate.scope, candidate.key),
            ).fetchone()
            if row is not None and row["expires_at"] > now:
                return _record(row)
            conn.execute(
                "INSERT OR REPLACE INTO idempotency_keys(scope, idempotency_key, fingerprint,"
                " resource_id, created_at, expires_at, status, body)"
                " VALUES (?,?,?,?,?,?,NULL,NULL)",
                (
                    candidate.scope,
                    candidate.key,
                    candidate.fingerprint,
                    candidate.resource_id,
                    candidate.created_at,
                    candidate.expires_at,
                ),
            )
        return candidate

    def complete(self, scope: str, key: str, status: int, body: Any) -> None:
        # Writes go through transaction(), which queues writers fairly (see SqliteDatabase).
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE idempotency_keys SET status=?, body=? WHERE scope=? AND idempotency_key=?"
                " AND status IS NULL",
                # Not the canonical (sorted) form: a replay answers with the first body,
                # key order too.
                (status, json.dumps(body, ensure_ascii=False), scope, key),
            )

    def release(self, scope: str, key: str, resource_id: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM idempotency_keys WHERE scope=? AND idempotency_key=?"
                " AND resource_id=? AND status IS NULL",
                (scope, key, resource_id),
            )

    def purge_expired(self, now: str, limit: int) -> int:
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM idempotency_keys WHERE (scope, idempotency_key) IN"
                " (SELECT scope, idempotency_key FROM idempotency_keys WHERE expires_at<=?"
                " LIMIT ?)",
                (now, limit),
            ).rowcount
