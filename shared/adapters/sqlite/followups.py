"""Follow-ups in SQLite: one table clustered by owner, a worklist index in due order."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.followups import Followup, State, followup_from_json, followup_json
from shared.ports.followups import (
    FollowupPosition,
    FollowupRun,
    OpenQuery,
    OwnerKey,
    OwnerTally,
)

_COLUMNS = (
    "legal_entity, owner_staff_id, followup_id, customer_id, rule_id, state, due_date,"
    " sort_name, expires_on, closed_on, revision, body"
)


def _row(f: Followup) -> tuple[Any, ...]:
    return (
        f.legal_entity,
        f.owner_staff_id,
        f.followup_id,
        f.customer_id,
        f.rule_id,
        str(f.state),
        f.due_date,
        f.sort_name,
        f.expires_on,
        f.closed_on,
        f.revision,
        dump(followup_json(f)),
    )


def _followup(row: sqlite3.Row) -> Followup:
    return followup_from_json(load(row["body"]))


class SqliteFollowupRecords:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def create_many(self, followups: Sequence[Followup]) -> int:
        if not followups:
            return 0
        with self._db.transaction() as conn:
            before = conn.total_changes
            conn.executemany(
                f"INSERT OR IGNORE INTO followups({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [_row(f) for f in followups],
            )
            return conn.total_changes - before

    def get(self, owner: OwnerKey, followup_id: str) -> Followup | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT body FROM followups WHERE legal_entity=? AND owner_staff_id=?"
                " AND followup_id=?",
                (owner.legal_entity, owner.owner_staff_id, followup_id),
            )
            .fetchone()
        )
        return _followup(row) if row else None

    def replace(self, followup: Followup, expected_revision: int) -> Followup:
        key = (followup.legal_entity, followup.owner_staff_id, followup.followup_id)
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT revision FROM followups WHERE legal_entity=? AND owner_staff_id=?"
                " AND followup_id=?",
                key,
            ).fetchone()
            if row is None:
                raise NotFound(f"no follow-up {followup.followup_id}", resource="followup")
            if row["revision"] != expected_revision:
                raise PreconditionFailed(
                    f"follow-up {followup.followup_id} has changed since you read it",
                    currentEtag=f"{followup.followup_id}.{row['revision']}",
                )
            conn.execute(
                "UPDATE followups SET state=?, due_date=?, expires_on=?, closed_on=?,"
                " revision=?, body=? WHERE legal_entity=? AND owner_staff_id=?"
                " AND followup_id=?",
                (
                    str(followup.state),
                    followup.due_date,
                    followup.expires_on,
                    followup.closed_on,
                    followup.revision,
                    dump(followup_json(followup)),
                    *key,
                ),
            )
        return followup

    def open_page(
        self, owner: OwnerKey, query: OpenQuery, after: FollowupPosition | None, limit: int
    ) -> list[Followup]:
        where = ["legal_entity=?", "owner_staff_id=?", "state='open'", "expires_on>=?"]
        args: list[Any] = [owner.legal_entity, owner.owner_staff_id, query.today]
        if query.due_from:
            where.append("due_date>=?")
            args.append(query.due_from)
        if query.due_to:
            where.append("due_date<=?")
            args.append(query.due_to)
        if query.rule_id:
            where.append("rule_id=?")
            args.append(query.rule_id)
        if after is not None:
            where.append("(due_date, sort_name, followup_id) > (?, ?, ?)")
            args.extend((after.due_date, after.sort_name, after.followup_id))
        rows = (
            self._db.connection()
            .execute(
                "SELECT body FROM followups INDEXED BY followups_worklist"
                f" WHERE {' AND '.join(where)}"
                " ORDER BY due_date, sort_name, followup_id LIMIT ?",
                (*args, limit),
            )
            .fetchall()
        )
        return [_followup(r) for r in rows]

    def open_due_dates(self, owner: OwnerKey, today: str) -> list[str]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT due_date FROM followups WHERE legal_entity=? AND owner_staff_id=?"
                " AND state='open' AND expires_on>=?",
                (owner.legal_entity, owner.owner_staff_id, today),
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    def tallies(
        self, legal_entity: str, owners: Sequence[str], today: str, week_start: str
    ) -> dict[str, OwnerTally]:
        if not owners:
            return {}
        marks = ",".join("?" * len(owners))
        rows = (
            self._db.connection()
            .execute(
                "SELECT owner_staff_id,"
                " sum(state='open' AND expires_on>=?),"
                " sum(state='open' AND expires_on>=? AND due_date<?),"
                " sum(state='completed' AND closed_on>=?)"
                f" FROM followups WHERE legal_entity=? AND owner_staff_id IN ({marks})"
                " GROUP BY owner_staff_id",
                (today, today, today, week_start, legal_entity, *owners),
            )
            .fetchall()
        )
        return {r[0]: OwnerTally(int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}

    def open_of_customers(self, owner: OwnerKey, customer_ids: Sequence[str]) -> list[Followup]:
        if not customer_ids:
            return []
        marks = ",".join("?" * len(customer_ids))
        rows = (
            self._db.connection()
            .execute(
                "SELECT body FROM followups WHERE legal_entity=? AND owner_staff_id=?"
                f" AND state='open' AND customer_id IN ({marks})",
                (owner.legal_entity, owner.owner_staff_id, *customer_ids),
            )
            .fetchall()
        )
        return [_followup(r) for r in rows]

    def move(self, moves: Sequence[tuple[Followup, Followup]]) -> int:
        if not moves:
            return 0
        with self._db.transaction() as conn:
            conn.executemany(
                f"INSERT OR IGNORE INTO followups({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [_row(new) for _, new in moves],
            )
            moved = 0
            for old, new in moves:
                if (old.owner_staff_id, old.followup_id) == (new.owner_staff_id, new.followup_id):
                    continue
                moved += conn.execute(
                    "DELETE FROM followups WHERE legal_entity=? AND owner_staff_id=?"
                    " AND followup_id=?",
                    (old.legal_entity, old.owner_staff_id, old.followup_id),
                ).rowcount
            return moved

    def expire(self, owner: OwnerKey, today: str, closed_at: str) -> int:
        with self._db.transaction() as conn:
            rows = conn.execute(
                "SELECT body FROM followups WHERE legal_entity=? AND owner_staff_id=?"
                " AND state='open' AND expires_on<?",
                (owner.legal_entity, owner.owner_staff_id, today),
            ).fetchall()
            for row in rows:
                body = load(row["body"])
                body.update(
                    state=str(State.EXPIRED),
                    closed_at=closed_at,
                    revision=body["revision"] + 1,
                )
                conn.execute(
                    "UPDATE followups SET state='expired', revision=?, body=?"
                    " WHERE legal_entity=? AND owner_staff_id=? AND followup_id=?",
                    (
                        body["revision"],
                        dump(body),
                        owner.legal_entity,
                        owner.owner_staff_id,
                        body["followup_id"],
                    ),
                )
            return len(rows)

    def record_joins(self, owner: OwnerKey, joins: Sequence[tuple[str, str]]) -> None:
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT INTO followup_book_joins(legal_entity, owner_staff_id, customer_id,"
                " joined_on) VALUES (?,?,?,?) ON CONFLICT(legal_entity, owner_staff_id,"
                " customer_id) DO UPDATE SET joined_on=excluded.joined_on",
                [(owner.legal_entity, owner.owner_staff_id, c, d) for c, d in joins],
            )

    def joins(self, owner: OwnerKey, since: str) -> dict[str, str]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT customer_id, joined_on FROM followup_book_joins WHERE legal_entity=?"
                " AND owner_staff_id=? AND joined_on>=?",
                (owner.legal_entity, owner.owner_staff_id, since),
            )
            .fetchall()
        )
        return {r[0]: r[1] for r in rows}

    def of_customer(self, legal_entity: str, customer_id: str) -> list[Followup]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT body FROM followups WHERE legal_entity=? AND customer_id=?"
                " ORDER BY owner_staff_id, followup_id",
                (legal_entity, customer_id),
            )
            .fetchall()
        )
        return [_followup(r) for r in rows]

    def erase_customer(self, legal_entity: str, customer_id: str, limit: int) -> int:
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM followup_book_joins WHERE legal_entity=? AND customer_id=?",
                (legal_entity, customer_id),
            )
            return conn.execute(
                "DELETE FROM followups WHERE (legal_entity, owner_staff_id, followup_id) IN"
                " (SELECT legal_entity, owner_staff_id, followup_id FROM followups"
                " WHERE legal_entity=? AND customer_id=? LIMIT ?)",
                (legal_entity, customer_id, limit),
            ).rowcount

    def save_run(self, run: FollowupRun) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO followup_runs(legal_entity, started_at, run_id, body)"
                " VALUES (?,?,?,?) ON CONFLICT(legal_entity, started_at, run_id)"
                " DO UPDATE SET body=excluded.body",
                (run.legal_entity, run.started_at, run.run_id, json.dumps(run.to_json())),
            )

    def runs(self, legal_entity: str, limit: int) -> list[FollowupRun]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT body FROM followup_runs WHERE legal_entity=?"
                " ORDER BY started_at DESC, run_id DESC LIMIT ?",
                (legal_entity, limit),
            )
            .fetchall()
        )
        return [FollowupRun(**json.loads(r[0])) for r in rows]
