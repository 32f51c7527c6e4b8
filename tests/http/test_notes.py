"""Notes on the POS: add and read, author-only edits with If-Match, and the edit history."""

from __future__ import annotations

from tests.support.activity_factories import notes_path
from tests.support.api_client import ApiClient
from tests.support.world import World

NOTES = notes_path("S1", "UC001")
ADMIN_NOTES = "/api/admin/USRT/customers/UC001/notes"


def _add(client: ApiClient, text: str, path: str = NOTES) -> dict:
    reply = client.post(path, json={"text": text})
    assert reply.status == 201, reply
    assert reply.etag == f'"{reply.json["etag"]}"'
    return reply.json


def _edit(client: ApiClient, note: dict, text: str, etag: str | None = None):
    return client.put(
        f"{NOTES}/{note['noteId']}", json={"text": text}, headers={"If-Match": etag or note["etag"]}
    )


def test_notes_list_newest_first_in_pages(world: World) -> None:
    alice, carol = world.as_staff("alice"), world.as_staff("carol")
    added = [_add(alice, f"note {n}") for n in range(3)]
    added.append(_add(carol, "from Portland", notes_path("S2", "UC001")))
    first = world.ok(alice.get(NOTES, params={"pageSize": 3}))
    rest = world.ok(
        alice.get(NOTES, params={"pageSize": 3, "continuationToken": first["continuationToken"]})
    )
    assert [n["text"] for n in first["notes"] + rest["notes"]] == [
        "from Portland", "note 2", "note 1", "note 0",
    ]  # fmt: skip
    assert rest["continuationToken"] is None
    assert (added[-1]["authorStaffId"], added[-1]["storeId"]) == ("carol", "S2")
    assert world.ok(world.admin.get(ADMIN_NOTES))["notes"] == first["notes"] + rest["notes"]


INVALID_NOTES = [
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 4001}, "text"),
    ({}, "text"),
    ({"text": "ok", "authorStaffId": "bob"}, "authorStaffId"),
]


def test_invalid_notes_are_refused(world: World) -> None:
    alice = world.as_staff("alice")
    for body, field in INVALID_NOTES:
        reply = alice.post(NOTES, json=body)
        assert reply.status == 400, (body, reply)
        assert [e["field"] for e in reply.json["errors"]] == [field], body
    assert world.ok(alice.get(NOTES))["notes"] == []


def test_the_author_edits_with_if_match_and_the_old_text_is_kept(world: World) -> None:
    alice = world.as_staff("alice")
    note = _add(alice, "Prefers email")
    edited = _edit(alice, note, "Prefers phone calls")
    assert edited.status == 200 and edited.etag == '"r2"'
    assert (edited.json["text"], edited.json["revision"]) == ("Prefers phone calls", 2)
    again = _edit(alice, edited.json, "Prefers phone calls after 5pm")
    history = world.ok(alice.get(f"{NOTES}/{note['noteId']}/history"))
    assert [(r["revision"], r["text"], r["change"]) for r in history["revisions"]] == [
        (2, "Prefers phone calls", "edited"),
        (1, "Prefers email", "edited"),
    ]
    assert history["revisions"][0]["replacedAt"] == again.json["updatedAt"]
    reread = alice.get(f"{NOTES}/{note['noteId']}")
    assert reread.json["text"] == "Prefers phone calls after 5pm" and reread.etag == '"r3"'


def test_edits_need_the_current_etag(world: World) -> None:
    alice = world.as_staff("alice")
    note = _add(alice, "first")
    assert _edit(alice, note, "second").status == 200
    stale = _edit(alice, note, "lost update")
    assert stale.status == 412 and stale.json["currentEtag"] == "r2"
    missing = alice.put(f"{NOTES}/{note['noteId']}", json={"text": "x"})
    assert missing.status == 428
    assert alice.delete(f"{NOTES}/{note['noteId']}").status == 428
    assert alice.delete(f"{NOTES}/{note['noteId']}", headers={"If-Match": "r1"}).status == 412


def test_only_the_author_edits_deletes_or_reads_the_history(world: World) -> None:
    note = _add(world.as_staff("alice"), "Allergic to wool")
    path = f"{NOTES}/{note['noteId']}"
    bob = world.as_staff("bob")  # a store manager of the same store
    assert _edit(bob, note, "changed").status == 403
    assert bob.delete(path, headers={"If-Match": note["etag"]}).status == 403
    assert bob.get(f"{path}/history").status == 403
    assert world.ok(bob.get(path))["text"] == "Allergic to wool"


def test_a_deleted_note_leaves_the_pos_but_not_the_admin_history(world: World) -> None:
    alice = world.as_staff("alice")
    note = _add(alice, "first")
    edited = _edit(alice, note, "second").json
    path = f"{NOTES}/{note['noteId']}"
    assert alice.delete(path, headers={"If-Match": edited["etag"]}).status == 204
    assert alice.get(path).status == 404
    assert alice.get(f"{path}/history").status == 404
    assert world.ok(alice.get(NOTES))["notes"] == []
    history = world.ok(world.admin.get(f"{ADMIN_NOTES}/{note['noteId']}/history"))
    assert [(r["text"], r["change"], r["replacedBy"]) for r in history["revisions"]] == [
        ("second", "deleted", "alice"),
        ("first", "edited", "alice"),
    ]


def test_admins_page_the_history_and_unknown_notes_are_not_found(world: World) -> None:
    alice = world.as_staff("alice")
    note = _add(alice, "v1")
    for n in range(2, 5):
        note = _edit(alice, note, f"v{n}").json
    history_path = f"{ADMIN_NOTES}/{note['noteId']}/history"
    first = world.ok(world.admin.get(history_path, params={"pageSize": 2}))
    rest = world.ok(
        world.admin.get(
            history_path, params={"pageSize": 2, "continuationToken": first["continuationToken"]}
        )
    )
    assert [r["text"] for r in first["revisions"] + rest["revisions"]] == ["v3", "v2", "v1"]
    unedited = _add(alice, "never edited")
    assert (
        world.ok(world.admin.get(f"{ADMIN_NOTES}/{unedited['noteId']}/history"))["revisions"] == []
    )
    assert world.admin.get(f"{ADMIN_NOTES}/N404/history").status == 404
    assert alice.get(history_path).status == 403
