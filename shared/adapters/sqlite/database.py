"""One SQLite database file: per-thread connections, transactions and schema migrations."""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from shared.adapters.sqlite.errors import as_unavailable
from shared.domain.errors import DependencyUnavailable
from shared.domain.text import search_matches

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
WRITE_WAIT_SECONDS = 10.0  # as long as SQLite's busy timeout
# Connections kept open for the next thread once their thread ends; the rest are closed. A
# connection holds two open files (database and WAL), and the local host starts a thread per
# HTTP connection, so keeping every thread's connection would exhaust the open-file limit.
IDLE_CONNECTIONS = 4


def customer_search_match(search_text: str, word: str) -> bool:
    """SQL function: whether the word begins a token of the customer's search text."""
    return search_matches(search_text, (word,))


def _begin(conn: sqlite3.Connection, statement: str) -> None:
    # A writer holding the file past the busy timeout fails BEGIN IMMEDIATE: a 503 to retry.
    try:
        conn.execute(statement)
    except sqlite3.OperationalError as error:
        raise as_unavailable(error) or error from error


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite rolls back by itself after some errors (a full disk, an I/O error); a second
    # ROLLBACK would then fail and hide the first error.
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into complete statements (triggers included)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement at end of migration: {pending[:80]!r}")


def migration_files() -> list[tuple[int, Path]]:
    """Migrations named NNNN_what.sql, in order."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        number = int(path.name.split("_", 1)[0])
        found.append((number, path))
    found.sort()
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two SQLite migrations share a number: {numbers}")
    return found


class _Held:
    """A thread's connection and how deep its transaction nests; dropped with the thread."""

    __slots__ = ("__weakref__", "conn", "depth")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.depth = 0


def _hand_back(database: weakref.ref[SqliteDatabase], conn: sqlite3.Connection) -> None:
    owner = database()
    if owner is None:
        with suppress(sqlite3.Error):
            conn.close()
    else:
        owner._hand_back(conn)


class SqliteDatabase:
    """A database file shared by threads; each thread holds its own connection while it lives.

    When a thread ends its locals are dropped, and with them its connection is handed back: a
    few are kept for the next thread (which saves opening one per request), the rest closed.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._migrated = False
        self._migrate_lock = threading.Lock()
        self._wal_lock = threading.Lock()
        # Every connection open now (held by a thread or idle), so close() reaches them all.
        # Reentrant: a thread's locals may be dropped, handing a connection back, while this
        # thread holds the lock (close() replacing the locals, or a garbage collection).
        self._connections: set[sqlite3.Connection] = set()
        self._idle: list[sqlite3.Connection] = []
        self._connections_lock = threading.RLock()
        # One writer at a time in this process, queued here rather than in SQLite's busy
        # handler: that handler polls with growing sleeps, so under many concurrent writers
        # one of them could lose every race and wait past the busy timeout (a 503).
        self._write_lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        return self._held().conn

    def _held(self) -> _Held:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            held = _Held(self._lend())
            # Runs when the thread ends (its locals go) or close() drops every thread's locals;
            # not at interpreter exit, where a daemon thread may still be using the connection.
            finalizer = weakref.finalize(held, _hand_back, weakref.ref(self), held.conn)
            finalizer.atexit = False
            self._local.held = held
        if not self._migrated:
            self._migrate(held.conn)
        return held

    def _lend(self) -> sqlite3.Connection:
        with self._connections_lock:
            if self._idle:
                return self._idle.pop()
        return self._open()

    def _hand_back(self, conn: sqlite3.Connection) -> None:
        with self._connections_lock:
            keep = conn in self._connections and len(self._idle) < IDLE_CONNECTIONS
            if keep:
                try:
                    _rollback(conn)  # a thread that ended inside a transaction left it open
                except sqlite3.Error:
                    keep = False
            if keep:
                self._idle.append(conn)
                return
            self._connections.discard(conn)
        with suppress(sqlite3.Error):
            conn.close()

    def _open(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # timeout= sets the busy wait before any pragma runs: switching to WAL needs a lock,
        # which other threads' writes may hold while this connection opens.
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=10.0
        )
        conn.row_factory = sqlite3.Row
        conn.create_function("customer_search_match", 2, customer_search_match, deterministic=True)
        self._use_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-65536")
        with self._connections_lock:
            self._connections.add(conn)
        return conn

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Switch the file to WAL once (the mode persists in the file).

        The switch needs an exclusive lock and SQLite answers it with an immediate "locked"
        rather than waiting, so threads of this process take turns and a busy file is retried.
        """
        with self._wal_lock:
            for attempt in range(200):
                try:
                    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                        return
                    conn.execute("PRAGMA journal_mode=WAL")
                    return
                except sqlite3.OperationalError:
                    if attempt == 199:
                        raise
                    time.sleep(0.05)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Apply every migration not yet recorded, each in its own transaction.

        Applied migrations are recorded by number (not as one high-water mark), so a
        migration added beside a higher-numbered one that already ran is still applied.
        """
        with self._migrate_lock:
            if self._migrated:
                return
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for number, path in migration_files():
                conn.execute("BEGIN IMMEDIATE")
                try:
                    done = conn.execute(
                        "SELECT 1 FROM schema_migrations WHERE number=?", (number,)
                    ).fetchone()
                    if done is None:
                        for statement in _statements(path.read_text(encoding="utf-8")):
                            conn.execute(statement)
                        conn.execute(
                            "INSERT INTO schema_migrations(number, name, applied_at)"
                            " VALUES (?, ?, datetime('now'))",
                            (number, path.name),
                        )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            self._migrated = True

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE); nested calls join the outer one."""
        held = self._held()
        conn = held.conn
        if held.depth:
            held.depth += 1
            try:
                yield conn
            finally:
                held.depth -= 1
            return
        if not self._write_lock.acquire(timeout=WRITE_WAIT_SECONDS):
            raise DependencyUnavailable("the database is busy with other writes; try again")
        try:
            _begin(conn, "BEGIN IMMEDIATE")
            held.depth = 1
            try:
                yield conn
                conn.execute("COMMIT")
            except sqlite3.OperationalError as error:
                _rollback(conn)
                raise as_unavailable(error) or error from error
            except BaseException:
                _rollback(conn)
                raise
            finally:
                held.depth = 0
        finally:
            self._write_lock.release()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees one consistent state."""
        held = self._held()
        conn = held.conn
        if held.depth:
            yield conn
            return
        _begin(conn, "BEGIN")
        held.depth = 1
        try:
            yield conn
        except sqlite3.OperationalError as error:
            raise as_unavailable(error) or error from error
        finally:
            held.depth = 0
            conn.execute("COMMIT")

    def next_counter(self, conn: sqlite3.Connection, name: str) -> int:
        """Increment a named counter inside the caller's transaction."""
        row = conn.execute(
            "UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value", (name,)
        ).fetchone()
        if row is None:
            conn.execute("INSERT INTO counters(name, value) VALUES (?, 1)", (name,))
            return 1
        return int(row[0])

    def close(self) -> None:
        """Close every connection; threads that carry on get new ones."""
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
            self._idle.clear()
        for conn in connections:
            with suppress(sqlite3.Error):
                conn.close()
        # Dropping the old locals hands their connections back, which finds them closed.
        self._local = threading.local()
