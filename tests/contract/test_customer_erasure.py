"""Erasure and export reads: a customer's activities, notes and revisions go in bounded
slices, every revision (deleted notes' included) can be streamed, and neighbours stay."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.activities import TimelineFilter
from shared.domain.notes import delete_note
from shared.ports.activities import CustomerKey, RevisionPosition
from shared.ports.storage import Storage
from tests.contract.test_activity_records import activity
from tests.contract.test_note_records import T0, edited, note

UC001 = CustomerKey("USRT", "UC001")
NEIGHBOURS = (CustomerKey("USRT", "UC002"), CustomerKey("DEMF", "UC001"))
MAX_CALLS = 50  # an erase that never reports 0 would loop forever: fail instead


def fill(storage: Storage, customer: CustomerKey) -> None:
    """Five activities; three notes, one edited twice and one deleted after an edit."""
    for n in range(5):
        storage.activities.add(activity(customer, n, f"2024-05-0{n + 1}T10:00:00.000Z"))
    first, _untouched, third = (
        storage.notes.add(note(f"n{n}", f"text {n}", T0 + dt.timedelta(minutes=n), customer))
        for n in range(3)
    )
    once, kept = edited(first, "first, once")
    storage.notes.replace(once, first.revision, kept)
    twice, kept = edited(once, "first, twice", minutes=2)
    storage.notes.replace(twice, once.revision, kept)
    changed, kept = edited(third, "third, changed")
    storage.notes.replace(changed, third.revision, kept)
    gone = delete_note(changed, "alice", changed.etag, T0 + dt.timedelta(minutes=5))
    storage.notes.delete(customer, changed.note_id, gone)


def all_revisions(storage: Storage, customer: CustomerKey, size: int) -> list[tuple[str, int]]:
    shown: list[tuple[str, int]] = []
    after = None
    for _ in range(MAX_CALLS):
        page = storage.notes.revisions(customer, after, size)
        shown.extend((r.note_id, r.revision) for r in page.items)
        if not page.has_more:
            return shown
        after = RevisionPosition(page.items[-1].note_id, page.items[-1].revision)
    pytest.fail("the revision stream does not end")


@pytest.mark.parametrize("size", [1, 2, 50])
def test_revisions_stream_every_note_in_order_deleted_ones_included(
    storage: Storage, size: int
) -> None:
    fill(storage, UC001)
    fill(storage, NEIGHBOURS[0])

    assert all_revisions(storage, UC001, size) == [("n0", 2), ("n0", 1), ("n2", 2), ("n2", 1)]


def erase_all(storage: Storage, customer: CustomerKey, limit: int) -> tuple[int, int, int]:
    activities = notes = revisions = 0
    for _ in range(MAX_CALLS):
        erased = storage.activities.erase(customer, limit)
        assert erased <= limit
        activities += erased
        if erased == 0:
            break
    for _ in range(MAX_CALLS):
        slice_ = storage.notes.erase(customer, limit)
        assert slice_.total <= limit
        notes, revisions = notes + slice_.notes, revisions + slice_.revisions
        if slice_.total == 0:
            return activities, notes, revisions
    pytest.fail("erasing notes never ends")


@pytest.mark.parametrize("limit", [2, 100])
def test_erase_removes_everything_of_the_customer_in_slices(storage: Storage, limit: int) -> None:
    for customer in (UC001, *NEIGHBOURS):
        fill(storage, customer)

    assert erase_all(storage, UC001, limit) == (5, 2, 4)

    assert storage.activities.timeline(UC001, TimelineFilter(), None, 10).items == []
    assert storage.notes.page(UC001, None, 10).items == []
    assert storage.notes.revisions(UC001, None, 10).items == []
    assert storage.notes.history(UC001, "n2", None, 10).items == []
    for neighbour in NEIGHBOURS:
        assert len(storage.activities.timeline(neighbour, TimelineFilter(), None, 10).items) == 5
        assert len(storage.notes.page(neighbour, None, 10).items) == 2
        assert len(storage.notes.revisions(neighbour, None, 10).items) == 4


def test_erasing_a_customer_without_records_erases_nothing(storage: Storage) -> None:
    assert erase_all(storage, UC001, 10) == (0, 0, 0)


def test_an_erased_activity_id_can_be_recorded_again(storage: Storage) -> None:
    storage.activities.add(activity(UC001, 1, "2024-05-01T10:00:00.000Z"))
    erase_all(storage, UC001, 10)

    stored = storage.activities.add(activity(UC001, 1, "2024-05-02T10:00:00.000Z"))

    assert stored.start_time == "2024-05-02T10:00:00.000Z"
