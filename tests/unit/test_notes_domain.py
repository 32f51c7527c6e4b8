"""Note rules: text limits, author-only changes, revisions that keep the replaced text."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import (
    Forbidden,
    InvalidContinuationToken,
    PreconditionFailed,
    ValidationFailed,
)
from shared.domain.notes import (
    Authoring,
    NotePosition,
    RevisionChange,
    delete_note,
    edit_note,
    new_note,
    revision_from_token,
    revision_to_token,
)

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=5)
BY_ALICE = Authoring("USRT", "UC001", "N1", "alice", "Alice Archer", "S1", NOW)


def test_a_new_note_is_revision_one_by_its_author() -> None:
    note = new_note("  Prefers calls after 5pm ", BY_ALICE)
    assert note.text == "Prefers calls after 5pm"
    assert (note.revision, note.etag, note.author_staff_id) == (1, "r1", "alice")
    assert note.created_at == note.updated_at == "2024-06-01T12:00:00.000Z"


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_note_text_is_required_and_limited(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_note(text, BY_ALICE)
    assert caught.value.errors[0]["field"] == "text"


def test_an_edit_keeps_the_replaced_text_as_a_revision() -> None:
    note = new_note("first", BY_ALICE)
    edited, replaced = edit_note(note, "second", "alice", "r1", LATER)
    assert (edited.text, edited.revision, edited.etag) == ("second", 2, "r2")
    assert edited.created_at == note.created_at and edited.updated_at > note.updated_at
    assert (replaced.revision, replaced.text, replaced.change) == (
        1,
        "first",
        RevisionChange.EDITED,
    )
    assert (replaced.written_at, replaced.replaced_by) == (note.updated_at, "alice")


def test_only_the_author_edits_or_deletes() -> None:
    note = new_note("first", BY_ALICE)
    with pytest.raises(Forbidden):
        edit_note(note, "mine now", "carol", "r1", LATER)
    with pytest.raises(Forbidden):
        delete_note(note, "carol", "r1", LATER)


def test_a_stale_etag_is_refused_with_the_current_one() -> None:
    note = new_note("first", BY_ALICE)
    with pytest.raises(PreconditionFailed) as caught:
        edit_note(note, "second", "alice", "r0", LATER)
    assert caught.value.extensions["currentEtag"] == "r1"


def test_a_deletion_keeps_the_last_text() -> None:
    note, _ = edit_note(new_note("first", BY_ALICE), "second", "alice", "r1", LATER)
    kept = delete_note(note, "alice", "r2", LATER)
    assert (kept.revision, kept.text, kept.change) == (2, "second", RevisionChange.DELETED)


def test_positions_round_trip_and_refuse_foreign_shapes() -> None:
    position = NotePosition("2024-06-01T12:00:00.000Z", "N1")
    assert NotePosition.from_token(position.to_token()) == position
    assert revision_from_token(revision_to_token(3)) == 3
    with pytest.raises(InvalidContinuationToken):
        NotePosition.from_token({"c": 1})
    for bad in ({}, {"r": 0}, {"r": True}, {"r": "2"}):
        with pytest.raises(InvalidContinuationToken):
            revision_from_token(bad)
