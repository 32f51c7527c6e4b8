"""The embedded store: durable across restarts, migrations idempotent, versions shared."""

from __future__ import annotations

import threading
from pathlib import Path

from shared.adapters.sqlite.storage import SqliteStorage
from shared.ports.documents import PublishedDocument
from shared.services.published_view import PublishedCache


def test_data_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    first = SqliteStorage(path)
    first.headquarters.put("USRT", "store", "S1", {"storeId": "S1"})
    first.close()
    again = SqliteStorage(path)
    assert again.headquarters.get("USRT", "store", "S1").body == {"storeId": "S1"}
    again.close()


def test_change_sequences_are_unique_under_concurrent_writers(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "db.sqlite")

    def write(n: int) -> None:
        for i in range(25):
            storage.headquarters.put("USRT", "store", f"S{n}-{i}", {"n": i})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    changes = storage.headquarters.changed_since(["store"], 0, 1000)
    seqs = [d.change_seq for d in changes]
    assert len(seqs) == 100 and len(set(seqs)) == 100 and seqs == sorted(seqs)
    storage.close()


def test_a_cache_sees_a_version_published_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    reader, writer = SqliteStorage(path), SqliteStorage(path)
    cache = PublishedCache(reader.published)
    assert cache.current().version == 0
    writer.published.publish(
        [
            PublishedDocument(
                "USRT", "store", "S1", {"storeId": "S1", "name": "x", "addressBooks": ["A"]}
            )
        ]
    )
    view = cache.current()
    assert view.version == 1 and view.find_store("S1") is not None
    assert (
        writer.published.publish(
            [
                PublishedDocument(
                    "USRT", "store", "S1", {"storeId": "S1", "name": "x", "addressBooks": ["A"]}
                )
            ]
        )
        == 0
    )
    assert cache.current().version == 1
    reader.close()
    writer.close()


def test_a_migration_numbered_below_one_already_applied_still_runs(
    tmp_path: Path, monkeypatch
) -> None:
    from shared.adapters.sqlite import database

    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (migrations / "0005_e.sql").write_text("CREATE TABLE e (x INTEGER);\n")
    monkeypatch.setattr(database, "MIGRATIONS_DIR", migrations)
    first = database.SqliteDatabase(tmp_path / "db.sqlite")
    first.connection()
    first.close()
    (migrations / "0003_c.sql").write_text(
        "CREATE TABLE c (x INTEGER);\nCREATE TRIGGER c_t AFTER INSERT ON c BEGIN\n"
        "  INSERT INTO a(x) VALUES (NEW.x);\nEND;\n"
    )
    again = database.SqliteDatabase(tmp_path / "db.sqlite")
    conn = again.connection()
    conn.execute("INSERT INTO c(x) VALUES (7)")
    assert conn.execute("SELECT x FROM a").fetchone()[0] == 7
    applied = [r[0] for r in conn.execute("SELECT number FROM schema_migrations ORDER BY 1")]
    assert applied == [1, 3, 5]
    again.close()
