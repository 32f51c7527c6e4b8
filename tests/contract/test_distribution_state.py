"""Distribution bookkeeping: watermarks, leases (one holder at a time) and run history."""

from __future__ import annotations

import threading

from shared.ports.distribution import DistributionRun
from shared.ports.storage import Storage


def test_a_watermark_starts_at_zero_and_is_kept_per_job(storage: Storage) -> None:
    state = storage.distribution
    assert state.watermark("1040") == 0
    state.set_watermark("1040", 17)
    state.set_watermark("1090", 3)
    state.set_watermark("1040", 21)
    assert state.watermark("1040") == 21
    assert state.watermark("1090") == 3
    assert state.watermark("1110") == 0


def test_a_lease_is_held_by_one_holder_until_it_expires_or_is_released(storage: Storage) -> None:
    state = storage.distribution
    assert state.acquire_lease("1040", "run-a", now=1000.0, ttl_seconds=60)
    assert not state.acquire_lease("1040", "run-b", now=1030.0, ttl_seconds=60)
    assert state.acquire_lease("1040", "run-a", now=1030.0, ttl_seconds=60)  # renewal
    assert state.acquire_lease("1090", "run-b", now=1030.0, ttl_seconds=60)  # another job
    assert not state.acquire_lease("1040", "run-b", now=1089.0, ttl_seconds=60)
    assert state.acquire_lease("1040", "run-b", now=1091.0, ttl_seconds=60)  # a's expired
    state.release_lease("1040", "run-a")  # no longer a's: changes nothing
    assert not state.acquire_lease("1040", "run-c", now=1092.0, ttl_seconds=60)
    state.release_lease("1040", "run-b")
    assert state.acquire_lease("1040", "run-c", now=1092.0, ttl_seconds=60)


def test_of_holders_racing_for_a_free_lease_exactly_one_wins(storage: Storage) -> None:
    winners: list[str] = []
    start = threading.Barrier(6)

    def take(holder: str) -> None:
        start.wait()
        if storage.distribution.acquire_lease("1150", holder, now=5000.0, ttl_seconds=600):
            winners.append(holder)

    threads = [threading.Thread(target=take, args=(f"run-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert not storage.distribution.acquire_lease("1150", "late", now=5001.0, ttl_seconds=600)


def run(run_id: str, job_id: str, started_at: str, **fields: object) -> DistributionRun:
    return DistributionRun(run_id, job_id, started_at, "timer", **fields)  # type: ignore[arg-type]


def test_a_saved_run_is_updated_in_place_when_it_ends(storage: Storage) -> None:
    state = storage.distribution
    state.save_run(run("r1", "1040", "2026-01-01T00:00:00.000Z"))
    finished = run(
        "r1",
        "1040",
        "2026-01-01T00:00:00.000Z",
        ended_at="2026-01-01T00:00:02.000Z",
        status="failed",
        counts={"read": 3, "published": 2},
        error="ValueError: boom",
    )
    state.save_run(finished)
    assert state.runs("1040", 10) == [finished]


def test_runs_come_newest_first_per_job_or_for_all_jobs(storage: Storage) -> None:
    state = storage.distribution
    state.save_run(run("a", "1040", "2026-01-01T00:00:00.000Z"))
    state.save_run(run("b", "1090", "2026-01-01T00:05:00.000Z"))
    state.save_run(run("c", "1040", "2026-01-01T00:10:00.000Z"))
    state.save_run(run("d", "1040", "2026-01-01T00:10:00.000Z"))  # same start: by run id
    assert [r.run_id for r in state.runs(None, 10)] == ["d", "c", "b", "a"]
    assert [r.run_id for r in state.runs("1040", 10)] == ["d", "c", "a"]
    assert [r.run_id for r in state.runs("1040", 2)] == ["d", "c"]
    assert [r.run_id for r in state.runs(None, 1)] == ["d"]
    assert state.runs("1110", 10) == []
    assert state.runs("1090", 10)[0] == run("b", "1090", "2026-01-01T00:05:00.000Z")
