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
