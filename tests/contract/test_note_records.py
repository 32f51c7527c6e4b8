"""Notes: newest first by keyset, conditional edits and deletions that keep every text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest

from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.notes import (
    Authoring,
    Note,
    NotePosition,
    NoteRevision,
    RevisionChange,
    delete_note,
    edit_note,
    new_note,
)
from shared.ports.activities import CustomerKey
from shared.ports.storage import Storage

UC001 = CustomerKey("USRT", "UC001")
T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
MAX_PAGES = 100  # a position that does not move on would page forever: fail instead


def note(note_id: str, text: str = "text", at: dt.datetime = T0, customer: CustomerKey = UC001):
    authoring = Authoring(
        customer.legal_entity, customer.customer_id, note_id, "alice", "Alice", "S1", at
    )
    return new_note(text, authoring)


def edited(current: Note, text: str, minutes: int = 1) -> tuple[Note, NoteRevision]:
    return edit_note(current, text, "alice", current.etag, T0 + dt.timedelta(minutes=minutes))


def all_notes(storage: Storage, size: int, customer: CustomerKey = UC001) -> list[Note]:
    shown: list[Note] = []
    after = None
    for _ in range(MAX_PAGES):
        page = storage.notes.page(customer, after, size)
        shown.extend(page.items)
        if not page.has_more:
            return shown
        after = NotePosition(page.items[-1].created_at, page.items[-1].note_id)
    pytest.fail(f"still more after {MAX_PAGES} pages: the position does not move on")


def test_a_note_is_stored_once_and_read_back(storage: Storage) -> None:
    first = storage.notes.add(note("N1", "Prefers email"))
    assert storage.notes.add(note("N1", "a retry that says something else")) == first
    assert storage.notes.get(UC001, "N1") == first
    assert storage.notes.get(UC001, "N2") is None
    assert storage.notes.get(CustomerKey("DEMF", "UC001"), "N1") is None


def test_notes_page_newest_first_with_ties_broken_by_id(storage: Storage) -> None:
    later = T0 + dt.timedelta(hours=1)
    for note_id, at in [("N1", T0), ("N4", T0), ("N2", later), ("N3", T0), ("N5", later)]:
        storage.notes.add(note(note_id, at=at))
    storage.notes.add(note("N9", customer=CustomerKey("USRT", "UC002")))
    storage.notes.add(note("N8", customer=CustomerKey("DEMF", "UC001")))
    for size in (1, 2, 5):
        assert [n.note_id for n in all_notes(storage, size)] == ["N5", "N2", "N4", "N3", "N1"]
    last = storage.notes.page(UC001, None, 5)
    assert last.has_more is False


def test_an_edit_is_conditional_on_the_revision_and_keeps_the_old_text(storage: Storage) -> None:
    first = storage.notes.add(note("N1", "first"))
    second, kept = edited(first, "second")
    assert storage.notes.replace(second, 1, kept) == second
    with pytest.raises(PreconditionFailed) as stale:
        storage.notes.replace(dataclasses.replace(second, text="lost"), 1, kept)
    assert stale.value.extensions["currentEtag"] == "r2"
    third, kept_again = edited(second, "third", minutes=2)
    storage.notes.replace(third, 2, kept_again)
    assert storage.notes.get(UC001, "N1") == third
    history = storage.notes.history(UC001, "N1", None, 10)
    assert history.items == [kept_again, kept] and not history.has_more
    assert [(r.revision, r.text, r.change) for r in history.items] == [
        (2, "second", RevisionChange.EDITED),
        (1, "first", RevisionChange.EDITED),
    ]


def test_a_deletion_is_conditional_and_keeps_the_last_text(storage: Storage) -> None:
    first = storage.notes.add(note("N1", "first"))
    second, kept = edited(first, "second")
    storage.notes.replace(second, 1, kept)
    with pytest.raises(PreconditionFailed) as stale:
        storage.notes.delete(UC001, "N1", delete_note(first, "alice", first.etag, T0))
    assert stale.value.extensions["currentEtag"] == "r2"
    gone = delete_note(second, "alice", second.etag, T0 + dt.timedelta(minutes=5))
    storage.notes.delete(UC001, "N1", gone)
    assert storage.notes.get(UC001, "N1") is None
    assert all_notes(storage, 10) == []
    with pytest.raises(NotFound):
        storage.notes.delete(UC001, "N1", gone)
    with pytest.raises(NotFound):
        storage.notes.replace(edited(second, "after deletion")[0], 2, kept)
    history = storage.notes.history(UC001, "N1", None, 10).items
    assert [(r.text, r.change) for r in history] == [
        ("second", RevisionChange.DELETED),
        ("first", RevisionChange.EDITED),
    ]


def test_history_pages_below_a_revision_for_one_note_only(storage: Storage) -> None:
    current = storage.notes.add(note("N1", "v1"))
    other = storage.notes.add(note("N2", "other v1"))
    other_v2, other_kept = edited(other, "other v2")
    storage.notes.replace(other_v2, 1, other_kept)
    for n in range(2, 6):
        following, kept = edited(current, f"v{n}", minutes=n)
        storage.notes.replace(following, current.revision, kept)
        current = following
    first = storage.notes.history(UC001, "N1", None, 2)
    rest = storage.notes.history(UC001, "N1", first.items[-1].revision, 2)
    tail = storage.notes.history(UC001, "N1", rest.items[-1].revision, 2)
    assert [r.text for r in first.items + rest.items + tail.items] == ["v4", "v3", "v2", "v1"]
    assert (first.has_more, rest.has_more, tail.has_more) == (True, False, False)
    assert tail.items == []
    assert storage.notes.history(UC001, "N3", None, 10).items == []


def test_of_editors_of_the_same_revision_exactly_one_wins(storage: Storage) -> None:
    first = storage.notes.add(note("N1", "first"))
    start = threading.Barrier(4)
    outcomes: dict[int, str] = {}

    def edit(n: int) -> None:
        following, kept = edited(first, f"by {n}")
        start.wait()
        try:
            storage.notes.replace(following, 1, kept)
            outcomes[n] = "won"
        except PreconditionFailed:
            outcomes[n] = "refused"

    editors = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(timeout=30)
    winners = [n for n, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1 and len(outcomes) == 4
    stored = storage.notes.get(UC001, "N1")
    assert stored is not None and (stored.text, stored.revision) == (f"by {winners[0]}", 2)
    assert [r.text for r in storage.notes.history(UC001, "N1", None, 10).items] == ["first"]
