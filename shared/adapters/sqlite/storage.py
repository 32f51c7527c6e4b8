"""The embedded store: every repository over one SQLite file."""

from __future__ import annotations

from pathlib import Path

from shared.adapters.sqlite.activities import SqliteActivityRecords
from shared.adapters.sqlite.alert_state import SqliteAlertStateStore
from shared.adapters.sqlite.checkpoints import BackgroundCheckpointer
from shared.adapters.sqlite.client_books import SqliteClientBookRecords
from shared.adapters.sqlite.consent import SqliteConsentRecords
from shared.adapters.sqlite.customers import SqliteCustomerRecords
from shared.adapters.sqlite.database import SqliteDatabase
from shared.adapters.sqlite.distribution import SqliteDistributionState
from shared.adapters.sqlite.documents import (
    SqliteHeadquartersDocuments,
    SqlitePublishedDocuments,
)
from shared.adapters.sqlite.followups import SqliteFollowupRecords
from shared.adapters.sqlite.idempotency import SqliteIdempotencyStore
from shared.adapters.sqlite.notes import SqliteNoteRecords
from shared.adapters.sqlite.outreach import SqliteOutreachRecords


class SqliteStorage:
    def __init__(self, path: Path | str) -> None:
        self.db = SqliteDatabase(path)
        self.headquarters = SqliteHeadquartersDocuments(self.db)
        self.published = SqlitePublishedDocuments(self.db)
        self.distribution = SqliteDistributionState(self.db)
        self.customers = SqliteCustomerRecords(self.db)
        self.alert_state = SqliteAlertStateStore(self.db)
        self.activities = SqliteActivityRecords(self.db)
        self.notes = SqliteNoteRecords(self.db)
        self.idempotency = SqliteIdempotencyStore(self.db)
        self.consent = SqliteConsentRecords(self.db)
        self.followups = SqliteFollowupRecords(self.db)
        self.outreach = SqliteOutreachRecords(self.db)
        self._checkpointer = BackgroundCheckpointer(self.db.path)
        self._checkpointer.start()
        self.client_books = SqliteClientBookRecords(self.db, on_write=self._checkpointer.nudge)

    def ping(self) -> None:
        self.db.connection().execute("SELECT 1").fetchone()

    def close(self) -> None:
        self._checkpointer.stop()
        self.db.close()
