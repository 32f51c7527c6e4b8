"""A customer's right of access (export) and right to erasure, for headquarters.

Both walk the stores page by page: a customer with a long history is read or deleted in
bounded slices, never with one unbounded query. The export is assembled in memory, which
is fine for one customer.

Erasure, in this order so that a retry after a crash simply finishes the job:
0. a tombstone is left: from now on every write about the customer (notes, activities,
   client book changes, attribute values) is refused with 409 `customer-erased`, and a
   headquarters import of the id is rejected unless its record says `"restore": true`;
1. the consent record goes, with its whole history and the phone lookup that finds the
   customer by number (before the master data, so a retry still knows the customer);
2. the master data is anonymised (name "Erased customer"; contact fields, important dates,
   address books and attribute values cleared), so a client book add racing the erasure can
   only copy the anonymised card;
3. the customer leaves every client book (the memberships held copies of the card);
4. activities are deleted, not anonymised: what remains of an anonymised activity (type,
   time, store, associate) still describes the customer's behaviour under their id;
5. notes and every kept revision are deleted;
6. an erasure record is appended: who (the admin's object id), when, the customer id and
   counts, and nothing else.
Client book audit entries stay: they hold only ids (who moved which customer id where).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shared.domain.activities import Activity, TimelineFilter, TimelinePosition
from shared.domain.client_books import BookHolding
from shared.domain.customers import Customer
from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.followups import Followup
from shared.domain.notes import Note, NotePosition, NoteRevision
from shared.ports.activities import CustomerKey, Page, RevisionPosition
from shared.ports.client_books import AuditEntry, ClientBookRecords
from shared.ports.clock import Clock, iso
from shared.ports.customers import StoredCustomer
from shared.ports.storage import Storage
from shared.services.customer_scope import require_customer
from shared.services.followups import FollowupService

T = TypeVar("T")
READ_PAGE = 200  # records per store read while exporting
ERASE_SLICE = 100  # records per store call while erasing (one Cosmos batch's worth)
ERASED_NAME = "Erased customer"
ERASURE_KIND = "customer-erasure"  # headquarters document per customer: its erasure log
RECORD_ATTEMPTS = 3


@dataclass(frozen=True)
class CustomerExport:
    customer: StoredCustomer
    holdings: list[BookHolding]
    activities: list[Activity]
    notes: list[Note]
    revisions: list[NoteRevision]  # every kept earlier text, deleted notes' included
    audit: list[AuditEntry]
    consent: list[dict[str, Any]]  # the consent history as stored
    followups: list[Followup] = field(default_factory=list)  # any associate's, any state


@dataclass(frozen=True)
class ErasureCounts:
    client_books: int
    activities: int
    notes: int
    note_revisions: int
    followups: int = 0  # erasures recorded before follow-ups existed read as 0
    messages: int = 0  # messages sent to the customer (their texts); logs before it lack it


@dataclass(frozen=True)
class Erasure:
    customer_id: str
    erased_at: str
    erased_by: str  # the admin's object id
    counts: ErasureCounts


def pages(read: Callable[[Any], Page[T]], position: Callable[[T], Any]) -> Iterator[T]:
    """Every item of a keyset-paged store read, page by page."""
    after = None
    while True:
        page = read(after)
        yield from page.items
        if not page.has_more or not page.items:
            return
        after = position(page.items[-1])


class PrivacyService:
    def __init__(
        self, storage: Storage, clock: Clock, followups: FollowupService | None = None
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._followups = followups

    @property
    def _books(self) -> ClientBookRecords:
        # Read on use, as the client book service does.
        return self._storage.client_books

    # -- export ---------------------------------------------------------------------------

    def export(self, legal_entity: str, customer_id: str) -> CustomerExport:
        stored = self._storage.customers.get(legal_entity, customer_id)
        if stored is None:  # as require_customer answers: nothing about other legal entities
            raise NotFound(f"no customer {customer_id!r} in {legal_entity}", resource="customer")
        key = CustomerKey(legal_entity, customer_id)
        consent = self._storage.consent.get(legal_entity, customer_id)
        return CustomerExport(
            customer=stored,
            holdings=self._books.holdings_of(legal_entity, [customer_id]),
            activities=list(self._activities(key)),
            notes=list(self._notes(key)),
            revisions=list(self._revisions(key)),
            audit=list(self._audit(key)),
            consent=consent.history if consent else [],
            followups=self._storage.followups.of_customer(legal_entity, customer_id),
        )

    def _activities(self, key: CustomerKey) -> Iterator[Activity]:
        newest_first = TimelineFilter()
        return pages(
            lambda after: self._storage.activities.timeline(key, newest_first, after, READ_PAGE),
            lambda a: TimelinePosition(a.start_time, a.activity_id),
        )

    def _notes(self, key: CustomerKey) -> Iterator[Note]:
        return pages(
            lambda after: self._storage.notes.page(key, after, READ_PAGE),
            lambda n: NotePosition(n.created_at, n.note_id),
        )

    def _revisions(self, key: CustomerKey) -> Iterator[NoteRevision]:
        return pages(
            lambda after: self._storage.notes.revisions(key, after, READ_PAGE),
            lambda r: RevisionPosition(r.note_id, r.revision),
        )

    def _audit(self, key: CustomerKey) -> Iterator[AuditEntry]:
        before: int | None = None
        while True:
            entries = self._books.audit_trail(
                key.legal_entity, key.customer_id, before, READ_PAGE + 1
            )
            yield from entries[:READ_PAGE]
            if len(entries) <= READ_PAGE:
                return
            before = entries[READ_PAGE - 1].entry_id

    # -- erasure --------------------------------------------------------------------------

    def erase(self, legal_entity: str, customer_id: str, admin_object_id: str) -> Erasure:
        """Erase the customer's personal data; erasing again finds less (or nothing) to do."""
        key = require_customer(self._storage.customers, legal_entity, customer_id)
        erased_at = iso(self._clock.now())
        self._storage.customers.mark_erased(legal_entity, customer_id, erased_at)
        self._storage.consent.erase(legal_entity, customer_id)
        self._anonymise(legal_entity, customer_id)
        counts = ErasureCounts(
            client_books=self._leave_books(key),
            activities=self._until_none(lambda: self._storage.activities.erase(key, ERASE_SLICE)),
            **self._erase_notes(key),
            # Through the follow-up service, whoever's worklist holds them: independent of
            # how books keep their members.
            followups=(
                self._followups.customer_erased(legal_entity, customer_id) if self._followups else 0
            ),
            messages=self._until_none(lambda: self._storage.outreach.erase(key, ERASE_SLICE)),
        )
        erasure = Erasure(customer_id, erased_at, admin_object_id, counts)
        self._record(legal_entity, erasure)
        return erasure

    def erasures(self, legal_entity: str, customer_id: str) -> list[Erasure]:
        """The erasure log of a customer, oldest first (empty if never erased)."""
        require_customer(self._storage.customers, legal_entity, customer_id)
        stored = self._storage.headquarters.get(legal_entity, ERASURE_KIND, customer_id)
        return [_erasure(customer_id, e) for e in stored.body["erasures"]] if stored else []

    def _anonymise(self, legal_entity: str, customer_id: str) -> None:
        anonymous = Customer(customer_id=customer_id, name=ERASED_NAME).to_json()
        self._storage.customers.upsert_many(legal_entity, [anonymous])

    def _leave_books(self, key: CustomerKey) -> int:
        left = 0
        for holding in self._books.holdings_of(key.legal_entity, [key.customer_id]):
            outcome = self._books.remove_from_book(
                key.legal_entity, holding.owner_staff_id, [key.customer_id], audit=None
            )
            left += len(outcome.removed)
        return left

    def _erase_notes(self, key: CustomerKey) -> dict[str, int]:
        notes = revisions = 0
        while True:
            erased = self._storage.notes.erase(key, ERASE_SLICE)
            notes, revisions = notes + erased.notes, revisions + erased.revisions
            if erased.total == 0:
                return {"notes": notes, "note_revisions": revisions}

    @staticmethod
    def _until_none(erase_slice: Callable[[], int]) -> int:
        total = 0
        while erased := erase_slice():
            total += erased
        return total

    def _record(self, legal_entity: str, erasure: Erasure) -> None:
        """Append to the customer's erasure log; a concurrent append makes us read again."""
        store = self._storage.headquarters
        entry = _erasure_json(erasure)
        for _ in range(RECORD_ATTEMPTS):
            stored = store.get(legal_entity, ERASURE_KIND, erasure.customer_id)
            earlier = stored.body["erasures"] if stored else []
            body = {"customerId": erasure.customer_id, "erasures": [*earlier, entry]}
            try:
                store.put(
                    legal_entity,
                    ERASURE_KIND,
                    erasure.customer_id,
                    body,
                    if_match=stored.etag if stored else None,
                )
                return
            except PreconditionFailed:
                continue
        raise PreconditionFailed("the erasure log changed meanwhile; erase again to record it")


def _erasure_json(erasure: Erasure) -> dict[str, Any]:
    counts = erasure.counts
    return {
        "erasedAt": erasure.erased_at,
        "erasedBy": erasure.erased_by,
        "counts": {
            "clientBooks": counts.client_books,
            "activities": counts.activities,
            "notes": counts.notes,
            "noteRevisions": counts.note_revisions,
            "followups": counts.followups,
            "messages": counts.messages,
        },
    }


def _erasure(customer_id: str, body: dict[str, Any]) -> Erasure:
    counts = body["counts"]
    return Erasure(
        customer_id,
        body["erasedAt"],
        body["erasedBy"],
        ErasureCounts(
            counts["clientBooks"],
            counts["activities"],
            counts["notes"],
            counts["noteRevisions"],
            counts.get("followups", 0),
            counts.get("messages", 0),
        ),
    )
