"""Secret-expiry alert state in SQLite (the AlertStateStore port of shared/alerts/state.py).

One row per secret and channel in `alert_channel_state`. Rows of the older `alert_state`
table (one per secret, from before delivery was kept per channel) stand for every channel
that has no row of its own, so an upgrade neither repeats alerts nor forgets to resolve them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from shared.adapters.sqlite.database import SqliteDatabase
from shared.domain.secret_expiry import AlertState


class SqliteAlertStateStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def load(self, secret_key: str, channel: str) -> AlertState | None:
        conn = self._db.connection()
        row = conn.execute(
            "SELECT finding, changed_at, expires_on FROM alert_channel_state"
            " WHERE secret_key=? AND channel=?",
            (secret_key, channel),
        ).fetchone()
        if row is None:
            row = conn.execute(
                "SELECT finding, changed_at, expires_on FROM alert_state WHERE secret_key=?",
                (secret_key,),
            ).fetchone()
        return None if row is None else _state(row)

    def save(self, secret_key: str, channel: str, state: AlertState) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO alert_channel_state"
                "(secret_key, channel, finding, changed_at, expires_on) VALUES (?,?,?,?,?)"
                " ON CONFLICT(secret_key, channel) DO UPDATE SET"
                " finding=excluded.finding, changed_at=excluded.changed_at,"
                " expires_on=excluded.expires_on",
                (
                    secret_key,
                    channel,
                    state.finding,
                    state.changed_at.isoformat(),
                    state.expires_on.isoformat() if state.expires_on else None,
                ),
            )


def _state(row: sqlite3.Row) -> AlertState:
    expires_on = row["expires_on"]
    return AlertState(
        finding=row["finding"],
        changed_at=dt.datetime.fromisoformat(row["changed_at"]),
        expires_on=dt.datetime.fromisoformat(expires_on) if expires_on else None,
    )
