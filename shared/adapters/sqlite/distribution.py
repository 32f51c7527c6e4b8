"""Distribution watermarks, leases and run history in SQLite."""

from __future__ import annotations

import sqlite3

from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.json_columns import dump, load
from shared.ports.distribution import DistributionRun


class SqliteDistributionState:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def watermark(self, job_id: str) -> int:
        row = (
            self._db.connection()
            .execute("SELECT change_seq FROM distribution_watermarks WHERE job_id=?", (job_id,))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def set_watermark(self, job_id: str, change_seq: int) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO distribution_watermarks(job_id, change_seq) VALUES (?,?)"
                " ON CONFLICT(job_id) DO UPDATE SET change_seq=excluded.change_seq",
                (job_id, change_seq),
            )

    def acquire_lease(self, job_id: str, holder: str, now: float, ttl_seconds: float) -> bool:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT holder, expires_at FROM distribution_leases WHERE job_id=?", (job_id,)
            ).fetchone()
            if row is not None and row["holder"] != holder and row["expires_at"] > now:
                return False
            conn.execute(
                "INSERT INTO distribution_leases(job_id, holder, expires_at) VALUES (?,?,?)"
                " ON CONFLICT(job_id) DO UPDATE SET holder=excluded.holder,"
                " expires_at=excluded.expires_at",
                (job_id, holder, now + ttl_seconds),
            )
            return True

    def release_lease(self, job_id: str, holder: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM distribution_leases WHERE job_id=? AND holder=?", (job_id, holder)
            )

    def save_run(self, run: DistributionRun) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO distribution_runs(run_id, job_id, trigger, started_at, ended_at,"
                " status, counts, error) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(run_id) DO UPDATE"
                " SET ended_at=excluded.ended_at, status=excluded.status,"
                " counts=excluded.counts, error=excluded.error",
                (
                    run.run_id,
                    run.job_id,
                    run.trigger,
                    run.started_at,
                    run.ended_at,
                    run.status,
                    dump(run.counts),
                    run.error,
                ),
            )

    def runs(self, job_id: str | None, limit: int) -> list[DistributionRun]:
        sql = "SELECT * FROM distribution_runs"
        args: tuple = ()
        if job_id:
            sql += " WHERE job_id=?"
            args = (job_id,)
        sql += " ORDER BY started_at DESC, run_id DESC LIMIT ?"
        rows = self._db.connection().execute(sql, (*args, limit)).fetchall()
        return [_run(r) for r in rows]


def _run(row: sqlite3.Row) -> DistributionRun:
    return DistributionRun(
        run_id=row["run_id"],
        job_id=row["job_id"],
        trigger=row["trigger"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        status=row["status"],
        counts=load(row["counts"]),
        error=row["error"],
    )
