"""Batches of add, remove and reassign: 1-100 distinct known customers, all or nothing, and
a problem that names each offending customer."""

from __future__ import annotations

import pytest

from tests.support.world import World, add_to_book, pos_path

ADD = ("alice", pos_path("S1", "client-book/customers"), {})
REMOVE = ("alice", pos_path("S1", "client-book/customers/remove"), {})
REASSIGN = ("bob", pos_path("S1", "store-client-book/reassign"), {"toStaffId": "carol"})
ROUTES = pytest.mark.parametrize(
    ("staff", "path", "extra"), [ADD, REMOVE, REASSIGN], ids=["add", "remove", "reassign"]
)


def problem_of(reply, status: int, slug: str) -> dict:
    assert reply.status == status, reply
    assert reply.content_type.startswith("application/problem+json")
    assert reply.json["type"] == f"urn:clienteling:problem:{slug}"
    return reply.json


@ROUTES
def test_more_than_100_customers_are_refused(world: World, staff, path, extra) -> None:
    ids = [f"UC{n:03d}" for n in range(1, 102)]
    reply = world.as_staff(staff).post(path, json={"customerIds": ids, **extra})
    problem = problem_of(reply, 400, "validation-failed")
    assert problem["errors"][0]["field"] == "customerIds"


@ROUTES
def test_an_empty_batch_is_refused(world: World, staff, path, extra) -> None:
    reply = world.as_staff(staff).post(path, json={"customerIds": [], **extra})
    assert problem_of(reply, 400, "validation-failed")["errors"][0]["field"] == "customerIds"


@ROUTES
def test_each_repeated_customer_is_named(world: World, staff, path, extra) -> None:
    body = {"customerIds": ["UC001", "UC002", "UC001", "UC003", "UC003"], **extra}
    problem = problem_of(world.as_staff(staff).post(path, json=body), 400, "validation-failed")
    assert sorted(e["customerId"] for e in problem["errors"]) == ["UC001", "UC003"]
    assert "UC001" in problem["detail"]


@ROUTES
def test_unknown_customers_and_other_legal_entities_customers_are_not_found(
    world: World, staff, path, extra
) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    body = {"customerIds": ["UC001", "UC999", "DC001"], **extra}
    problem = problem_of(world.as_staff(staff).post(path, json=body), 404, "not-found")
    assert [e["customerId"] for e in problem["errors"]] == ["UC999", "DC001"]
    # Nothing changed: alice still holds UC001.
    page = world.ok(world.as_staff("alice").get(pos_path("S1", "client-book/customers")))
    assert [c["customerId"] for c in page["customers"]] == ["UC001"]


@ROUTES
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"customerIds": "UC001"}', "application/json"),
        (b'{"customerIds": ["UC 001"]}', "application/json"),
        (b'{"customerIds": [1, 2]}', "application/json"),
        (b'{"customers": ["UC001"]}', "application/json"),
        (b'{"customerIds": ["UC001"]}', "text/plain"),
    ],
    ids=["not-json", "not-a-list", "bad-id", "numbers", "wrong-field", "not-json-type"],
)
def test_malformed_bodies_are_refused(world: World, staff, path, extra, body, content_type) -> None:
    reply = world.as_staff(staff).request(
        "POST", path, body=body, headers={"Content-Type": content_type}
    )
    assert reply.status in (400, 415), reply
    assert reply.json["type"].startswith("urn:clienteling:problem:")


def test_an_add_with_one_conflict_adds_nothing(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    reply = world.as_staff("bob").post(
        pos_path("S1", "client-book/customers"), json={"customerIds": ["UC002", "UC001", "UC003"]}
    )
    problem = problem_of(reply, 409, "customer-in-another-book")
    assert [c["customerId"] for c in problem["conflicts"]] == ["UC001"]
    assert world.ok(world.as_staff("bob").get(pos_path("S1", "client-book"))) == {
        "clientBook": None
    }
