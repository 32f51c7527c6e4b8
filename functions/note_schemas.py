"""Request and response shapes of the note routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.model_base import DomainModel
from shared.domain.notes import MAX_NOTE_TEXT, Note, NoteRevision


class NoteInput(DomainModel):
    """A note's text. The author and store come from the token and the route."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NOTE_TEXT)]


class NoteResource(DomainModel):
    note_id: str
    customer_id: str
    text: str
    author_staff_id: str = Field(description="only the author may edit or delete it")
    author_name: str
    store_id: str
    created_at: str
    updated_at: str
    revision: int
    etag: str = Field(description="send as If-Match to edit or delete (also the ETag header)")

    @classmethod
    def of(cls, note: Note) -> NoteResource:
        # Field names match the domain record's attributes; extra ones (legal entity) stay out.
        return cls.model_validate(note, from_attributes=True)


class NoteList(DomainModel):
    notes: list[NoteResource]
    continuation_token: str | None = Field(description="present while more pages remain")


class NoteRevisionResource(DomainModel):
    revision: int = Field(description="the revision number this text had")
    text: str
    written_at: str
    replaced_at: str
    replaced_by: str = Field(description="staff id of who edited or deleted it")
    change: str = Field(description="edited or deleted")

    @classmethod
    def of(cls, revision: NoteRevision) -> NoteRevisionResource:
        return cls(
            revision=revision.revision,
            text=revision.text,
            written_at=revision.written_at,
            replaced_at=revision.replaced_at,
            replaced_by=revision.replaced_by,
            change=revision.change.value,
        )


class NoteHistory(DomainModel):
    note_id: str
    revisions: list[NoteRevisionResource] = Field(description="earlier texts, newest first")
    continuation_token: str | None = Field(description="present while more pages remain")
