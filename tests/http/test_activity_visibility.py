"""Who sees activities and notes: every associate of the legal entity, never anyone else."""

from __future__ import annotations

import pytest

from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.world import World


@pytest.fixture
def recorded(world: World) -> tuple[dict, dict]:
    """Alice, in S1, records an activity and a note about UC001."""
    alice = world.as_staff("alice")
    activity = world.ok(alice.post(activities_path("S1", "UC001"), json=activity_body()), 201)
    note = world.ok(alice.post(notes_path("S1", "UC001"), json={"text": "Size 38"}), 201)
    return activity, note


@pytest.mark.parametrize(
    ("staff", "store"), [("bob", "S2"), ("carol", "S2"), ("dave", "S3"), ("vic", "S1")]
)
def test_every_associate_of_the_legal_entity_reads_them_in_their_store(
    world: World, recorded: tuple[dict, dict], staff: str, store: str
) -> None:
    """Stores with other address books, and a viewer without client-book rights, included."""
    activity, note = recorded
    client = world.as_staff(staff)
    assert world.ok(client.get(activities_path(store, "UC001")))["activities"] == [activity]
    assert world.ok(client.get(notes_path(store, "UC001")))["notes"] == [note]


def test_associates_of_another_legal_entity_never_see_them(
    world: World, recorded: tuple[dict, dict]
) -> None:
    erin = world.as_staff("erin")
    for path in (activities_path("D1", "UC001"), notes_path("D1", "UC001")):
        assert erin.get(path).status == 404  # no such customer in DEMF
    for path in (activities_path("S1", "UC001"), notes_path("S1", "UC001")):
        assert erin.get(path).status == 404  # S1 is no store of DEMF
        assert erin.post(path, json={"text": "x"}).status == 404
    note_id = recorded[1]["noteId"]
    assert erin.get(f"{notes_path('D1', 'UC001')}/{note_id}").status == 404


def test_associates_read_only_in_stores_they_work_in(
    world: World, recorded: tuple[dict, dict]
) -> None:
    dave = world.as_staff("dave")
    assert dave.get(activities_path("S1", "UC001")).status == 403
    assert world.as_staff("stranger").get(activities_path("S1", "UC001")).status == 403


def test_the_same_customer_id_in_another_legal_entity_is_another_customer(
    world: World, recorded: tuple[dict, dict]
) -> None:
    """DEMF imports a UC001 too: it shares nothing with USRT's UC001."""
    world.import_records("DEMF", "customers", [{"customerId": "UC001", "name": "Namesake"}])
    erin = world.as_staff("erin")
    assert world.ok(erin.get(activities_path("D1", "UC001")))["activities"] == []
    assert world.ok(erin.get(notes_path("D1", "UC001")))["notes"] == []
    assert (
        world.ok(world.admin.get("/api/admin/DEMF/customers/UC001/activities"))["activities"] == []
    )


def test_removing_a_customer_from_a_book_keeps_its_activities_and_notes(
    world: World, recorded: tuple[dict, dict]
) -> None:
    alice = world.as_staff("alice")
    added = alice.post("/api/stores/S1/client-book/customers", json={"customerIds": ["UC001"]})
    if added.status == 404 and not added.body:
        pytest.skip("the client book routes are not part of this build")
    assert added.status in (200, 201), added
    removed = alice.post(
        "/api/stores/S1/client-book/customers/remove", json={"customerIds": ["UC001"]}
    )
    assert removed.status in (200, 204), removed
    carol = world.as_staff("carol")
    assert world.ok(carol.get(activities_path("S2", "UC001")))["activities"] == [recorded[0]]
    assert world.ok(carol.get(notes_path("S2", "UC001")))["notes"] == [recorded[1]]
