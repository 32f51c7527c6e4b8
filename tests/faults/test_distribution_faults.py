"""Distribution under faults: two timer firings at once publish once; a run that dies
halfway leaves only whole batches behind, and the next run finishes the work."""

from __future__ import annotations

import threading

import pytest

from shared.composition import services
from shared.services import distribution as distribution_module
from tests.support.world import World

JOB = "1110"  # activity types (and parameters) for the POS


def _published_types() -> set[str]:
    return set(services().published.current().entity("USRT").activity_types)


def test_two_timer_firings_at_once_publish_exactly_once(world: World, monkeypatch) -> None:
    world.ok(world.admin.put("/api/admin/USRT/activity-types/APPT", json={"name": "Appointment"}))
    published = services().storage.published
    version_before = published.version()
    original = published.publish
    other_finished = threading.Event()

    def slow_publish(documents):
        # Hold the lease while the other firing tries its luck, as a long run would.
        other_finished.wait(timeout=5)
        return original(documents)

    monkeypatch.setattr(published, "publish", slow_publish)
    start = threading.Barrier(2)
    runs: list = []

    def fire() -> None:
        start.wait()
        run = services().distribution.run(JOB, trigger="timer")
        runs.append(run)
        if run.status == "skipped":
            other_finished.set()

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)

    assert sorted(run.status for run in runs) == ["skipped", "succeeded"]
    winner = next(run for run in runs if run.status == "succeeded")
    assert winner.counts["published"] == 1
    assert published.version() == version_before + 1
    assert "APPT" in _published_types()
    history = services().distribution.runs(JOB, limit=10)
    assert sorted(r.status for r in history[:2]) == ["skipped", "succeeded"]
    # The lease went back: the next firing runs (and finds nothing new).
    assert services().distribution.run(JOB, trigger="timer").counts["read"] == 0


def test_a_run_dying_halfway_keeps_whole_batches_and_the_next_run_finishes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for type_id in ("APPT", "LUNCH", "SHOW"):
        world.ok(
            world.admin.put(f"/api/admin/USRT/activity-types/{type_id}", json={"name": type_id})
        )
    monkeypatch.setattr(distribution_module, "BATCH_SIZE", 1)
    published = services().storage.published
    original = published.publish
    batches: list[list] = []

    def dies_on_the_second_batch(documents):
        batches.append(documents)
        if len(batches) == 2:
            raise OSError("host recycled")
        return original(documents)

    monkeypatch.setattr(published, "publish", dies_on_the_second_batch)
    failed = services().distribution.run(JOB, trigger="timer")

    assert failed.status == "failed" and "host recycled" in failed.error
    first = batches[0][0].doc_id
    assert _published_types() & {"APPT", "LUNCH", "SHOW"} == {first}  # whole batches only
    monkeypatch.setattr(published, "publish", original)
    redone = services().distribution.run(JOB, trigger="timer")

    assert redone.status == "succeeded"
    assert redone.counts["read"] == 2 and redone.counts["published"] == 2
    assert {"APPT", "LUNCH", "SHOW"} <= _published_types()
    assert services().distribution.run(JOB, trigger="timer").counts["read"] == 0
