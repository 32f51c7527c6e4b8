"""Notes on a customer: everyone in the legal entity reads them, only the author changes them.

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
from shared.services.customer_scope import require_customer


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
    def __init__(self, storage: Storage, clock: Clock, continuation: ContinuationCodec) -> None:
        self._storage = storage
        self._clock = clock
        self._continuation = continuation

    def new_note_id(self) -> str:
        return time_ordered_id(self._clock.now())

    def add(self, staff: StaffContext, customer_id: str, text: str, note_id: str) -> Note:
        """A new note by the caller (a retry with the same `note_id` returns the first)."""
        note_text(text)  # refuse bad input before looking anything up
        require_customer(self._storage.customers, staff.legal_entity, customer_id)
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
        """Newest first, paged."""
        customer = require_customer(self._storage.customers, legal_entity, customer_id)
        scope = _scope("notes", legal_entity, customer_id)
        position = self._continuation.decode(token, scope)
        after = NotePosition.from_token(position) if position is not None else None
        page = self._storage.notes.page(customer, after, page_size)
        next_token = None
        if page.has_more and page.items:
            last = page.items[-1]
            next_token = self._continuation.encode(
                NotePosition(last.created_at, last.note_id).to_token(), scope
            )
        return NotePage(page.items, next_token)

    def get(self, legal_entity: str, customer_id: str, note_id: str) -> Note:
        customer = require_customer(self._storage.customers, legal_entity, customer_id)
        return self._require_note(customer, note_id)

    def edit(
        self, staff: StaffContext, customer_id: str, note_id: str, text: str, if_match: str
    ) -> Note:
        """Replace the text (author only, If-Match); the old text goes to the history."""
        customer = require_customer(self._storage.customers, staff.legal_entity, customer_id)
        current = self._require_note(customer, note_id)
        edited, replaced = edit_note(current, text, staff.staff_id, if_match, self._clock.now())
        return self._storage.notes.replace(edited, current.revision, replaced)

    def delete(self, staff: StaffContext, customer_id: str, note_id: str, if_match: str) -> None:
        """Delete (author only, If-Match); the last text stays in the history for admins."""
        customer = require_customer(self._storage.customers, staff.legal_entity, customer_id)
        current = self._require_note(customer, note_id)
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
        require_author(self._require_note(customer, note_id), staff.staff_id)
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

    def _require_note(self, customer: CustomerKey, note_id: str) -> Note:
        note = self._storage.notes.get(customer, note_id)
        if note is None:
            raise NotFound(f"no note {note_id!r} for customer {customer.customer_id}")
        return note
