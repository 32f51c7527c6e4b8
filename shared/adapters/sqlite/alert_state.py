"""Secret-expiry alert state in SQLite (the AlertStateStore port of shared/alerts/state.py)."""

from __future__ import annotations

import datetime as dt

from shared.adapters.sqlite.database import SqliteDatabase
from shared.domain.secret_expiry import AlertState


class SqliteAlertStateStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def load(self, secret_key: str) -> AlertState | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT finding, changed_at, expires_on FROM alert_state WHERE secret_key=?",
                (secret_key,),
            )
            .fetchone()
        )
        if row is None:
            return None
        expires_on = row["expires_on"]
        return AlertState(
            finding=row["finding"],
            changed_at=dt.datetime.fromisoformat(row["changed_at"]),
            expires_on=dt.datetime.fromisoformat(expires_on) if expires_on else None,
        )

    def save(self, secret_key: str, state: AlertState) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO alert_state(secret_key, finding, changed_at, expires_on)"
                " VALUES (?,?,?,?) ON CONFLICT(secret_key) DO UPDATE SET"
                " finding=excluded.finding, changed_at=excluded.changed_at,"
                " expires_on=excluded.expires_on",
                (
                    secret_key,
                    state.finding,
                    state.changed_at.isoformat(),
                    state.expires_on.isoformat() if state.expires_on else None,
                ),
            )
