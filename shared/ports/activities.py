"""Activity and note storage, shaped for one logical partition per customer.

Every method names one customer (`CustomerKey`), and every page is one query inside that
customer's records, ordered by an index and continued by keyset (start strictly after the
last row shown), never by offset. In Cosmos DB the partition key `/customerKey` is
`{legalEntity}|{customerId}` and the composite index (startTime desc, id desc) serves the
timeline, so each page is ONE single-partition query however many activities a customer has.
Removing a customer from a client book leaves them in place; only a privacy erasure deletes
a customer's activities and notes wholesale (`erase`), in bounded slices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from shared.domain.activities import Activity, TimelineFilter, TimelinePosition
from shared.domain.notes import Note, NotePosition, NoteRevision

T = TypeVar("T")


@dataclass(frozen=True)
class CustomerKey:
    legal_entity: str
    customer_id: str

    @property
    def partition_key(self) -> str:
        """The Cosmos partition key value of this customer's activities and notes."""
        return f"{self.legal_entity}|{self.customer_id}"


@dataclass(frozen=True)
class RevisionPosition:
    """Keyset position in the stream of all revisions: the last (note id, revision) shown."""

    note_id: str
    revision: int


@dataclass(frozen=True)
class ErasedNotes:
    notes: int
    revisions: int

    @property
    def total(self) -> int:
        return self.notes + self.revisions


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_more: bool  # another page follows the last item


class ActivityRecords(Protocol):
    def add(self, activity: Activity) -> Activity:
        """Store a new activity and return it. If the customer already has one with this id
        (a retried request), store nothing and return the one stored first."""
        ...

    def timeline(
        self,
        customer: CustomerKey,
        selection: TimelineFilter,
        after: TimelinePosition | None,
        limit: int,
    ) -> Page[Activity]:
        """Up to `limit` activities in `selection.order`, strictly after `after`."""
        ...

    def latest_start(
        self, customer: CustomerKey, activity_type_ids: Sequence[str], before: str
    ) -> str | None:
        """The start time of the customer's latest activity starting before `before`, of
        these types (any type when empty); None when there is none (follow-up rules)."""
        ...

    def erase(self, customer: CustomerKey, limit: int) -> int:
        """Delete up to `limit` of the customer's activities and say how many went. An
        erasure calls it until it answers 0, so no single call grows with the history."""
        ...


class NoteRecords(Protocol):
    def add(self, note: Note) -> Note:
        """Store a new note and return it; an existing id returns the stored note (retries)."""
        ...

    def get(self, customer: CustomerKey, note_id: str) -> Note | None: ...

    def page(self, customer: CustomerKey, after: NotePosition | None, limit: int) -> Page[Note]:
        """Up to `limit` notes, newest first (created_at desc, note_id desc), after `after`."""
        ...

    def replace(self, note: Note, expected_revision: int, replaced: NoteRevision) -> Note:
        """Write the edited `note` and the revision keeping its previous text, atomically,
        if the stored note is still at `expected_revision`; PreconditionFailed otherwise."""
        ...

    def delete(self, customer: CustomerKey, note_id: str, replaced: NoteRevision) -> None:
        """Remove the note and keep its last text as `replaced`, atomically, if the stored
        note is still at `replaced.revision`; PreconditionFailed otherwise."""
        ...

    def history(
        self, customer: CustomerKey, note_id: str, below_revision: int | None, limit: int
    ) -> Page[NoteRevision]:
        """The note's earlier texts, newest first, with revision numbers below the given one."""
        ...

    def revisions(
        self, customer: CustomerKey, after: RevisionPosition | None, limit: int
    ) -> Page[NoteRevision]:
        """Every kept revision of the customer's notes, deleted notes' included, by note id
        ascending and revision descending, strictly after `after` (exports)."""
        ...

    def erase(self, customer: CustomerKey, limit: int) -> ErasedNotes:
        """Delete up to `limit` of the customer's notes and revisions together (notes first)
        and say how many of each went; called until nothing is left."""
        ...
