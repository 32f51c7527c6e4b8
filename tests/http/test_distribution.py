"""Distribution jobs publish headquarters data incrementally and idempotently."""

from __future__ import annotations

from shared.composition import services
from tests.support.world import World


def _run(world: World, job: str) -> dict:
    reply = world.admin.post(f"/api/admin/distribution/{job}/run")
    assert reply.status == 200, reply
    return reply.json


def test_a_second_run_publishes_nothing(world: World) -> None:
    version = services().storage.published.version()
    for job in ("1040", "1150", "1110", "1090"):
        run = _run(world, job)
        assert run["status"] == "succeeded"
        assert run["counts"]["read"] == 0 and run["counts"]["published"] == 0
    assert services().storage.published.version() == version


def test_runs_publish_only_what_changed_since_the_watermark(world: World) -> None:
    world.admin.put("/api/admin/USRT/activity-types/APPT", json={"name": "Appointment"})
    run = _run(world, "1110")
    assert run["counts"] == {"read": 1, "published": 1, "watermark": run["counts"]["watermark"]}
    # Jobs of other slices see nothing new.
    assert _run(world, "1090")["counts"]["read"] == 0


def test_rewriting_an_identical_document_reads_it_but_publishes_nothing(world: World) -> None:
    current = world.admin.get("/api/admin/USRT/activity-types/VISIT")
    world.admin.put(
        "/api/admin/USRT/activity-types/VISIT",
        json={"name": "Store visit"},
        headers={"If-Match": current.etag},
    )
    run = _run(world, "1110")
    assert run["counts"]["read"] == 1 and run["counts"]["published"] == 0


def test_the_published_view_changes_right_after_a_run(world: World) -> None:
    view = services().published.current()
    assert view.entity("USRT").activity_types["VISIT"].active
    world.admin.delete("/api/admin/USRT/activity-types/VISIT")
    assert services().published.current().entity("USRT").activity_types["VISIT"].active
    _run(world, "1110")
    assert not services().published.current().entity("USRT").activity_types["VISIT"].active


def test_attribute_definitions_and_presentation_are_separate_slices(world: World) -> None:
    group = world.admin.get("/api/admin/USRT/attribute-groups/CLIENTBOOK")
    changed = {k: v for k, v in group.json.items() if k != "groupId"}
    changed["attributes"][0]["refinable"] = False
    world.admin.put(
        "/api/admin/USRT/attribute-groups/CLIENTBOOK",
        json=changed,
        headers={"If-Match": group.etag},
    )
    definitions = _run(world, "1040")
    assert definitions["counts"]["published"] == 0  # types and values did not change
    entity = services().published.current().entity("USRT")
    assert entity.attribute_groups["CLIENTBOOK"].attributes[0].refinable
    assert _run(world, "1150")["counts"]["published"] == 1
    entity = services().published.current().entity("USRT")
    assert not entity.attribute_groups["CLIENTBOOK"].attributes[0].refinable


def test_run_history_lists_runs_newest_first(world: World) -> None:
    _run(world, "1090")
    runs = world.admin.get("/api/admin/distribution/runs", params={"jobId": "1090"}).json["runs"]
    assert len(runs) == 2
    assert runs[0]["startedAt"] >= runs[1]["startedAt"]
    assert all(r["status"] == "succeeded" and r["endedAt"] for r in runs)
    assert world.admin.get("/api/admin/distribution/runs", params={"limit": "0"}).status == 400


def test_unknown_jobs_are_404(world: World) -> None:
    assert world.admin.post("/api/admin/distribution/9999/run").status == 404


def test_a_job_already_running_is_skipped_not_doubled(world: World) -> None:
    state = services().storage.distribution
    assert state.acquire_lease("1090", "someone-else", 1e12, 600)
    run = _run(world, "1090")
    assert run["status"] == "skipped"
    state.release_lease("1090", "someone-else")
    assert _run(world, "1090")["status"] == "succeeded"


def test_a_failing_run_is_recorded_and_the_next_one_redoes_the_work(world, monkeypatch) -> None:
    world.admin.put("/api/admin/USRT/activity-types/APPT", json={"name": "Appointment"})
    published = services().storage.published
    original = published.publish

    def broken(documents):
        raise OSError("disk unplugged")

    monkeypatch.setattr(published, "publish", broken)
    failed = _run(world, "1110")
    assert failed["status"] == "failed" and "disk unplugged" in failed["error"]
    monkeypatch.setattr(published, "publish", original)
    redone = _run(world, "1110")
    assert redone["status"] == "succeeded" and redone["counts"]["published"] == 1
    assert "APPT" in services().published.current().entity("USRT").activity_types
