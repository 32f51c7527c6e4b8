"""Store managers remove customers from colleagues' books (715 with fromStaffId), only
inside their store client book; everyone else only from their own."""

from __future__ import annotations

from tests.support.world import World, add_to_book, pos_path

REMOVE = "client-book/customers/remove"


def remove(world: World, staff: str, store: str, ids: list[str], from_staff: str | None):
    body: dict = {"customerIds": ids}
    if from_staff is not None:
        body["fromStaffId"] = from_staff
    return world.as_staff(staff).post(pos_path(store, REMOVE), json=body)


def test_a_manager_removes_from_a_colleagues_book_and_it_is_audited(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002"], "S1")
    report = world.ok(remove(world, "bob", "S1", ["UC001", "UC009"], "alice"))
    assert report["clientBook"]["ownerStaffId"] == "alice"
    assert (report["removed"], report["notInBook"]) == (["UC001"], ["UC009"])
    [entry] = world.ok(world.admin.get("/api/admin/USRT/client-book-audit"))["entries"]
    assert (entry["action"], entry["customerId"], entry["fromStaffId"], entry["actorStaffId"]) == (
        "remove",
        "UC001",
        "alice",
        "bob",
    )
    assert entry["toStaffId"] is None


def test_removing_from_ones_own_book_leaves_no_audit_entry(world: World) -> None:
    add_to_book(world, "bob", ["UC001"], "S1")
    world.ok(remove(world, "bob", "S1", ["UC001"], "bob"))
    assert world.ok(world.admin.get("/api/admin/USRT/client-book-audit"))["entries"] == []


def test_without_the_manager_permission_only_ones_own_book(world: World) -> None:
    add_to_book(world, "bob", ["UC001"], "S1")
    reply = remove(world, "alice", "S1", ["UC001"], "bob")
    assert reply.status == 403
    assert reply.json["operation"] == "manage-store-client-books"
    assert (
        world.ok(world.as_staff("bob").get(pos_path("S1", "client-book")))["clientBook"][
            "customerCount"
        ]
        == 1
    )


def test_a_manager_cannot_reach_books_outside_the_store_client_book(world: World) -> None:
    add_to_book(world, "dave", ["UC007"], "S3")
    reply = remove(world, "bob", "S1", ["UC007"], "dave")
    assert reply.status == 403
    assert reply.json["type"] == "urn:clienteling:problem:forbidden"
    assert reply.json["fromStaffId"] == "dave"
    assert (
        world.ok(world.as_staff("dave").get(pos_path("S3", "client-book")))["clientBook"][
            "customerCount"
        ]
        == 1
    )
