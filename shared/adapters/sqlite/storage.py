"""The embedded store: every repository over one SQLite file."""

from __future__ import annotations

from pathlib import Path

from shared.adapters.sqlite.checkpoints import BackgroundCheckpointer
from shared.adapters.sqlite.client_books import SqliteClientBookRecords
from shared.adapters.sqlite.customers import SqliteCustomerRecords
from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.distribution import SqliteDistributionState
from shared.adapters.sqlite.documents import (
    SqliteHeadquartersDocuments,
    SqlitePublishedDocuments,
)


class SqliteStorage:
    def __init__(self, path: Path | str) -> None:
        self.db = SqliteDatabase(path)
        self.headquarters = SqliteHeadquartersDocuments(self.db)
        self.published = SqlitePublishedDocuments(self.db)
        self.distribution = SqliteDistributionState(self.db)
        self.customers = SqliteCustomerRecords(self.db)
        self._checkpointer = BackgroundCheckpointer(self.db.path)
        self._checkpointer.start()
        self.client_books = SqliteClientBookRecords(self.db, on_write=self._checkpointer.nudge)

    def ping(self) -> None:
        self.db.connection().execute("SELECT 1").fetchone()

    def close(self) -> None:
        self._checkpointer.stop()
        self.db.close()
