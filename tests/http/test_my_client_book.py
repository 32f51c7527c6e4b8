"""My client book (712, 714, 715): created on first add, numbered, adds and removes that
say what changed."""

from __future__ import annotations

import re

from tests.support.world import World, add_to_book, change_parameters, pos_path

MINE = pos_path("S1", "client-book")
CUSTOMERS = pos_path("S1", "client-book/customers")
REMOVE = pos_path("S1", "client-book/customers/remove")


def test_my_client_book_is_null_until_the_first_add(world: World) -> None:
    assert world.ok(world.as_staff("alice").get(MINE)) == {"clientBook": None}


def test_the_first_add_creates_my_book_with_an_id_from_the_number_sequence(world: World) -> None:
    report = add_to_book(world, "alice", ["UC001", "UC002"], "S1")
    assert report == {
        "clientBook": {
            "id": "CB-000001",
            "ownerStaffId": "alice",
            "ownerName": "Alice Archer",
            "customerCount": 2,
        },
        "created": True,
        "added": ["UC001", "UC002"],
        "alreadyInBook": [],
    }
    assert world.ok(world.as_staff("alice").get(MINE))["clientBook"]["customerCount"] == 2
    assert add_to_book(world, "bob", ["UC003"], "S1")["clientBook"]["id"] == "CB-000002"


def test_my_book_is_the_same_in_every_store_i_work_in(world: World) -> None:
    add_to_book(world, "bob", ["UC001"], "S1")
    in_s2 = world.ok(world.as_staff("bob").get(pos_path("S2", "client-book")))["clientBook"]
    assert in_s2["id"] == "CB-000001"
    assert add_to_book(world, "bob", ["UC002"], "S2")["clientBook"]["customerCount"] == 2


def test_adding_a_customer_already_in_my_book_changes_nothing_and_says_so(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    report = add_to_book(world, "alice", ["UC001", "UC002"], "S1")
    assert (report["created"], report["added"], report["alreadyInBook"]) == (
        False,
        ["UC002"],
        ["UC001"],
    )
    again = add_to_book(world, "alice", ["UC002", "UC001"], "S1")
    assert (again["added"], again["alreadyInBook"]) == ([], ["UC002", "UC001"])
    assert again["clientBook"]["customerCount"] == 2


def test_removing_reports_what_left_and_what_was_not_there(world: World) -> None:
    alice = world.as_staff("alice")
    add_to_book(world, "alice", ["UC001", "UC002"], "S1")
    report = world.ok(alice.post(REMOVE, json={"customerIds": ["UC002", "UC005"]}))
    assert (report["removed"], report["notInBook"]) == (["UC002"], ["UC005"])
    assert report["clientBook"]["customerCount"] == 1
    listed = world.ok(alice.get(CUSTOMERS))["customers"]
    assert [c["customerId"] for c in listed] == ["UC001"]


def test_removing_without_a_book_is_a_no_op(world: World) -> None:
    report = world.ok(
        world.as_staff("carol").post(
            pos_path("S2", "client-book/customers/remove"), json={"customerIds": ["UC001"]}
        )
    )
    assert report == {"clientBook": None, "removed": [], "notInBook": ["UC001"]}


def test_the_book_outlives_its_last_customer_and_keeps_its_id(world: World) -> None:
    alice = world.as_staff("alice")
    add_to_book(world, "alice", ["UC001"], "S1")
    world.ok(alice.post(REMOVE, json={"customerIds": ["UC001"]}))
    assert world.ok(alice.get(MINE))["clientBook"]["customerCount"] == 0
    report = add_to_book(world, "alice", ["UC001"], "S1")
    assert (report["created"], report["clientBook"]["id"]) == (False, "CB-000001")


def test_new_books_follow_the_published_number_sequence(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    change_parameters(world, "USRT", numberSequence={"prefix": "SEA-", "digits": 4})
    assert add_to_book(world, "bob", ["UC002"], "S1")["clientBook"]["id"] == "SEA-0002"
    assert add_to_book(world, "alice", ["UC003"], "S1")["clientBook"]["id"] == "CB-000001"


def test_a_failed_first_add_creates_no_book(world: World) -> None:
    reply = world.as_staff("alice").post(CUSTOMERS, json={"customerIds": ["UC001", "UC999"]})
    assert reply.status == 404
    assert world.ok(world.as_staff("alice").get(MINE)) == {"clientBook": None}
    book_id = add_to_book(world, "alice", ["UC001"], "S1")["clientBook"]["id"]
    assert re.fullmatch(r"CB-\d{6}", book_id)


def test_my_book_lists_cards_by_name_with_three_properties(world: World) -> None:
    add_to_book(world, "alice", ["UC012", "UC003", "UC007"], "S1")
    page = world.ok(world.as_staff("alice").get(CUSTOMERS))
    assert [c["customerId"] for c in page["customers"]] == ["UC003", "UC007", "UC012"]
    assert page["totalCount"] == 3
    assert page["continuationToken"] is None
    card = page["customers"][0]
    assert card["name"] == "Customer 003"
    assert card["email"] == "customer3@example.com"
    assert card["clientBook"] == {
        "id": "CB-000001",
        "ownerStaffId": "alice",
        "ownerName": "Alice Archer",
    }
    assert card["properties"] == [
        {
            "kind": "attribute",
            "name": "favoriteCategory",
            "label": "Favorite category",
            "value": "Watches",
        },
        {
            "kind": "attribute",
            "name": "preferredBrand",
            "label": "Preferred brand",
            "value": "Brand 3",
        },
        {"kind": "attribute", "name": "lifetimeValue", "label": "Lifetime value", "value": 300.0},
    ]
    assert card["insights"] == {"status": "disabled"}
    assert "clientBooks" not in card or card["clientBooks"] is None


def test_a_colleagues_customers_are_not_in_my_book(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    add_to_book(world, "bob", ["UC002"], "S1")
    page = world.ok(world.as_staff("alice").get(CUSTOMERS))
    assert [c["customerId"] for c in page["customers"]] == ["UC001"]
