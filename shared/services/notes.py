"""Notes on a customer: only the author changes them. Who reads them follows the
`notesVisibility` parameter (`NoteReaders`): the whole legal entity by default, or the
customer's book owner, the store managers over that book and each note's author.

Every edit and the deletion keep the replaced text as a revision; the author reads the
history on the POS, admins read it from headquarters (also after the note was deleted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from shared.domain.access import StaffContext
from shared.domain.errors import NotFound
from shared.domain.notes import (
    Authoring,
    Note,
    NotePosition,
    NoteRevision,
    delete_note,
    edit_note,
    new_note,
    note_text,
    require_author,
    revision_from_token,
    revision_to_token,
)
from shared.domain.record_ids import time_ordered_id
from shared.paging import ContinuationCodec
from shared.ports.activities import CustomerKey
from shared.ports.clock import Clock
from shared.ports.storage import Storage
from shared.services.customer_scope import require_customer, require_writable_customer
from shared.services.note_readers import NoteReaders

# Store pages one request reads while picking out a restricted reader's own notes: a page
# may come back short (with a token) rather than a request walking a long history.
MAX_SCANNED_PAGES = 5


@dataclass(frozen=True)
class NotePage:
    notes: list[Note]
    continuation_token: str | None


@dataclass(frozen=True)
class HistoryPage:
    revisions: list[NoteRevision]
    continuation_token: str | None


def _scope(kind: str, *parts: str) -> str:
    return f"{kind}:" + json.dumps(parts)


class NoteService:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        continuation: ContinuationCodec,
        readers: NoteReaders,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._continuation = continuation
        self._readers = readers

    def new_note_id(self) -> str:
        return time_ordered_id(self._clock.now())

    def add(self, staff: StaffContext, customer_id: str, text: str, note_id: str) -> Note:
        """A new note by the caller (a retry with the same `note_id` returns the first)."""
        note_text(text)  # refuse bad input before looking anything up
        require_writable_customer(self._storage.customers, staff.legal_entity, customer_id)
        note = new_note(
            text,
            Authoring(
                legal_entity=staff.legal_entity,
                customer_id=customer_id,
                note_id=note_id,
                staff_id=staff.staff_id,
                staff_name=staff.staff.name,
                store_id=staff.store.store_id,
                at=self._clock.now(),
            ),
        )
        return self._storage.notes.add(note)

    def list(
        self, legal_entity: str, customer_id: str, page_size: int, token: str | None
    ) -> NotePage:
        """Every note, newest first, paged (headquarters)."""
        customer = require_customer(self._storage.customers, legal_entity, customer_id)
        return self._page(customer, None, page_size, token)

    def list_for(
        self, staff: StaffContext, customer_id: str, page_size: int, token: str | None
    ) -> NotePage:
        """The notes the caller may read, newest first, paged (POS)."""
        customer = require_customer(self._storage.customers, staff.legal_entity, customer_id)
        author = self._readers.only_author(staff, customer_id)
        return self._page(customer, author, page_size, token)

    def _page(
        self, customer: CustomerKey, author: str | None, page_size: int, token: str | None
    ) -> NotePage:
        """A page of notes, of one author only if `author` is given. The position is the
        last note read from the store, shown or not, so the next page goes on from there."""
        scope = _scope("notes", customer.legal_entity, customer.customer_id)
        position = self._continuation.decode(token, scope)
        after = NotePosition.from_token(position) if position is not None else None
        shown: list[Note] = []
        more = False
        for _ in range(MAX_SCANNED_PAGES):
            page = self._storage.notes.page(customer, after, page_size)
            for index, note in enumerate(page.items):
                after = NotePosition(note.created_at, note.note_id)
                if author is None or note.author_staff_id == author:
                    shown.append(note)
                if len(shown) == page_size:
                    more = page.has_more or index < len(page.items) - 1
                    break
            else:
                more = page.has_more
            if len(shown) == page_size or not more:
                break
        next_token = self._continuation.encode(after.to_token(), scope) if more and after else None
        return NotePage(shown, next_token)

    def get(self, staff: StaffContext, customer_id: str, note_id: str) -> Note:
        """One note the caller may read; another's note they may not read is not found."""
        customer = require_customer(self._storage.customers, staff.legal_entity, customer_id)
        return self._readable_note(staff, customer, note_id)

    def edit(
        self, staff: StaffContext, customer_id: str, note_id: str, text: str, if_match: str
    ) -> Note:
        """Replace the text (author only, If-Match); the old text goes to the history."""
        customer = require_writable_customer(
            self._storage.customers, staff.legal_entity, customer_id
        )
        current = self._readable_note(staff, customer, note_id)
        edited, replaced = edit_note(current, text, staff.staff_id, if_match, self._clock.now())
        return self._storage.notes.replace(edited, current.revision, replaced)

    def delete(self, staff: StaffContext, customer_id: str, note_id: str, if_match: str) -> None:
        """Delete (author only, If-Match); the last text stays in the history for admins."""
        customer = require_writable_customer(
            self._storage.customers, staff.legal_entity, customer_id
        )
        current = self._readable_note(staff, customer, note_id)
        replaced = delete_note(current, staff.staff_id, if_match, self._clock.now())
        self._storage.notes.delete(customer, note_id, replaced)

    def author_history(
        self,
        staff: StaffContext,
        customer_id: str,
        note_id: str,
        page_size: int,
        token: str | None,
    ) -> HistoryPage:
        """The earlier texts of a note, for its author only."""
        customer = require_customer(self._storage.customers, staff.legal_entity, customer_id)
        require_author(self._readable_note(staff, customer, note_id), staff.staff_id)
        return self._history(customer, note_id, page_size, token)

    def admin_history(
        self, legal_entity: str, customer_id: str, note_id: str, page_size: int, token: str | None
    ) -> HistoryPage:
        """The earlier texts of a note, also of a deleted one, for headquarters."""
        customer = require_customer(self._storage.customers, legal_entity, customer_id)
        page = self._history(customer, note_id, page_size, token)
        if not page.revisions and token is None:
            self._require_note(customer, note_id)  # 404 unless the note exists, unedited
        return page

    def _history(
        self, customer: CustomerKey, note_id: str, page_size: int, token: str | None
    ) -> HistoryPage:
        scope = _scope("note-history", customer.legal_entity, customer.customer_id, note_id)
        position = self._continuation.decode(token, scope)
        below = revision_from_token(position) if position is not None else None
        page = self._storage.notes.history(customer, note_id, below, page_size)
        next_token = None
        if page.has_more and page.items:
            next_token = self._continuation.encode(
                revision_to_token(page.items[-1].revision), scope
            )
        return HistoryPage(page.items, next_token)

    def _readable_note(self, staff: StaffContext, customer: CustomerKey, note_id: str) -> Note:
        """The note if the caller may read it. A note they may not read is not found, also
        when they try to change it: a 403 would tell them it exists."""
        note = self._require_note(customer, note_id)
        author = self._readers.only_author(staff, customer.customer_id)
        if author is not None and note.author_staff_id != author:
            raise NotFound(f"no note {note_id!r} for customer {customer.customer_id}")
        return note

    def _require_note(self, customer: CustomerKey, note_id: str) -> Note:
        note = self._storage.notes.get(customer, note_id)
        if note is None:
            raise NotFound(f"no note {note_id!r} for customer {customer.customer_id}")
        return note
