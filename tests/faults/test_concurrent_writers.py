"""Many threads writing the embedded store at once: each waits its turn in the process
instead of racing in SQLite's busy handler, so none is refused while the others progress."""

from __future__ import annotations

import threading
from pathlib import Path

from shared.adapters.sqlite.database import SqliteDatabase

THREADS = 16
WRITES_EACH = 25


def test_concurrent_write_transactions_all_commit_without_busy_waits(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "store.db")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer() -> None:
        # No busy wait at all: a writer that met a held lock in SQLite would fail at once.
        db.connection().execute("PRAGMA busy_timeout=0")
        start.wait()
        try:
            for _ in range(WRITES_EACH):
                with db.transaction() as conn:
                    db.next_counter(conn, "writes")
        except BaseException as error:  # collected: a thread's exception would be lost
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    with db.transaction() as conn:
        assert db.next_counter(conn, "writes") == THREADS * WRITES_EACH + 1
    db.close()
