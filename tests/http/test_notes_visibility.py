"""The notesVisibility parameter: the whole legal entity (default), or the book owner, the
store managers over that book and each note's author. Activities stay open either way."""

from __future__ import annotations

import pytest

from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.world import World, add_to_book, change_parameters

RESTRICTED = "book-owner-and-managers"
# Where each associate works (world.py): alice, vic S1; bob S1+S2 (manager); carol S2; dave S3.
STORE = {"alice": "S1", "bob": "S1", "carol": "S2", "dave": "S3", "vic": "S1"}


def write(world: World, staff: str, customer: str, text: str) -> dict:
    reply = world.as_staff(staff).post(notes_path(STORE[staff], customer), json={"text": text})
    assert reply.status == 201, reply
    return reply.json


def readable(world: World, staff: str, customer: str, page_size: int = 50) -> list[str]:
    """Every note text `staff` reads on the POS, walking all pages."""
    client, path = world.as_staff(staff), notes_path(STORE[staff], customer)
    texts: list[str] = []
    params: dict[str, object] = {"pageSize": page_size}
    for _ in range(100):
        page = world.ok(client.get(path, params=params))
        texts.extend(n["text"] for n in page["notes"])
        if page["continuationToken"] is None:
            return texts
        params["continuationToken"] = page["continuationToken"]
    pytest.fail("the notes never end")


@pytest.fixture
def notes(world: World) -> dict[str, dict]:
    """UC003 in carol's book (S2), UC004 in dave's (S3), UC005 in none; a note by each of
    carol, alice and dave on each of them."""
    add_to_book(world, "carol", ["UC003"], "S2")
    add_to_book(world, "dave", ["UC004"], "S3")
    written = {}
    for customer in ("UC003", "UC004", "UC005"):
        for staff in ("carol", "alice", "dave"):
            written[f"{customer}:{staff}"] = write(world, staff, customer, f"{staff} on {customer}")
    return written


def everyone(customer: str) -> list[str]:
    return [f"{staff} on {customer}" for staff in ("dave", "alice", "carol")]  # newest first


def test_by_default_every_associate_reads_every_note(world: World, notes: dict) -> None:
    for staff in STORE:
        assert readable(world, staff, "UC003") == everyone("UC003"), staff


@pytest.mark.parametrize(
    ("staff", "customer", "expected"),
    [
        ("carol", "UC003", everyone("UC003")),  # her book holds the customer
        ("bob", "UC003", everyone("UC003")),  # manager: carol's book is in his store book
        ("alice", "UC003", ["alice on UC003"]),  # a colleague: her own notes only
        ("vic", "UC003", []),
        ("dave", "UC004", everyone("UC004")),
        ("bob", "UC004", []),  # dave's book (S3) is outside bob's store client book
        ("carol", "UC004", ["carol on UC004"]),
        ("bob", "UC005", []),  # in no book: only authors read their notes
        ("alice", "UC005", ["alice on UC005"]),
    ],
)
def test_restricted_notes_are_read_by_owner_managers_and_authors(
    world: World, notes: dict, staff: str, customer: str, expected: list[str]
) -> None:
    change_parameters(world, "USRT", notesVisibility=RESTRICTED)

    assert readable(world, staff, customer) == expected


def test_a_note_one_may_not_read_is_not_found(world: World, notes: dict) -> None:
    change_parameters(world, "USRT", notesVisibility=RESTRICTED)
    carols = notes["UC003:carol"]["noteId"]
    path = f"{notes_path('S1', 'UC003')}/{carols}"

    assert world.as_staff("alice").get(path).status == 404
    assert world.ok(world.as_staff("bob").get(path))["text"] == "carol on UC003"
    own = f"{notes_path('S1', 'UC003')}/{notes['UC003:alice']['noteId']}"
    assert world.ok(world.as_staff("alice").get(own))["text"] == "alice on UC003"


def test_changing_a_note_one_may_not_read_is_not_found_either(world: World, notes: dict) -> None:
    """A 403 ("not the author") would tell alice that carol's note exists: every route on a
    note she may not read answers as GET does, and nothing changes."""
    change_parameters(world, "USRT", notesVisibility=RESTRICTED)
    carols = notes["UC003:carol"]
    path = f"{notes_path('S1', 'UC003')}/{carols['noteId']}"
    alice, if_match = world.as_staff("alice"), {"If-Match": carols["etag"]}

    missing = alice.get(f"{notes_path('S1', 'UC003')}/01JUNKNOWNNOTE0000000000000")
    replies = [
        alice.get(path),
        alice.put(path, json={"text": "overwritten"}, headers=if_match),
        alice.delete(path, headers=if_match),
        alice.get(f"{path}/history"),
    ]

    assert [r.status for r in replies] == [404, 404, 404, 404], replies
    assert {r.json["type"] for r in replies} == {missing.json["type"]}
    own = f"{notes_path('S2', 'UC003')}/{carols['noteId']}"
    assert world.ok(world.as_staff("carol").get(own))["text"] == "carol on UC003"
    # Where she reads every note, the same edit is what it always was: not the author.
    change_parameters(world, "USRT", notesVisibility="legal-entity")
    denied = alice.put(path, json={"text": "overwritten"}, headers=if_match)
    assert denied.status == 403, denied


def test_headquarters_and_activities_are_not_restricted(world: World, notes: dict) -> None:
    change_parameters(world, "USRT", notesVisibility=RESTRICTED)
    body = activity_body(subject="Visit with carol")
    assert world.as_staff("carol").post(activities_path("S2", "UC003"), json=body).status == 201

    admin = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/notes"))
    timeline = world.ok(world.as_staff("alice").get(activities_path("S1", "UC003")))

    assert [n["text"] for n in admin["notes"]] == everyone("UC003")
    assert [a["subject"] for a in timeline["activities"]] == ["Visit with carol"]


@pytest.mark.parametrize("scanned_pages", [1, 5])
def test_own_notes_page_through_a_long_history_without_gaps(
    world: World, monkeypatch: pytest.MonkeyPatch, scanned_pages: int
) -> None:
    monkeypatch.setattr("shared.services.notes.MAX_SCANNED_PAGES", scanned_pages)
    add_to_book(world, "carol", ["UC003"], "S2")
    for n in range(12):
        write(world, "alice" if n % 4 == 0 else "carol", "UC003", f"note {n}")
    change_parameters(world, "USRT", notesVisibility=RESTRICTED)

    assert readable(world, "alice", "UC003", page_size=2) == ["note 8", "note 4", "note 0"]
    assert readable(world, "carol", "UC003", page_size=5) == [
        f"note {n}" for n in range(11, -1, -1)
    ]


def test_switching_back_opens_the_notes_again(world: World, notes: dict) -> None:
    change_parameters(world, "USRT", notesVisibility=RESTRICTED)
    assert readable(world, "alice", "UC003") == ["alice on UC003"]

    change_parameters(world, "USRT", notesVisibility="legal-entity")

    assert readable(world, "alice", "UC003") == everyone("UC003")


def test_an_unknown_mode_is_refused(world: World) -> None:
    path = "/api/admin/USRT/parameters"
    current = world.admin.get(path)
    body = {**current.json, "notesVisibility": "author-only"}

    reply = world.admin.put(path, json=body, headers={"If-Match": current.etag})

    assert reply.status == 400, reply
    assert [e["field"] for e in reply.json["errors"]] == ["notesVisibility"]
