"""SQLite failures a caller can retry, as the domain's DependencyUnavailable (503)."""

from __future__ import annotations

import sqlite3

from shared.domain.errors import DependencyUnavailable

# Messages of sqlite3.OperationalError that mean "not now", not "this request is wrong":
# another writer holds the file past the busy timeout, or the file or disk is unusable.
_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "disk i/o error",
    "unable to open database file",
    "database or disk is full",
)


def as_unavailable(error: sqlite3.OperationalError) -> DependencyUnavailable | None:
    message = str(error).lower()
    if any(text in message for text in _TRANSIENT):
        return DependencyUnavailable("the database is busy or unreachable; try again")
    return None
