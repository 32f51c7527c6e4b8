"""Changing a customer's attribute values needs `edit-customer-attributes`, and reaches only
customers of the store: in one of its address books or in a book of the caller's store
client book. Opening details stays open to every associate of the legal entity."""

from __future__ import annotations

from tests.support.world import World, add_to_book, pos_path

# World: S1 serves AB1; UC003 is in AB1, UC002 in AB3 (Austin's S3 only). alice and vic work
# in S1; alice's store client book holds the books of alice, bob and carol, not dave's.


def patch(world: World, staff: str, customer: str, changes: dict):
    client = world.as_staff(staff)
    details = client.get(pos_path("S1", f"customers/{customer}"))
    assert details.status == 200, details
    return client.patch(
        pos_path("S1", f"customers/{customer}/attributes"),
        json={"attributes": changes},
        headers={"If-Match": details.etag},
    )


def values(world: World, customer: str) -> dict:
    details = world.ok(world.as_staff("alice").get(pos_path("S1", f"customers/{customer}")))
    return {a["name"]: a["value"] for a in details["attributes"]}


def test_a_viewer_may_open_details_but_not_change_them(world: World) -> None:
    before = values(world, "UC003")

    reply = patch(world, "vic", "UC003", {"vip": False, "lifetimeValue": 1})

    assert reply.status == 403, reply
    assert reply.json["type"] == "urn:clienteling:problem:forbidden"
    assert reply.json["operation"] == "edit-customer-attributes"
    assert values(world, "UC003") == before


def test_an_associate_changes_a_customer_of_the_stores_address_books(world: World) -> None:
    reply = patch(world, "alice", "UC003", {"vip": False})

    assert reply.status == 200, reply
    assert values(world, "UC003")["vip"] is False


def test_a_customer_outside_the_store_is_refused_and_unchanged(world: World) -> None:
    before = values(world, "UC002")

    reply = patch(world, "alice", "UC002", {"vip": True, "lifetimeValue": 999999})

    assert reply.status == 403, reply
    assert reply.json["type"] == "urn:clienteling:problem:forbidden"
    assert reply.json["customerId"] == "UC002"
    assert "operation" not in reply.json
    assert values(world, "UC002") == before


def test_a_book_of_the_store_client_book_brings_the_customer_in_scope(world: World) -> None:
    add_to_book(world, "carol", ["UC002"], "S2")  # carol shares AB1 with alice

    reply = patch(world, "alice", "UC002", {"visits": 7})

    assert reply.status == 200, reply
    assert values(world, "UC002")["visits"] == 7


def test_a_book_outside_the_store_client_book_does_not(world: World) -> None:
    add_to_book(world, "dave", ["UC002"], "S3")  # dave's S3 shares no address book with S1

    assert patch(world, "alice", "UC002", {"visits": 7}).status == 403


def test_an_unknown_customer_is_still_not_found(world: World) -> None:
    reply = world.as_staff("alice").patch(
        pos_path("S1", "customers/UC999/attributes"),
        json={"attributes": {"vip": True}},
        headers={"If-Match": '"any"'},
    )
    assert reply.status == 404, reply


def test_the_openapi_document_names_the_permission(world: World) -> None:
    document = world.ok(world.api.get("/api/openapi.json"))
    route = document["paths"]["/api/stores/{storeId}/customers/{customerId}/attributes"]

    assert route["patch"]["x-permission"] == "edit-customer-attributes"
    operations = document["components"]["schemas"]["PermissionOperation"]["enum"]
    assert "edit-customer-attributes" in operations
