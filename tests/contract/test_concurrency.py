"""Writers at the same time: change numbers stay unique, If-Match lets one writer win, and a
reader following the changes while they are written misses none of them."""

from __future__ import annotations

import threading
from collections.abc import Callable

from shared.domain.errors import PreconditionFailed
from shared.ports.storage import Storage

WRITERS = 4
ROUNDS = 15


def run_together(work: Callable[[int], None], count: int = WRITERS) -> None:
    """Run work(0..count-1) on threads started at the same moment; re-raise a failure."""
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def body(n: int) -> None:
        start.wait()
        try:
            work(n)
        except BaseException as failure:  # reported to the test below
            failures.append(failure)

    threads = [threading.Thread(target=body, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]


def test_concurrent_writers_get_unique_increasing_change_numbers(storage: Storage) -> None:
    seen: dict[int, list[int]] = {}

    def write(n: int) -> None:
        seen[n] = [
            storage.headquarters.put("USRT", "store", f"S{n}-{i}", {"i": i}).change_seq
            for i in range(10)
        ]

    run_together(write)
    every = [seq for numbers in seen.values() for seq in numbers]
    assert len(every) == len(set(every)) == WRITERS * 10
    for numbers in seen.values():
        assert numbers == sorted(numbers)
    changes = storage.headquarters.changed_since(["store"], 0, 1000)
    assert [d.change_seq for d in changes] == sorted(every)


def test_of_concurrent_updates_with_the_same_etag_exactly_one_wins(storage: Storage) -> None:
    read = storage.headquarters.put("USRT", "parameters", "current", {"by": "nobody"})
    outcomes: dict[int, str] = {}

    def update(n: int) -> None:
        try:
            storage.headquarters.put("USRT", "parameters", "current", {"by": n}, if_match=read.etag)
            outcomes[n] = "won"
        except PreconditionFailed:
            outcomes[n] = "refused"

    run_together(update, count=6)
    winners = [n for n, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1 and len(outcomes) == 6
    assert storage.headquarters.get("USRT", "parameters", "current").body == {"by": winners[0]}


def test_a_reader_following_changes_during_writes_misses_none(storage: Storage) -> None:
    """What distribution does: read changes in order and move a watermark past them."""
    hq = storage.headquarters
    done = threading.Event()
    latest_seen: dict[tuple[str, str], int] = {}

    def follow() -> None:
        watermark = 0
        while True:
            finished = done.is_set()  # read before the last passes, so they see all
            changes = hq.changed_since(["staff"], watermark, 7)
            for change in changes:
                latest_seen[(change.legal_entity, change.doc_id)] = change.change_seq
                watermark = change.change_seq
            if finished and len(changes) < 7:  # a full pass may have left more behind
                break

    def write(n: int) -> None:
        legal_entity = ("USRT", "DEMF")[n % 2]
        for i in range(ROUNDS):
            if i % 5 == 4:
                hq.upsert_many(legal_entity, "staff", [(f"W{n}-{k}", {"i": i}) for k in range(3)])
            else:
                hq.put(legal_entity, "staff", f"W{n}-{i % 3}", {"i": i})

    reader = threading.Thread(target=follow)
    reader.start()
    try:
        run_together(write)
    finally:
        done.set()
        reader.join(timeout=120)
    final = {(le, d.doc_id): d.change_seq for le in ("USRT", "DEMF") for d in hq.list(le, "staff")}
    assert latest_seen == final
