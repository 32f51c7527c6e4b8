"""Notes: general customer information to read before each interaction.

Every associate of the legal entity reads them; only the author changes or deletes one, and
every change keeps the text it replaced as a revision that the author and admins can read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from shared.domain.errors import (
    Forbidden,
    InvalidContinuationToken,
    PreconditionFailed,
    ValidationFailed,
)
from shared.domain.instants import instant_text
from shared.domain.text import text_problem

MAX_NOTE_TEXT = 4_000


@dataclass(frozen=True)
class Authoring:
    """Who writes, where and when: taken from the token, the route and the clock."""

    legal_entity: str
    customer_id: str
    note_id: str
    staff_id: str
    staff_name: str
    store_id: str
    at: dt.datetime


@dataclass(frozen=True)
class Note:
    legal_entity: str
    customer_id: str
    note_id: str
    text: str
    author_staff_id: str
    author_name: str
    store_id: str
    created_at: str
    updated_at: str
    revision: int  # 1 for the first text, +1 on every edit

    @property
    def etag(self) -> str:
        return note_etag(self.revision)


def note_etag(revision: int) -> str:
    """A note's ETag: its revision number, which every change moves on."""
    return f"r{revision}"


class RevisionChange(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"


@dataclass(frozen=True)
class NoteRevision:
    """A text the note no longer shows: what it said, from when, and what replaced it."""

    legal_entity: str
    customer_id: str
    note_id: str
    revision: int
    text: str
    written_at: str
    replaced_at: str
    replaced_by: str
    change: RevisionChange


def note_text(text: str) -> str:
    """The text to store, or ValidationFailed: required, at most MAX_NOTE_TEXT characters,
    no control or bidi characters (tab and line breaks are kept)."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationFailed.single("text", "required")
    if len(cleaned) > MAX_NOTE_TEXT:
        raise ValidationFailed.single("text", f"must be at most {MAX_NOTE_TEXT:,} characters")
    problem = text_problem(cleaned, multiline=True)
    if problem is not None:
        raise ValidationFailed.single("text", problem)
    return cleaned


def new_note(text: str, authoring: Authoring) -> Note:
    at = instant_text(authoring.at)
    return Note(
        legal_entity=authoring.legal_entity,
        customer_id=authoring.customer_id,
        note_id=authoring.note_id,
        text=note_text(text),
        author_staff_id=authoring.staff_id,
        author_name=authoring.staff_name,
        store_id=authoring.store_id,
        created_at=at,
        updated_at=at,
        revision=1,
    )


def require_author(note: Note, staff_id: str) -> None:
    """Only the author changes a note or reads its history on the POS."""
    if note.author_staff_id != staff_id:
        raise Forbidden(
            f"note {note.note_id} was written by another associate; only its author may do this",
            noteId=note.note_id,
        )


def require_current(note: Note, if_match: str) -> None:
    if note.etag != if_match:
        raise PreconditionFailed(
            f"note {note.note_id} has changed since you read it; read it again",
            currentEtag=note.etag,
        )


def _revision(note: Note, staff_id: str, at: str, change: RevisionChange) -> NoteRevision:
    return NoteRevision(
        legal_entity=note.legal_entity,
        customer_id=note.customer_id,
        note_id=note.note_id,
        revision=note.revision,
        text=note.text,
        written_at=note.updated_at,
        replaced_at=at,
        replaced_by=staff_id,
        change=change,
    )


def edit_note(
    note: Note, text: str, staff_id: str, if_match: str, at: dt.datetime
) -> tuple[Note, NoteRevision]:
    """The edited note and the revision keeping the text it replaces."""
    require_author(note, staff_id)
    require_current(note, if_match)
    when = instant_text(at)
    edited = replace(note, text=note_text(text), updated_at=when, revision=note.revision + 1)
    return edited, _revision(note, staff_id, when, RevisionChange.EDITED)


def delete_note(note: Note, staff_id: str, if_match: str, at: dt.datetime) -> NoteRevision:
    """The revision keeping the deleted note's last text (admins can still read it)."""
    require_author(note, staff_id)
    require_current(note, if_match)
    return _revision(note, staff_id, instant_text(at), RevisionChange.DELETED)


@dataclass(frozen=True)
class NotePosition:
    """The last note of a page (newest first by creation time, the id breaking ties)."""

    created_at: str
    note_id: str

    def to_token(self) -> dict[str, Any]:
        return {"c": self.created_at, "i": self.note_id}

    @classmethod
    def from_token(cls, token: Mapping[str, Any]) -> NotePosition:
        created_at, note_id = token.get("c"), token.get("i")
        if not (isinstance(created_at, str) and isinstance(note_id, str)):
            raise InvalidContinuationToken("continuationToken does not hold a note position")
        return cls(created_at, note_id)


def note_sort_key(note: Note) -> tuple[str, str]:
    """Notes list newest first: descending on this key."""
    return (note.created_at, note.note_id)


def revision_to_token(revision: int) -> dict[str, Any]:
    return {"r": revision}


def revision_from_token(token: Mapping[str, Any]) -> int:
    """History pages continue below the last revision shown (newest first)."""
    revision = token.get("r")
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        raise InvalidContinuationToken("continuationToken does not hold a history position")
    return revision
