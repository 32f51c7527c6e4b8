"""Activity types on the POS: the active ones, and a change seen right after the 1110 run."""

from __future__ import annotations

from shared.composition import services
from shared.services.distribution import DistributionService
from tests.support.activity_factories import activities_path, activity_body
from tests.support.world import World

TYPES = "/api/stores/S1/activity-types"


def _listed(world: World) -> list[str]:
    return [
        t["activityTypeId"] for t in world.ok(world.as_staff("alice").get(TYPES))["activityTypes"]
    ]


def test_associates_see_the_active_types_by_name(world: World) -> None:
    body = world.ok(world.as_staff("alice").get(TYPES))
    assert [t["name"] for t in body["activityTypes"]] == ["Email", "Phone call", "Store visit"]
    assert body["activityTypes"][0] == {
        "activityTypeId": "EMAIL",
        "name": "Email",
        "description": "",
    }
    assert body["publishedVersion"] > 0


def test_only_staff_of_the_store_see_them(world: World) -> None:
    assert world.as_staff("dave").get(TYPES).status == 403  # works in S3, not S1
    assert world.as_staff("erin").get(TYPES).status == 404  # S1 is not a DEMF store
    assert world.api.get(TYPES).status == 401


def test_a_deactivated_type_leaves_the_pos_right_after_the_1110_run(world: World) -> None:
    alice = world.as_staff("alice")
    recorded = world.ok(alice.post(activities_path("S1", "UC001"), json=activity_body()), 201)
    version = world.ok(alice.get(TYPES))["publishedVersion"]

    world.ok(world.admin.delete("/api/admin/USRT/activity-types/VISIT"))
    assert "VISIT" in _listed(world)  # headquarters changed, nothing published yet
    assert alice.post(activities_path("S1", "UC002"), json=activity_body()).status == 201

    run = world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert run["status"] == "succeeded" and run["counts"]["published"] == 1
    assert _listed(world) == ["EMAIL", "CALL"]
    assert world.ok(alice.get(TYPES))["publishedVersion"] > version

    refused = alice.post(activities_path("S1", "UC001"), json=activity_body())
    assert refused.status == 400
    assert refused.json["errors"] == [
        {"field": "activityTypeId", "message": "'VISIT' is not an active activity type"}
    ]
    timeline = world.ok(alice.get(activities_path("S1", "UC001")))["activities"]
    assert [(a["activityId"], a["activityTypeName"]) for a in timeline] == [
        (recorded["activityId"], "Store visit")
    ]


def test_a_reactivated_type_returns_after_the_next_run(world: World) -> None:
    world.ok(world.admin.delete("/api/admin/USRT/activity-types/CALL"))
    world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert "CALL" not in _listed(world)
    etag = world.admin.get("/api/admin/USRT/activity-types/CALL").etag
    world.ok(
        world.admin.put(
            "/api/admin/USRT/activity-types/CALL",
            json={"name": "Phone call", "active": True},
            headers={"If-Match": etag},
        )
    )
    world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert "CALL" in _listed(world)


def test_a_run_on_another_instance_shows_on_the_next_request(world: World) -> None:
    """Another instance's run cannot tell this one's cache: the next request's own look at the
    published version finds the change, the card and timeline of the same request agree."""
    alice = world.as_staff("alice")
    recorded = world.ok(alice.post(activities_path("S1", "UC001"), json=activity_body()), 201)
    world.ok(world.admin.delete("/api/admin/USRT/activity-types/VISIT"))
    world.ok(world.admin.put("/api/admin/USRT/activity-types/APPT", json={"name": "Appointment"}))
    assert "VISIT" in _listed(world)

    app = services()
    elsewhere = DistributionService(app.storage, app.clock)  # its runs invalidate nothing here
    assert elsewhere.run("1110", "timer").status == "succeeded"

    assert _listed(world) == ["APPT", "EMAIL", "CALL"]
    timeline = world.ok(alice.get(activities_path("S1", "UC001")))["activities"]
    assert [(a["activityId"], a["activityTypeName"]) for a in timeline] == [
        (recorded["activityId"], "Store visit")
    ]
    refused = alice.post(activities_path("S1", "UC002"), json=activity_body())
    assert refused.status == 400
