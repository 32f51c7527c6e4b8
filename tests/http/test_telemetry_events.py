"""What the HTTP functions and distribution jobs export for the operations workbook: route
templates, status codes and durations, never a query value a POS sent."""

from __future__ import annotations

from shared.telemetry.fields import Event
from tests.infra.kql import fields_read_for
from tests.support.telemetry import telemetry_pipeline
from tests.support.world import World, pos_path

SEARCH_TEXT = "Zoë Personal-Name"


def test_each_request_is_one_event_with_its_route_template_and_no_query_value(
    world: World,
) -> None:
    alice = world.as_staff("alice")
    with telemetry_pipeline() as pipeline:
        first = world.ok(
            alice.get(pos_path("S1", "customers"), params={"search": "customer", "pageSize": 2})
        )
        world.ok(
            alice.get(
                pos_path("S1", "customers"),
                params={
                    "search": SEARCH_TEXT,
                    "pageSize": 2,
                    "continuationToken": first["continuationToken"],
                },
            ),
            400,
        )
        world.ok(world.as_staff("nobody").get(pos_path("S1", "customers")), 403)

    requests = pipeline.properties(Event.HTTP_REQUEST)
    assert [(p["method"], p["route"], p["statusCode"]) for p in requests] == [
        ("GET", "stores/{storeId}/customers", "200"),
        ("GET", "stores/{storeId}/customers", "400"),
        ("GET", "stores/{storeId}/customers", "403"),
    ]
    assert all(float(p["durationMs"]) >= 0 and len(p["requestId"]) == 32 for p in requests)
    # Every field the workbook reads from request events is one the pipeline sent.
    assert fields_read_for(Event.HTTP_REQUEST) <= set(requests[0])
    exported = repr(pipeline.properties()) + repr(pipeline.messages())
    assert SEARCH_TEXT not in exported and "customer&" not in exported
    assert first["continuationToken"] not in exported


def test_each_distribution_run_is_an_event_with_its_job_and_status(world: World) -> None:
    with telemetry_pipeline() as pipeline:
        world.ok(world.admin.post("/api/admin/distribution/1040/run"))

    (run,) = pipeline.properties(Event.DISTRIBUTION_RUN)
    assert (run["jobId"], run["runStatus"], run["trigger"], run["published"]) == (
        "1040",
        "succeeded",
        "admin",
        "0",
    )
    assert float(run["durationMs"]) >= 0
    assert fields_read_for(Event.DISTRIBUTION_RUN) <= set(run)
    admin_request = pipeline.properties(Event.HTTP_REQUEST)[0]
    assert admin_request["route"] == "admin/distribution/{jobId}/run"
