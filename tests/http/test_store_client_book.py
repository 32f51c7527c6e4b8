"""The store client book (713): the books of every associate sharing an address book with
the caller's stores, each card naming whose book it is."""

from __future__ import annotations

from tests.support.world import World, add_to_book, pos_path

STORE_BOOK = "store-client-book/customers"


def fill_books(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    add_to_book(world, "bob", ["UC004", "UC005"], "S1")
    add_to_book(world, "carol", ["UC006"], "S2")
    add_to_book(world, "dave", ["UC007"], "S3")


def listed(world: World, staff: str, store: str, **params: str) -> dict:
    return world.ok(world.as_staff(staff).get(pos_path(store, STORE_BOOK), params=params or None))


def owners(page: dict) -> dict[str, str]:
    return {c["customerId"]: c["clientBook"]["ownerStaffId"] for c in page["customers"]}


def test_the_store_book_holds_the_books_of_everyone_sharing_an_address_book(
    world: World,
) -> None:
    fill_books(world)
    page = listed(world, "alice", "S1")
    assert owners(page) == {
        "UC001": "alice",
        "UC002": "alice",
        "UC003": "alice",
        "UC004": "bob",
        "UC005": "bob",
        "UC006": "carol",
    }
    assert page["totalCount"] == 6
    carol_card = page["customers"][-1]
    assert carol_card["clientBook"] == {
        "id": "CB-000003",
        "ownerStaffId": "carol",
        "ownerName": "Carol Cruz",
    }


def test_a_store_with_its_own_address_book_sees_only_its_own_books(world: World) -> None:
    fill_books(world)
    assert owners(listed(world, "dave", "S3")) == {"UC007": "dave"}


def test_an_associate_in_several_stores_sees_the_books_of_all_of_them(world: World) -> None:
    # Gina works in S4, which shares only AB2 with S2: bob (S1 and S2) sees her book from
    # either of his stores; alice (S1, AB1 only) does not.
    world.import_records(
        "USRT", "stores", [{"storeId": "S4", "name": "Boise", "addressBooks": ["AB2"]}]
    )
    world.import_records(
        "USRT",
        "staff",
        [
            {
                "staffId": "gina",
                "name": "Gina Gray",
                "objectId": "gina",
                "stores": ["S4"],
                "permissionSetId": "associate",
            }
        ],
    )
    world.publish()
    fill_books(world)
    add_to_book(world, "gina", ["UC008"], "S4")
    assert owners(listed(world, "bob", "S1"))["UC008"] == "gina"
    assert owners(listed(world, "bob", "S2"))["UC008"] == "gina"
    assert "UC008" not in owners(listed(world, "alice", "S1"))
    assert set(owners(listed(world, "gina", "S4")).values()) == {"gina", "bob", "carol"}


def test_the_store_book_narrows_to_one_associate(world: World) -> None:
    fill_books(world)
    page = listed(world, "carol", "S2", ownerStaffId="bob")
    assert owners(page) == {"UC004": "bob", "UC005": "bob"}
    assert page["totalCount"] == 2


def test_an_associate_outside_the_store_book_cannot_be_picked(world: World) -> None:
    fill_books(world)
    reply = world.as_staff("alice").get(pos_path("S1", STORE_BOOK), params={"ownerStaffId": "dave"})
    assert reply.status == 400
    assert reply.json["errors"][0]["field"] == "ownerStaffId"


def test_another_legal_entity_sees_nothing_of_ours(world: World) -> None:
    fill_books(world)
    add_to_book(world, "erin", ["DC001"], "D1")
    page = listed(world, "erin", "D1")
    assert owners(page) == {"DC001": "erin"}
    assert world.as_staff("erin").get(pos_path("S1", STORE_BOOK)).status == 404


def test_store_book_filters_and_refiners_cover_every_book_in_scope(world: World) -> None:
    fill_books(world)
    page = listed(world, "alice", "S1", refine="vip:true")
    # vip: every third customer.
    assert sorted(owners(page)) == ["UC003", "UC006"]
    vip = {r["name"]: r for r in page["refiners"]}["vip"]
    assert vip["values"] == [{"value": True, "count": 2}]
