"""Reassigning customers (716) inside the store client book: checks, all or nothing, audit."""

from __future__ import annotations

from tests.support.world import World, add_to_book, pos_path

REASSIGN = pos_path("S1", "store-client-book/reassign")
AUDIT = "/api/admin/USRT/client-book-audit"


def reassign(world: World, staff: str, ids: list[str], to: str, store: str = "S1"):
    return world.as_staff(staff).post(
        pos_path(store, "store-client-book/reassign"), json={"customerIds": ids, "toStaffId": to}
    )


def book_of(world: World, staff: str, store: str = "S1") -> list[str]:
    page = world.ok(world.as_staff(staff).get(pos_path(store, "client-book/customers")))
    return [c["customerId"] for c in page["customers"]]


def test_a_manager_moves_customers_into_a_colleagues_book_which_is_created(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    report = world.ok(reassign(world, "bob", ["UC001", "UC003"], "carol"))
    assert report["clientBook"] == {
        "id": "CB-000002",
        "ownerStaffId": "carol",
        "ownerName": "Carol Cruz",
        "customerCount": 2,
    }
    assert report["reassigned"] == [
        {"customerId": "UC001", "fromClientBookId": "CB-000001", "fromStaffId": "alice"},
        {"customerId": "UC003", "fromClientBookId": "CB-000001", "fromStaffId": "alice"},
    ]
    assert report["alreadyInBook"] == []
    assert book_of(world, "alice") == ["UC002"]
    assert book_of(world, "carol", "S2") == ["UC001", "UC003"]


def test_every_move_is_audited_for_admins(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002"], "S1")
    world.ok(reassign(world, "bob", ["UC001", "UC002"], "carol"))
    world.ok(reassign(world, "bob", ["UC002"], "bob", store="S2"))
    entries = world.ok(world.admin.get(AUDIT))["entries"]
    moves = [
        (e["action"], e["customerId"], e["fromStaffId"], e["toStaffId"], e["storeId"])
        for e in entries
    ]
    assert moves == [
        ("reassign", "UC002", "carol", "bob", "S2"),
        ("reassign", "UC002", "alice", "carol", "S1"),
        ("reassign", "UC001", "alice", "carol", "S1"),
    ]
    assert all(e["actorStaffId"] == "bob" for e in entries)
    assert entries[-1]["fromClientBookId"] == "CB-000001"
    assert entries[-1]["toClientBookId"] == "CB-000002"
    assert entries[-1]["recordedAt"].endswith("Z")
    only_uc001 = world.ok(world.admin.get(AUDIT, params={"customerId": "UC001"}))["entries"]
    assert [e["customerId"] for e in only_uc001] == ["UC001"]


def test_the_audit_pages_newest_first(world: World) -> None:
    add_to_book(world, "alice", [f"UC{n:03d}" for n in range(1, 6)], "S1")
    world.ok(reassign(world, "bob", [f"UC{n:03d}" for n in range(1, 6)], "carol"))
    first = world.ok(world.admin.get(AUDIT, params={"pageSize": 3}))
    second = world.ok(
        world.admin.get(
            AUDIT, params={"pageSize": 3, "continuationToken": first["continuationToken"]}
        )
    )
    ids = [e["entryId"] for e in first["entries"] + second["entries"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5
    assert second["continuationToken"] is None
    assert world.as_staff("bob").get(AUDIT).status == 403


def test_the_target_must_be_an_active_associate_of_the_store_book(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    for target, expected in (
        ("dave", "shares no address book with store S1"),
        ("nobody", "is not an active associate"),
        ("erin", "is not an active associate"),
    ):
        reply = reassign(world, "bob", ["UC001"], target)
        assert reply.status == 400, reply
        assert reply.json["errors"][0]["field"] == "toStaffId"
        assert expected in reply.json["errors"][0]["message"]
    world.import_records(
        "USRT",
        "staff",
        [
            {
                "staffId": "carol",
                "name": "Carol Cruz",
                "objectId": "carol",
                "stores": ["S2"],
                "permissionSetId": "associate",
                "active": False,
            }
        ],
    )
    world.publish()
    assert reassign(world, "bob", ["UC001"], "carol").status == 400
    assert book_of(world, "alice") == ["UC001"]


def test_customers_outside_the_store_book_stop_the_whole_batch(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    add_to_book(world, "dave", ["UC007"], "S3")
    reply = reassign(world, "bob", ["UC001", "UC007", "UC009"], "carol")
    assert reply.status == 409
    assert reply.json["type"] == "urn:clienteling:problem:conflict"
    assert {c["reason"] for c in reply.json["conflicts"]} == {
        "not in a client book of this store client book"
    }
    assert [c["customerId"] for c in reply.json["conflicts"]] == ["UC007", "UC009"]
    assert book_of(world, "alice") == ["UC001"]
    assert (
        world.ok(world.as_staff("carol").get(pos_path("S2", "client-book")))["clientBook"] is None
    )


def test_customers_already_in_the_targets_book_are_reported(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    add_to_book(world, "carol", ["UC002"], "S2")
    report = world.ok(reassign(world, "bob", ["UC001", "UC002"], "carol"))
    assert [r["customerId"] for r in report["reassigned"]] == ["UC001"]
    assert report["alreadyInBook"] == ["UC002"]
    assert world.ok(world.admin.get(AUDIT))["entries"][0]["customerId"] == "UC001"


def test_only_associates_with_the_reassign_permission_may_reassign(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    reply = reassign(world, "alice", ["UC001"], "bob")
    assert reply.status == 403
    assert reply.json["operation"] == "reassign-customers"


def test_reassigning_keeps_the_customer_record_as_it_was(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    before = world.ok(world.as_staff("bob").get(pos_path("S1", "customers/UC001")))
    world.ok(reassign(world, "bob", ["UC001"], "carol"))
    after = world.as_staff("bob").get(pos_path("S1", "customers/UC001"))
    assert after.json["attributes"] == before["attributes"]
    assert after.json["clientBooks"][0]["ownerStaffId"] == "carol"


def test_the_target_must_share_an_address_book_with_this_store(world: World) -> None:
    # Gina works in S4 (AB2 only): bob's store client book reaches her through S2, so bob
    # may hand her customers while working in S2, not while working in S1 (AB1 only).
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
    add_to_book(world, "alice", ["UC001"], "S1")
    refused = reassign(world, "bob", ["UC001"], "gina", store="S1")
    assert refused.status == 400
    assert "shares no address book with store S1" in refused.json["errors"][0]["message"]
    moved = world.ok(reassign(world, "bob", ["UC001"], "gina", store="S2"))
    assert moved["clientBook"]["ownerStaffId"] == "gina"
