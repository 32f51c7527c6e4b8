"""The embedded store's connections have a bounded life: a thread's connection is handed back
when the thread ends (kept for the next thread, or closed), so a host that starts a thread per
HTTP connection never runs out of open files."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from shared.adapters.sqlite.database import IDLE_CONNECTIONS, SqliteDatabase

BATCH = 20


def _open_files_on(path: Path) -> tuple[int, int]:
    """This process's open file descriptors on the database file and on its WAL."""
    database = wal = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the descriptor listdir itself used, already closed
            continue
        database += target == str(path)
        wal += target == f"{path}-wal"
    return database, wal


def _in_threads(count: int, work: Callable[[], None], together: bool = False) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(count) if together else None

    def run() -> None:
        try:
            if start is not None:
                start.wait(timeout=10)
            work()
        except BaseException as error:  # collected: a thread's exception would be lost
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


def test_threads_that_ended_leave_no_connections_beyond_the_idle_few(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    db = SqliteDatabase(path)
    db.connection()

    def read() -> None:
        db.connection().execute("SELECT count(*) FROM schema_migrations").fetchone()

    for _ in range(5):
        _in_threads(BATCH, read)  # one batch after another, as a host's short-lived threads

    database, wal = _open_files_on(path)
    # Each connection has its own WAL descriptor: the main thread's and the idle ones remain.
    assert wal <= 1 + IDLE_CONNECTIONS
    # A closed connection's database descriptor waits while others hold locks on the file
    # (POSIX locks belong to the process) and is reused by the next open: bounded by how
    # many threads held a connection at once, not by how many threads there were.
    assert database <= 1 + BATCH
    db.close()
    assert _open_files_on(path) == (0, 0)


def test_concurrent_threads_each_hold_their_own_connection(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "store.db")
    held: list[sqlite3.Connection] = []
    lock = threading.Lock()
    together = threading.Barrier(12)

    def hold() -> None:
        conn = db.connection()
        with db.snapshot():
            with lock:
                held.append(conn)
            together.wait(timeout=10)  # every thread is inside its read transaction now

    _in_threads(12, hold)

    assert len({id(conn) for conn in held}) == 12
    db.close()


def test_a_connection_handed_to_a_new_thread_starts_outside_any_transaction(
    tmp_path: Path,
) -> None:
    db = SqliteDatabase(tmp_path / "store.db")
    seen: list[tuple[bool, sqlite3.Connection]] = []

    def write() -> None:
        with db.transaction() as conn:
            db.next_counter(conn, "writes")
        conn = db.connection()
        seen.append((conn.in_transaction, conn))

    for _ in range(3 * IDLE_CONNECTIONS):
        _in_threads(1, write)

    assert [in_transaction for in_transaction, _ in seen] == [False] * len(seen)
    assert len({id(conn) for _, conn in seen}) <= IDLE_CONNECTIONS  # reused, not opened anew
    with db.transaction() as conn:
        assert db.next_counter(conn, "writes") == 3 * IDLE_CONNECTIONS + 1
    db.close()


def test_a_closed_database_opens_again_for_threads_that_still_run(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "store.db")
    opened, closed = threading.Event(), threading.Event()
    answers: list[int] = []

    def reader() -> None:
        db.connection().execute("SELECT 1").fetchone()
        opened.set()
        closed.wait(timeout=10)
        answers.append(db.connection().execute("SELECT 2").fetchone()[0])

    thread = threading.Thread(target=reader)
    thread.start()
    db.connection()
    opened.wait(timeout=10)
    db.close()
    closed.set()
    thread.join(timeout=10)

    assert answers == [2]
    db.close()
    assert _open_files_on(tmp_path / "store.db") == (0, 0)
