"""An erasure leaves a tombstone: nothing is written about the customer afterwards (409
`customer-erased`), and a headquarters import brings them back only when it says so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.world import World, add_to_book, pos_path

ERASED = "urn:clienteling:problem:customer-erased"


def erase(world: World, customer: str = "UC003") -> None:
    path = f"/api/admin/USRT/customers/{customer}/erase"
    world.ok(world.admin.post(path, json={"confirmCustomerId": customer}))


def refused(reply: Any, customers: list[str]) -> None:
    assert reply.status == 409, reply
    assert reply.json["type"] == ERASED
    assert reply.json["customerIds"] == customers


def import_customer(world: World, **extra: Any) -> dict:
    record = {"customerId": "UC003", "name": "Customer 003", "addressBooks": ["AB1"], **extra}
    return world.ok(world.admin.post("/api/admin/USRT/import/customers", json=[record]))


def test_no_note_activity_or_book_change_after_an_erasure(world: World) -> None:
    erase(world)
    alice, bob = world.as_staff("alice"), world.as_staff("bob")

    refused(alice.post(notes_path("S1", "UC003"), json={"text": "Back again"}), ["UC003"])
    refused(alice.post(activities_path("S1", "UC003"), json=activity_body()), ["UC003"])
    refused(
        alice.post(pos_path("S1", "client-book/customers"), json={"customerIds": ["UC003"]}),
        ["UC003"],
    )
    refused(
        alice.post(pos_path("S1", "client-book/customers/remove"), json={"customerIds": ["UC003"]}),
        ["UC003"],
    )
    refused(
        bob.post(
            pos_path("S1", "store-client-book/reassign"),
            json={"customerIds": ["UC003"], "toStaffId": "alice"},
        ),
        ["UC003"],
    )

    export = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/export"))
    assert (export["notes"], export["activities"], export["clientBooks"]) == ([], [], [])


def test_a_batch_with_an_erased_customer_adds_nobody(world: World) -> None:
    erase(world)

    reply = world.as_staff("alice").post(
        pos_path("S1", "client-book/customers"), json={"customerIds": ["UC006", "UC003"]}
    )

    refused(reply, ["UC003"])
    book = world.ok(world.as_staff("alice").get(pos_path("S1", "client-book")))
    assert book["clientBook"] is None


def test_attribute_values_of_an_erased_customer_stay_cleared(world: World) -> None:
    alice = world.as_staff("alice")
    etag = alice.get(pos_path("S1", "customers/UC003")).etag
    erase(world)
    details = alice.get(pos_path("S1", "customers/UC003"))

    reply = alice.patch(
        pos_path("S1", "customers/UC003/attributes"),
        json={"attributes": {"vip": True, "lifetimeValue": 5000}},
        headers={"If-Match": details.etag},
    )

    refused(reply, ["UC003"])
    assert details.etag != etag
    assert all(a["value"] is None for a in details.json["attributes"])


def test_an_erased_customer_may_be_erased_again(world: World) -> None:
    erase(world)
    erase(world)

    log = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/erasures"))
    assert len(log["erasures"]) == 2


def test_an_import_of_an_erased_id_is_rejected_without_restore(world: World) -> None:
    erase(world)

    report = import_customer(world)

    assert (report["accepted"], report["rejected"], report["written"]) == (0, 1, 0)
    [rejection] = report["rejections"]
    assert rejection["id"] == "UC003"
    assert rejection["errors"][0]["field"] == "customerId"
    assert '"restore": true' in rejection["errors"][0]["message"]
    details = world.ok(world.as_staff("alice").get(pos_path("S1", "customers/UC003")))
    assert details["card"]["name"] == "Erased customer"


@pytest.mark.parametrize("restore", [False, True])
def test_restore_on_a_customer_never_erased_is_an_ordinary_import(
    world: World, restore: bool
) -> None:
    report = import_customer(world, name="Renamed", restore=restore)

    assert (report["accepted"], report["rejected"]) == (1, 0)
    details = world.ok(world.as_staff("alice").get(pos_path("S1", "customers/UC003")))
    assert details["card"]["name"] == "Renamed"
    assert (
        "restore"
        not in world.ok(world.admin.get("/api/admin/USRT/customers/UC003/export"))["customer"]
    )


def test_an_import_that_restores_brings_the_customer_back(world: World) -> None:
    erase(world)

    report = import_customer(world, restore=True)

    assert (report["accepted"], report["rejected"], report["written"]) == (1, 0, 1)
    alice = world.as_staff("alice")
    details = world.ok(alice.get(pos_path("S1", "customers/UC003")))
    assert details["card"]["name"] == "Customer 003"
    world.ok(alice.post(notes_path("S1", "UC003"), json={"text": "Welcome back"}), 201)
    add_to_book(world, "alice", ["UC003"], "S1")
    # Restored once is restored: the next ordinary import is accepted.
    assert import_customer(world, name="Customer 003")["rejected"] == 0


def test_a_restore_in_a_bad_record_restores_nothing(world: World) -> None:
    erase(world)

    report = import_customer(world, restore=True, email="not an email")

    assert report["rejected"] == 1
    assert import_customer(world)["rejected"] == 1
