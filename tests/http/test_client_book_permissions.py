"""Who may do what: each operation's permission, the store context, the legal entity, and
clienteling being set up."""

from __future__ import annotations

import pytest

from tests.support.world import ASSOCIATE, World, add_to_book, change_parameters, pos_path

ROUTES = [
    ("GET", "client-book", None),
    ("GET", "client-book/customers", None),
    ("POST", "client-book/customers", {"customerIds": ["UC001"]}),
    ("POST", "client-book/customers/remove", {"customerIds": ["UC001"]}),
    ("GET", "store-client-book/customers", None),
    ("POST", "store-client-book/reassign", {"customerIds": ["UC001"], "toStaffId": "alice"}),
    ("GET", "customers?search=customer", None),
    ("GET", "customers/UC001", None),
]


def call(world: World, staff: str | None, store: str, method: str, rest: str, body):
    client = world.as_staff(staff) if staff else world.api
    path, _, query = rest.partition("?")
    params = dict([query.split("=")]) if query else None
    return client.request(method, pos_path(store, path), json_body=body, params=params)


@pytest.mark.parametrize(
    ("method", "rest", "operation"),
    [
        ("POST", "client-book/customers", "add-to-client-book"),
        ("POST", "client-book/customers/remove", "remove-from-client-book"),
        ("GET", "store-client-book/customers", "view-store-client-book"),
        ("POST", "store-client-book/reassign", "reassign-customers"),
    ],
)
def test_a_viewer_may_only_view_their_book(world: World, method, rest, operation) -> None:
    body = (
        dict(ROUTES)[rest] if False else next(b for m, r, b in ROUTES if (m, r) == (method, rest))
    )
    reply = call(world, "vic", "S1", method, rest, body)
    assert reply.status == 403, reply
    assert reply.json["type"] == "urn:clienteling:problem:forbidden"
    assert reply.json["operation"] == operation


def test_a_viewer_sees_their_book_search_and_details(world: World) -> None:
    for method, rest, body in (ROUTES[0], ROUTES[1], ROUTES[6], ROUTES[7]):
        assert call(world, "vic", "S1", method, rest, body).status == 200, rest


def test_without_view_client_book_even_my_book_is_closed(world: World) -> None:
    world.import_records(
        "USRT",
        "permission-sets",
        [
            {
                "permissionSetId": "associate",
                "name": "Associate",
                "operations": [op for op in ASSOCIATE if op != "view-client-book"],
            }
        ],
    )
    world.publish()
    add_to_book(world, "alice", ["UC001"], "S1")
    for rest in ("client-book", "client-book/customers"):
        reply = call(world, "alice", "S1", "GET", rest, None)
        assert reply.status == 403
        assert reply.json["operation"] == "view-client-book"


@pytest.mark.parametrize(("method", "rest", "body"), ROUTES)
def test_associates_of_another_store_are_turned_away(world: World, method, rest, body) -> None:
    reply = call(world, "dave", "S1", method, rest, body)
    assert reply.status == 403, reply
    assert "you do not work in store S1" in reply.json["detail"]


@pytest.mark.parametrize(("method", "rest", "body"), ROUTES)
def test_a_store_of_another_legal_entity_looks_like_no_store(
    world: World, method, rest, body
) -> None:
    """erin (DEMF) cannot tell S1 (USRT) from a store that does not exist."""
    other = call(world, "erin", "S1", method, rest, body)
    unknown = call(world, "erin", "S404", method, rest, body)

    assert other.status == 404, other
    assert other.json == {**unknown.json, "detail": unknown.json["detail"].replace("S404", "S1")}
    assert "USRT" not in other.body.decode()


@pytest.mark.parametrize(("method", "rest", "body"), ROUTES)
def test_a_token_without_a_staff_record_gets_one_answer_that_names_nothing(
    world: World, method, rest, body
) -> None:
    """Whatever store is asked (of either legal entity, or none), the same 403: a valid
    token of someone who is no associate cannot enumerate stores or legal entities."""
    replies = [call(world, "stranger", s, method, rest, body) for s in ("S1", "S3", "D1", "S404")]

    assert {r.status for r in replies} == {403}, replies
    assert all(r.json == replies[0].json for r in replies), replies
    assert replies[0].json["type"] == "urn:clienteling:problem:forbidden"
    for name in ("S1", "S3", "D1", "S404", "USRT", "DEMF"):
        assert name not in replies[0].body.decode()


def test_a_deactivated_associate_gets_the_same_answer_as_a_stranger(world: World) -> None:
    world.import_records(
        "DEMF",
        "staff",
        [
            {
                "staffId": "erin",
                "name": "Erin Engel",
                "objectId": "erin",
                "stores": ["D1"],
                "permissionSetId": "associate",
                "active": False,
            }
        ],
    )
    world.publish()

    stranger = call(world, "stranger", "S1", "GET", "client-book", None)
    for store in ("D1", "S1", "S404"):
        reply = call(world, "erin", store, "GET", "client-book", None)
        assert (reply.status, reply.json) == (403, stranger.json), reply


@pytest.mark.parametrize(("method", "rest", "body"), ROUTES)
def test_no_token_no_entry(world: World, method, rest, body) -> None:
    assert call(world, None, "S1", method, rest, body).status == 401


def test_an_unknown_store_is_not_found(world: World) -> None:
    assert call(world, "alice", "S9", "GET", "client-book", None).status == 404


@pytest.mark.parametrize(("method", "rest", "body"), ROUTES)
def test_clienteling_turned_off_is_a_clear_problem(world: World, method, rest, body) -> None:
    change_parameters(world, "USRT", enabled=False)
    reply = call(world, "bob", "S1", method, rest, body)
    assert reply.status == 409, reply
    assert reply.json["type"] == "urn:clienteling:problem:configuration-missing"
    assert "turned off" in reply.json["detail"]


def test_unpublished_parameters_are_a_clear_problem(bare_world: World) -> None:
    world = bare_world
    world.import_records(
        "USRT",
        "permission-sets",
        [{"permissionSetId": "associate", "name": "Associate", "operations": ASSOCIATE}],
    )
    world.import_records(
        "USRT", "stores", [{"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]}]
    )
    world.import_records(
        "USRT",
        "staff",
        [
            {
                "staffId": "alice",
                "name": "Alice",
                "objectId": "alice",
                "stores": ["S1"],
                "permissionSetId": "associate",
            }
        ],
    )
    world.publish()
    reply = call(world, "alice", "S1", "GET", "client-book", None)
    assert reply.status == 409
    assert reply.json["type"] == "urn:clienteling:problem:configuration-missing"
    assert "job 1110" in reply.json["detail"]
