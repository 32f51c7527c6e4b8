"""WAL checkpoints off the request path.

SQLite checkpoints the write-ahead log inside the commit that makes it reach 1,000 pages, so
one write in a dozen pays for copying 4 MB and an fsync (measured: p95 of a 10-customer add
20 ms instead of 3 ms). A background thread runs PASSIVE checkpoints instead: right after a
repository reports a write (`nudge`), and every second for writers that do not report. The
log stays short, so commits only append. PASSIVE never blocks readers or writers.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

FALLBACK_INTERVAL_SECONDS = 1.0


class BackgroundCheckpointer:
    def __init__(self, path: str, interval: float = FALLBACK_INTERVAL_SECONDS) -> None:
        self._path = path
        self._interval = interval
        self._stop = threading.Event()
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._path == ":memory:" or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """A write was committed: checkpoint soon (calls coalesce)."""
        self._wanted.set()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        while not self._stop.is_set():
            self._wanted.wait(self._interval)
            self._wanted.clear()
            if self._stop.is_set():
                break
            try:
                if conn is None:
                    conn = sqlite3.connect(self._path, isolation_level=None)
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as problem:  # e.g. the file is not created yet
                log.debug("background checkpoint skipped: %s", problem)
        if conn is not None:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
