"""Activity and note storage, shaped for one logical partition per customer.

Every method names one customer (`CustomerKey`), and every page is one query inside that
customer's records, ordered by an index and continued by keyset (start strictly after the
last row shown), never by offset. In Cosmos DB the partition key `/customerKey` is
`{legalEntity}|{customerId}` and the composite index (startTime desc, id desc) serves the
timeline, so each page is ONE single-partition query however many activities a customer has.
Nothing here deletes a customer's activities or notes wholesale: removing a customer from a
client book leaves them in place.
"""

from __future__ import annotations

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
