"""Privacy routes: export everything about a customer, erase it, and prove nothing is left."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.api_client import ApiClient
from tests.support.world import World, add_to_book, pos_path

CUSTOMER = "/api/admin/USRT/customers/UC003"
EXPORT, ERASE, ERASURES = f"{CUSTOMER}/export", f"{CUSTOMER}/erase", f"{CUSTOMER}/erasures"
# What the world and the history below know about UC003: none may survive an erasure.
PERSONAL = [
    "Customer 003",
    "customer3@example.com",
    "+1 206 555 0003",
    "1973-04-04",
    "Maison Solstice",
    "Tried on boots",
    "Wants the red ones",
    "Allergic to wool",
    "Prefers mornings",
    "Prefers afternoons",
    "Birthday gift for her sister",
]


def erase(world: World, customer: str = "UC003", legal_entity: str = "USRT") -> Any:
    path = f"/api/admin/{legal_entity}/customers/{customer}/erase"
    return world.admin.post(path, json={"confirmCustomerId": customer})


def _note(client: ApiClient, store: str, text: str) -> dict:
    reply = client.post(notes_path(store, "UC003"), json={"text": text})
    assert reply.status == 201, reply
    return reply.json


def _edit(client: ApiClient, note: dict, text: str) -> dict:
    path = f"{notes_path('S1', 'UC003')}/{note['noteId']}"
    reply = client.put(path, json={"text": text}, headers={"If-Match": note["etag"]})
    assert reply.status == 200, reply
    return reply.json


@pytest.fixture
def history(world: World) -> dict[str, Any]:
    """UC003 in alice's book, reassigned to carol by bob; two activities; notes by alice
    (one edited, one edited and deleted) and by carol. UC001 gets a note of its own."""
    alice, bob, carol = (world.as_staff(s) for s in ("alice", "bob", "carol"))
    details = alice.get(pos_path("S1", "customers/UC003"))
    changed = alice.patch(
        pos_path("S1", "customers/UC003/attributes"),
        json={"attributes": {"preferredBrand": "Maison Solstice"}},
        headers={"If-Match": details.etag},
    )
    world.ok(changed)
    add_to_book(world, "alice", ["UC003"], "S1")
    reassigned = bob.post(
        pos_path("S1", "store-client-book/reassign"),
        json={"customerIds": ["UC003"], "toStaffId": "carol"},
    )
    world.ok(reassigned)
    for subject in ("Tried on boots", "Birthday gift for her sister"):
        body = activity_body(subject=subject, description="Wants the red ones")
        assert alice.post(activities_path("S1", "UC003"), json=body).status == 201
    kept = _edit(alice, _note(alice, "S1", "Prefers mornings"), "Prefers afternoons")
    dropped = _edit(alice, _note(alice, "S1", "Allergic to wool"), "Allergic to wool!")
    path = f"{notes_path('S1', 'UC003')}/{dropped['noteId']}"
    assert alice.delete(path, headers={"If-Match": dropped["etag"]}).status == 204
    _note(carol, "S2", "Call before visiting")
    world.ok(alice.post(notes_path("S1", "UC001"), json={"text": "Neighbour's note"}), 201)
    return {"kept": kept, "dropped": dropped}


def test_export_holds_every_record_of_the_customer(
    world: World, history: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.services.privacy.READ_PAGE", 2)  # prove it pages the stores

    export = world.ok(world.admin.get(EXPORT))

    assert (export["customerId"], export["legalEntity"]) == ("UC003", "USRT")
    assert export["customer"]["email"] == "customer3@example.com"
    assert export["attributes"]["preferredBrand"] == "Maison Solstice"
    [book] = export["clientBooks"]
    assert (book["ownerStaffId"], book["ownerName"]) == ("carol", "Carol Cruz")
    # Equal start times: the one recorded later comes first, as on the timeline.
    assert [a["subject"] for a in export["activities"]] == [
        "Birthday gift for her sister",
        "Tried on boots",
    ]
    notes = {n["text"]: n for n in export["notes"]}
    assert set(notes) == {"Prefers afternoons", "Call before visiting"}
    assert [r["text"] for r in notes["Prefers afternoons"]["history"]] == ["Prefers mornings"]
    assert notes["Call before visiting"]["history"] == []
    [deleted] = export["deletedNotes"]
    assert deleted["noteId"] == history["dropped"]["noteId"]
    assert [(r["text"], r["change"]) for r in deleted["history"]] == [
        ("Allergic to wool!", "deleted"),
        ("Allergic to wool", "edited"),
    ]
    [audit] = export["clientBookAudit"]
    assert (audit["action"], audit["fromStaffId"], audit["toStaffId"]) == (
        "reassign",
        "alice",
        "carol",
    )
    assert "Neighbour's note" not in json.dumps(export)


def _everything_readable(world: World, note_ids: list[str]) -> str:
    """Every route that can show UC003, from every side, as one text."""
    alice, bob, carol = (world.as_staff(s) for s in ("alice", "bob", "carol"))
    replies = [
        alice.get(pos_path("S1", "customers/UC003")),
        alice.get(pos_path("S1", "customers"), params={"search": "003"}),
        alice.get(pos_path("S1", "customers"), params={"search": "Customer"}),
        alice.get(pos_path("S1", "client-book")),
        alice.get(pos_path("S1", "client-book/customers")),
        carol.get(pos_path("S2", "client-book/customers")),
        bob.get(pos_path("S1", "store-client-book/customers")),
        bob.get(pos_path("S2", "store-client-book/customers")),
        alice.get(activities_path("S1", "UC003")),
        alice.get(notes_path("S1", "UC003")),
        world.admin.get(f"{CUSTOMER}/activities"),
        world.admin.get(f"{CUSTOMER}/notes"),
        world.admin.get(EXPORT),
        world.admin.get(ERASURES),
        world.admin.get("/api/admin/USRT/client-book-audit"),
    ]
    for note_id in note_ids:
        replies.append(alice.get(f"{notes_path('S1', 'UC003')}/{note_id}"))
        replies.append(alice.get(f"{notes_path('S1', 'UC003')}/{note_id}/history"))
        replies.append(world.admin.get(f"{CUSTOMER}/notes/{note_id}/history"))
    return "\n".join(json.dumps(r.json) for r in replies if r.status < 500)


def test_after_an_erasure_no_route_shows_personal_data(
    world: World, history: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.services.privacy.ERASE_SLICE", 1)  # prove it erases in slices
    note_ids = [history["kept"]["noteId"], history["dropped"]["noteId"]]
    before = _everything_readable(world, note_ids)
    assert all(text in before for text in PERSONAL), "the test must see the data first"

    erasure = world.ok(erase(world))

    after = _everything_readable(world, note_ids)
    leaked = [text for text in PERSONAL if text in after]
    assert leaked == []
    assert erasure["counts"] == {
        "clientBooks": 1,
        "activities": 2,
        "notes": 2,
        "noteRevisions": 3,
        "followups": 0,
        "messages": 0,
    }
    details = world.ok(world.as_staff("alice").get(pos_path("S1", "customers/UC003")))
    assert details["card"]["name"] == "Erased customer"
    export = world.ok(world.admin.get(EXPORT))
    assert export["customer"]["name"] == "Erased customer"
    assert (export["activities"], export["notes"], export["deletedNotes"]) == ([], [], [])
    assert (export["clientBooks"], export["attributes"]) == ([], {})
    # The client book audit keeps its ids-only entry; the neighbour keeps its note.
    assert len(export["clientBookAudit"]) == 1
    neighbour = world.ok(world.admin.get("/api/admin/USRT/customers/UC001/notes"))
    assert [n["text"] for n in neighbour["notes"]] == ["Neighbour's note"]


def test_the_erasure_record_says_who_when_and_how_much_and_nothing_personal(
    world: World, history: dict[str, Any]
) -> None:
    erasure = world.ok(erase(world))

    log = world.ok(world.admin.get(ERASURES))

    assert log == {"customerId": "UC003", "erasures": [erasure]}
    assert set(erasure) == {"customerId", "erasedAt", "erasedBy", "counts"}
    assert (erasure["customerId"], erasure["erasedBy"]) == ("UC003", "admin")
    assert erasure["erasedAt"].endswith("Z")
    assert not [text for text in PERSONAL if text in json.dumps(log)]


def test_erasing_twice_finds_nothing_left_and_logs_both(
    world: World, history: dict[str, Any]
) -> None:
    first = world.ok(erase(world))
    second = world.ok(erase(world))

    assert first["counts"]["activities"] == 2
    assert second["counts"] == {
        "clientBooks": 0,
        "activities": 0,
        "notes": 0,
        "noteRevisions": 0,
        "followups": 0,
        "messages": 0,
    }
    assert world.ok(world.admin.get(ERASURES))["erasures"] == [first, second]
    assert world.ok(world.admin.get(EXPORT))["customer"]["name"] == "Erased customer"


def test_an_erased_customer_is_served_again_once_headquarters_restores_them(
    world: World, history: dict[str, Any]
) -> None:
    world.ok(erase(world))
    record = {"customerId": "UC003", "name": "Customer 003", "restore": True}
    report = world.ok(world.admin.post("/api/admin/USRT/import/customers", json=[record]))
    assert report["accepted"] == 1, report

    add_to_book(world, "alice", ["UC003"], "S1")
    body = activity_body(subject="Came back")
    reply = world.as_staff("alice").post(activities_path("S1", "UC003"), json=body)

    assert reply.status == 201, reply
    assert [b["ownerStaffId"] for b in world.ok(world.admin.get(EXPORT))["clientBooks"]] == [
        "alice"
    ]


def _call(client: ApiClient, method: str, path: str) -> Any:
    if method == "post":
        return client.post(path, json={"confirmCustomerId": "UC003"})
    return client.get(path)


@pytest.mark.parametrize(("method", "path"), [("get", EXPORT), ("post", ERASE), ("get", ERASURES)])
def test_privacy_routes_need_the_admin_role(world: World, method: str, path: str) -> None:
    for staff in ("alice", "bob"):
        reply = _call(world.as_staff(staff), method, path)
        assert reply.status == 403, reply
    assert _call(world.api, method, path).status == 401
    assert world.ok(world.admin.get(EXPORT))["customer"]["name"] == "Customer 003"


@pytest.mark.parametrize("customer", ["UC999", "DC003"])
@pytest.mark.parametrize("route", ["export", "erase", "erasures"])
def test_unknown_customers_are_not_found(world: World, customer: str, route: str) -> None:
    path = f"/api/admin/USRT/customers/{customer}/{route}"
    reply = erase(world, customer) if route == "erase" else world.admin.get(path)

    assert reply.status == 404, reply
    assert world.ok(world.admin.get("/api/admin/DEMF/customers/DC003/export"))["customer"][
        "name"
    ] == ("Customer 003")


@pytest.mark.parametrize(
    "body", [None, {}, {"confirmCustomerId": "UC001"}, {"customerId": "UC003"}]
)
def test_an_erasure_must_repeat_the_customer_id(world: World, body: Any) -> None:
    reply = world.admin.post(ERASE, json=body)

    assert reply.status in (400, 415), reply
    assert world.ok(world.admin.get(EXPORT))["customer"]["name"] == "Customer 003"
    assert world.ok(world.admin.get(ERASURES))["erasures"] == []
