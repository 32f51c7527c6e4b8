"""Notes and their revisions in Cosmos DB, in the customer's partition of `activities`.

Items (partition `/customerKey` = `{legalEntity}|{customerId}`, next to the activities):

    {"id": "note:<noteId>", "customerKey": "USRT|C001", "type": "note",
     "createdAt": "...", "revision": 2, "body": {...Note...}}
    {"id": "revision:<noteId>:<revision>", "customerKey": "USRT|C001", "type": "revision",
     "noteId": "<noteId>", "revision": 1, "body": {...NoteRevision...}}

An edit or a deletion is one transactional batch in that partition: the note is replaced
(or deleted) only if its `_etag` is the one read with the expected revision, and the
revision keeping the replaced text is created in the same batch, so the history can never
miss a text and two editors of the same revision never both succeed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.activities import erase_items
from shared.adapters.cosmos.database import CosmosContainer, Operation
from shared.adapters.cosmos.keyset import Keyset, one_page
from shared.domain.errors import ClientelingError, Conflict, NotFound, PreconditionFailed
from shared.domain.notes import Note, NotePosition, NoteRevision, RevisionChange, note_etag
from shared.ports.activities import CustomerKey, ErasedNotes, Page, RevisionPosition

NOTE_TYPE = "note"
REVISION_TYPE = "revision"
ADD_ATTEMPTS = 3


def note_item_id(note_id: str) -> str:
    return f"{NOTE_TYPE}:{note_id}"


def revision_item_id(note_id: str, revision: int) -> str:
    return f"{REVISION_TYPE}:{note_id}:{revision}"


class CosmosNoteRecords:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def add(self, note: Note) -> Note:
        """One create; a retry of the same id (409) returns the note stored first."""
        item = _note_item(note)
        for _ in range(ADD_ATTEMPTS):
            try:
                self._container.create(item)
                return note
            except Conflict:
                pass
            stored = self._container.read(item["id"], item["customerKey"])
            if stored is not None:
                return _note(stored)
            # Deleted between the create and the read: the retry stores it again, as the
            # embedded store does.
        raise Conflict(f"note {note.note_id} is being written concurrently; try again")

    def get(self, customer: CustomerKey, note_id: str) -> Note | None:
        item = self._container.read(note_item_id(note_id), customer.partition_key)
        return _note(item) if item else None

    def page(self, customer: CustomerKey, after: NotePosition | None, limit: int) -> Page[Note]:
        """Newest first: one single-partition query over the (createdAt, id) index."""
        keyset = Keyset("c.createdAt", "c.id", descending=True)
        where = ["c.customerKey = @key", "c.type = @type"]
        parameters: dict[str, Any] = {"@key": customer.partition_key, "@type": NOTE_TYPE}
        if after is not None:
            where.append(keyset.after(after.created_at, note_item_id(after.note_id), parameters))
        rows, has_more = one_page(
            self._container,
            "c.body",
            where,
            keyset.order_by(),
            parameters,
            customer.partition_key,
            limit,
        )
        return Page([_note(row) for row in rows], has_more)

    def replace(self, note: Note, expected_revision: int, replaced: NoteRevision) -> Note:
        """A point read for the note's `_etag`, then one batch: replace it, keep the text."""
        customer = CustomerKey(note.legal_entity, note.customer_id)
        current = self._current(customer, note.note_id, expected_revision)
        self._write(
            customer,
            note.note_id,
            [
                batches.replace(_note_item(note), etag=current["_etag"]),
                batches.create(_revision_item(replaced)),
            ],
        )
        return note

    def delete(self, customer: CustomerKey, note_id: str, replaced: NoteRevision) -> None:
        """A point read for the note's `_etag`, then one batch: delete it, keep the text."""
        current = self._current(customer, note_id, replaced.revision)
        self._write(
            customer,
            note_id,
            [
                batches.delete(note_item_id(note_id), etag=current["_etag"]),
                batches.create(_revision_item(replaced)),
            ],
        )

    def _current(self, customer: CustomerKey, note_id: str, revision: int) -> dict[str, Any]:
        """The stored note if it is at `revision`; NotFound or PreconditionFailed otherwise."""
        item = self._container.read(note_item_id(note_id), customer.partition_key)
        if item is None or item["revision"] != revision:
            raise _miss(item, note_id)
        return item

    def _write(self, customer: CustomerKey, note_id: str, operations: list[Operation]) -> None:
        try:
            self._container.batch(customer.partition_key, operations)
        except (PreconditionFailed, Conflict, NotFound) as refused:
            # Changed or deleted between the read and the batch (which then did nothing):
            # say which, with the note's ETag now, as the embedded store does.
            item = self._container.read(note_item_id(note_id), customer.partition_key)
            raise _miss(item, note_id) from refused

    def history(
        self, customer: CustomerKey, note_id: str, below_revision: int | None, limit: int
    ) -> Page[NoteRevision]:
        """Newest first: one single-partition query over the (noteId, revision) index."""
        where = ["c.customerKey = @key", "c.type = @type", "c.noteId = @noteId"]
        parameters: dict[str, Any] = {
            "@key": customer.partition_key,
            "@type": REVISION_TYPE,
            "@noteId": note_id,
        }
        if below_revision is not None:
            where.append("c.revision < @below")
            parameters["@below"] = below_revision
        rows, has_more = one_page(
            self._container,
            "c.body",
            where,
            ["c.noteId ASC", "c.revision DESC"],
            parameters,
            customer.partition_key,
            limit,
        )
        return Page([_revision(row) for row in rows], has_more)

    def revisions(
        self, customer: CustomerKey, after: RevisionPosition | None, limit: int
    ) -> Page[NoteRevision]:
        """Every revision of the partition, over the same (noteId, revision desc) index."""
        where = ["c.customerKey = @key", "c.type = @type"]
        parameters: dict[str, Any] = {"@key": customer.partition_key, "@type": REVISION_TYPE}
        if after is not None:
            where.append(
                "(c.noteId > @afterNote OR (c.noteId = @afterNote AND c.revision < @afterRev))"
            )
            parameters["@afterNote"] = after.note_id
            parameters["@afterRev"] = after.revision
        rows, has_more = one_page(
            self._container,
            "c.body",
            where,
            ["c.noteId ASC", "c.revision DESC"],
            parameters,
            customer.partition_key,
            limit,
        )
        return Page([_revision(row) for row in rows], has_more)

    def erase(self, customer: CustomerKey, limit: int) -> ErasedNotes:
        """Notes first, then revisions: each a query for ids and point deletes."""
        notes = erase_items(self._container, customer, (NOTE_TYPE,), limit)
        revisions = erase_items(self._container, customer, (REVISION_TYPE,), limit - notes)
        return ErasedNotes(notes, revisions)


def _miss(item: dict[str, Any] | None, note_id: str) -> ClientelingError:
    """Why a conditional write matched nothing: the note is gone, or it has moved on."""
    if item is None:
        return NotFound(f"no note {note_id!r} for this customer", resource="note")
    return PreconditionFailed(
        f"note {note_id} has changed since you read it; read it again",
        currentEtag=note_etag(item["revision"]),
    )


def _note(item: dict[str, Any]) -> Note:
    return Note(**item["body"])


def _revision(item: dict[str, Any]) -> NoteRevision:
    fields = dict(item["body"])
    fields["change"] = RevisionChange(fields["change"])
    return NoteRevision(**fields)


def _note_item(note: Note) -> dict[str, Any]:
    return {
        "id": note_item_id(note.note_id),
        "customerKey": CustomerKey(note.legal_entity, note.customer_id).partition_key,
        "type": NOTE_TYPE,
        "createdAt": note.created_at,
        "revision": note.revision,
        "body": dataclasses.asdict(note),
    }


def _revision_item(revision: NoteRevision) -> dict[str, Any]:
    body = dataclasses.asdict(revision)
    body["change"] = str(revision.change)
    return {
        "id": revision_item_id(revision.note_id, revision.revision),
        "customerKey": CustomerKey(revision.legal_entity, revision.customer_id).partition_key,
        "type": REVISION_TYPE,
        "noteId": revision.note_id,
        "revision": revision.revision,
        "body": body,
    }
