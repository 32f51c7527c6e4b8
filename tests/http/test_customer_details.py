"""Customer details and client-book attribute values (typed, validated, If-Match)."""

from __future__ import annotations

import pytest

from tests.support.world import World, add_to_book, pos_path

DETAILS = pos_path("S1", "customers/UC003")
ATTRIBUTES = pos_path("S1", "customers/UC003/attributes")


def read(world: World, staff: str = "alice", path: str = DETAILS):
    reply = world.as_staff(staff).get(path)
    assert reply.status == 200, reply
    return reply


def patch(world: World, changes: dict, etag: str | None, staff: str = "alice"):
    headers = {"If-Match": etag} if etag else {}
    return world.as_staff(staff).patch(ATTRIBUTES, json={"attributes": changes}, headers=headers)


def test_details_carry_the_card_every_attribute_and_an_etag(world: World) -> None:
    add_to_book(world, "bob", ["UC003"], "S1")
    reply = read(world)
    assert reply.etag
    details = reply.json
    assert details["card"]["customerId"] == "UC003"
    assert details["card"]["clientBook"]["ownerStaffId"] == "bob"
    assert details["clientBooks"] == [details["card"]["clientBook"]]
    assert details["birthday"] == "1973-04-04"
    assert details["addressBooks"] == ["AB1"]
    assert [a["name"] for a in details["attributes"]] == [
        "favoriteCategory",
        "preferredBrand",
        "lifetimeValue",
        "lastVisit",
        "vip",
        "visits",
    ]
    values = {a["name"]: a["value"] for a in details["attributes"]}
    assert values == {
        "favoriteCategory": "Watches",
        "preferredBrand": "Brand 3",
        "lifetimeValue": 300.0,
        "lastVisit": None,
        "vip": True,
        "visits": 3,
    }
    category = details["attributes"][0]
    assert category["allowedValues"] == ["Shoes", "Bags", "Jewelry", "Watches"]
    assert category["refinable"] is True


def test_any_associate_of_the_legal_entity_in_the_store_opens_any_of_its_customers(
    world: World,
) -> None:
    # UC002 is in AB3, which S1 does not serve; vic may only view client books.
    assert (
        read(world, "vic", pos_path("S1", "customers/UC002")).json["card"]["customerId"] == "UC002"
    )


def test_customers_of_another_legal_entity_or_unknown_ones_are_not_found(world: World) -> None:
    for customer in ("DC001", "UC999"):
        reply = world.as_staff("alice").get(pos_path("S1", f"customers/{customer}"))
        assert reply.status == 404, reply


def test_changing_attributes_needs_the_etag_read(world: World) -> None:
    etag = read(world).etag
    assert patch(world, {"visits": 4}, None).status == 428
    stale = patch(world, {"visits": 4}, '"stale"')
    assert stale.status == 412
    assert stale.json["type"] == "urn:clienteling:problem:etag-mismatch"
    assert read(world).etag == etag


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"shoeSize": 42}, "attributes.shoeSize"),
        ({"visits": "many"}, "attributes.visits"),
        ({"visits": 2.5}, "attributes.visits"),
        ({"vip": "yes"}, "attributes.vip"),
        ({"favoriteCategory": "Hats"}, "attributes.favoriteCategory"),
        ({"lastVisit": "31/12/2024"}, "attributes.lastVisit"),
    ],
)
def test_values_are_checked_against_the_published_attribute_group(
    world: World, changes: dict, field: str
) -> None:
    reply = patch(world, changes, read(world).etag)
    assert reply.status == 400, reply
    assert [e["field"] for e in reply.json["errors"]] == [field]


def test_a_change_answers_the_new_details_and_shows_on_every_card_at_once(world: World) -> None:
    add_to_book(world, "alice", ["UC003"], "S1")
    before = read(world)
    reply = patch(
        world, {"favoriteCategory": "Shoes", "preferredBrand": None, "visits": 99}, before.etag
    )
    assert reply.status == 200, reply
    assert reply.etag and reply.etag != before.etag
    values = {a["name"]: a["value"] for a in reply.json["attributes"]}
    assert (values["favoriteCategory"], values["preferredBrand"], values["visits"]) == (
        "Shoes",
        None,
        99,
    )
    assert read(world).etag == reply.etag

    expected = [("favoriteCategory", "Shoes"), ("preferredBrand", None), ("lifetimeValue", 300.0)]
    for path in ("client-book/customers", "store-client-book/customers"):
        card = world.ok(world.as_staff("alice").get(pos_path("S1", path)))["customers"][0]
        assert [(p["name"], p["value"]) for p in card["properties"]] == expected
    shoes = world.ok(
        world.as_staff("alice").get(
            pos_path("S1", "client-book/customers"), params={"refine": "favoriteCategory:Shoes"}
        )
    )
    assert [c["customerId"] for c in shoes["customers"]] == ["UC003"]
    assert {r["name"]: r for r in shoes["refiners"]}["visits"]["max"] == 99


def test_an_import_that_changes_a_customer_changes_the_cards(world: World) -> None:
    add_to_book(world, "alice", ["UC003", "UC006"], "S1")
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC006",
                "name": "Aaron Able",
                "addressBooks": ["AB1"],
                "attributes": {"favoriteCategory": "Bags"},
            }
        ],
    )
    page = world.ok(world.as_staff("alice").get(pos_path("S1", "client-book/customers")))
    first = page["customers"][0]
    assert (first["customerId"], first["name"], first["email"]) == ("UC006", "Aaron Able", None)
    assert first["properties"][0]["value"] == "Bags"
    found = world.ok(
        world.as_staff("alice").get(
            pos_path("S1", "client-book/customers"), params={"search": "aaron"}
        )
    )
    assert [c["customerId"] for c in found["customers"]] == ["UC006"]


def test_a_body_that_is_not_an_attribute_map_is_refused(world: World) -> None:
    etag = read(world).etag
    reply = world.as_staff("alice").patch(
        ATTRIBUTES, json={"attributes": ["visits", 3]}, headers={"If-Match": etag}
    )
    assert reply.status == 400
