"""Bad requests get a clear 4xx problem, never a 500 or a stack trace."""

from __future__ import annotations

import pytest

from tests.support.world import World

ROUTE = "/api/admin/USRT/activity-types/VISIT"


@pytest.mark.parametrize(
    ("body", "headers", "status", "slug"),
    [
        (b"{not json", {"Content-Type": "application/json"}, 400, "malformed-request"),
        (b"\xff\xfe{}", {"Content-Type": "application/json"}, 400, "malformed-request"),
        (b'{"name": NaN}', {"Content-Type": "application/json"}, 400, "malformed-request"),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400, "malformed-request"),
        (b"[" * 100_000 + b"]" * 100_000, {"Content-Type": "application/json"}, 400, None),
        (b'{"name": "x"}', {"Content-Type": "text/plain"}, 415, "unsupported-media-type"),
        (b"", {"Content-Type": "application/json"}, 400, "malformed-request"),
        (b'{"name": 5}', {"Content-Type": "application/json"}, 400, "validation-failed"),
    ],
)
def test_malformed_bodies(
    bare_world: World, body: bytes, headers: dict, status: int, slug: str | None
) -> None:
    reply = bare_world.admin.request("PUT", ROUTE, body=body, headers=headers)
    assert reply.status == status, reply
    assert reply.content_type.startswith("application/problem+json")
    if slug:
        assert reply.json["type"] == f"urn:clienteling:problem:{slug}"
    assert "Traceback" not in reply.body.decode("utf-8", "replace")


def test_oversized_bodies_are_413(bare_world: World) -> None:
    body = b'{"name": "' + b"x" * 300_000 + b'"}'
    reply = bare_world.admin.request(
        "PUT", ROUTE, body=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 413
    assert reply.json["type"] == "urn:clienteling:problem:payload-too-large"


def test_an_unexpected_failure_is_a_500_problem_without_internals(
    bare_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.composition import services

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services().headquarters, "parameters", explode)
    reply = bare_world.admin.get("/api/admin/USRT/parameters")
    assert reply.status == 500
    assert reply.json["type"] == "urn:clienteling:problem:internal-error"
    assert "secret internal detail" not in reply.body.decode()


def test_responses_carry_security_headers(bare_world: World) -> None:
    reply = bare_world.admin.get("/api/admin/USRT/parameters")
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cache-control"] == "no-store"


def test_a_bad_setting_is_named_in_a_500_problem_not_a_crash(
    api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.composition import reset_services
    from shared.settings import reset_settings

    monkeypatch.setenv("STORE_KIND", "mongodb")
    reset_settings()
    reset_services()
    reply = api.get("/api/health")
    assert reply.status == 500
    assert reply.json["type"] == "urn:clienteling:problem:configuration-error"
    assert "STORE_KIND" in reply.json["detail"]
