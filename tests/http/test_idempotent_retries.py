"""Retried POSTs with an Idempotency-Key create nothing new and answer as the first time."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.composition import reset_services
from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.movable_clock import MovableClock, install_clock
from tests.support.world import World

UC001 = activities_path("S1", "UC001")


def _count(world: World, path: str, key: str = "activities") -> int:
    return len(world.ok(world.as_staff("alice").get(path))[key])


def _post(world: World, staff: str, path: str, body: dict, key: str):
    return world.as_staff(staff).post(path, json=body, headers={"Idempotency-Key": key})


@pytest.mark.parametrize(
    ("path", "body", "listed"),
    [
        (UC001, activity_body(), "activities"),
        (notes_path("S1", "UC001"), {"text": "Size 38"}, "notes"),
    ],
)
def test_a_repeated_key_returns_the_first_result_and_creates_nothing(
    world: World, path: str, body: dict, listed: str
) -> None:
    first = _post(world, "alice", path, body, "key-1")
    again = _post(world, "alice", path, body, "key-1")
    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body and again.etag == first.etag
    assert again.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert _count(world, path, listed) == 1


def test_the_same_key_with_another_body_is_refused(world: World) -> None:
    assert _post(world, "alice", UC001, activity_body(), "key-1").status == 201
    reused = _post(world, "alice", UC001, activity_body(subject="Something else"), "key-1")
    assert reused.status == 422
    assert reused.json["type"] == "urn:clienteling:problem:idempotency-key-reused"
    assert _count(world, UC001) == 1


def test_keys_belong_to_one_caller_and_one_route(world: World) -> None:
    body = activity_body()
    assert _post(world, "alice", UC001, body, "shared-key").status == 201
    bob = _post(world, "bob", UC001, body, "shared-key")
    other_customer = _post(world, "alice", activities_path("S1", "UC002"), body, "shared-key")
    note = _post(world, "alice", notes_path("S1", "UC001"), {"text": "x"}, "shared-key")
    assert (bob.status, other_customer.status, note.status) == (201, 201, 201)
    assert "idempotency-replayed" not in bob.headers
    assert _count(world, UC001) == 2


def test_a_refused_request_does_not_use_up_its_key(world: World) -> None:
    assert _post(world, "alice", UC001, activity_body(activityTypeId="NOPE"), "key-1").status == 400
    assert _post(world, "alice", UC001, activity_body(), "key-1").status == 201


def test_keys_survive_a_restart(world: World) -> None:
    first = _post(world, "alice", UC001, activity_body(), "key-1")
    reset_services()  # a new process: nothing is kept in memory
    again = _post(world, "alice", UC001, activity_body(), "key-1")
    assert again.status == 201 and again.body == first.body
    assert _count(world, UC001) == 1


def test_keys_expire_after_24_hours_of_the_services_clock(world: World) -> None:
    clock = MovableClock()
    install_clock(clock)
    first = _post(world, "alice", UC001, activity_body(), "key-1")
    clock.advance(dt.timedelta(hours=23, minutes=59))
    install_clock(clock)  # and a restart on the way
    assert _post(world, "alice", UC001, activity_body(), "key-1").body == first.body
    clock.advance(dt.timedelta(minutes=2))
    later = _post(world, "alice", UC001, activity_body(), "key-1")
    assert later.status == 201 and later.json["activityId"] != first.json["activityId"]
    assert _count(world, UC001) == 2


def test_a_malformed_key_is_refused(world: World) -> None:
    reply = _post(world, "alice", UC001, activity_body(), "x" * 201)
    assert reply.status == 400
    assert reply.json["errors"][0]["field"] == "Idempotency-Key"
