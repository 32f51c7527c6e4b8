"""Response shapes of the privacy routes: a customer's export and the erasure log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import Field

from functions.activity_schemas import ActivityResource
from functions.note_schemas import NoteResource, NoteRevisionResource
from shared.domain.client_book_views import AuditRecord
from shared.domain.consent import ConsentEvent, history_from_json
from shared.domain.followup_views import FollowupResource
from shared.domain.model_base import DomainModel, Identifier
from shared.domain.notes import NoteRevision
from shared.ports.client_books import AuditEntry
from shared.services.privacy import CustomerExport, Erasure


class ErasureRequest(DomainModel):
    """An erasure cannot be undone: the body repeats the customer id, so a mistyped or
    replayed URL alone erases nothing."""

    confirm_customer_id: Identifier = Field(description="the customer id of the route, again")


class ExportedMembership(DomainModel):
    client_book_id: str
    owner_staff_id: str
    owner_name: str


class ExportedNote(NoteResource):
    history: list[NoteRevisionResource] = Field(description="earlier texts, newest first")


class ExportedDeletedNote(DomainModel):
    note_id: str
    history: list[NoteRevisionResource] = Field(
        description="every text it had, newest (the one it was deleted with) first"
    )


class CustomerExportResource(DomainModel):
    customer_id: str
    legal_entity: str
    exported_at: str
    customer: dict[str, Any] = Field(description="master data as stored (customer import form)")
    attributes: dict[str, Any] = Field(description="client-book attribute values")
    client_books: list[ExportedMembership]
    activities: list[ActivityResource] = Field(description="all of them, newest first")
    notes: list[ExportedNote] = Field(description="all current notes, newest first")
    deleted_notes: list[ExportedDeletedNote]
    client_book_audit: list[AuditRecord] = Field(description="entries naming the customer")
    consent: list[ConsentEvent] = Field(
        default_factory=list, description="consent history, in the order it was recorded"
    )
    followups: list[FollowupResource] = Field(
        default_factory=list, description="every associate's follow-ups of the customer"
    )

    @classmethod
    def of(
        cls, export: CustomerExport, exported_at: str, staff_name: Callable[[str], str]
    ) -> CustomerExportResource:
        customer = export.customer
        histories = _histories(export.revisions)
        current = {n.note_id for n in export.notes}
        return cls(
            customer_id=customer.customer_id,
            legal_entity=customer.legal_entity,
            exported_at=exported_at,
            customer=customer.body,
            attributes=customer.body.get("attributes", {}),
            client_books=[
                ExportedMembership(
                    client_book_id=h.book_id,
                    owner_staff_id=h.owner_staff_id,
                    owner_name=staff_name(h.owner_staff_id),
                )
                for h in export.holdings
            ],
            activities=[ActivityResource.of(a) for a in export.activities],
            notes=[
                ExportedNote(
                    **NoteResource.of(n).model_dump(), history=histories.get(n.note_id, [])
                )
                for n in export.notes
            ],
            deleted_notes=[
                ExportedDeletedNote(note_id=note_id, history=history)
                for note_id, history in histories.items()
                if note_id not in current
            ],
            client_book_audit=[_audit_record(e) for e in export.audit],
            consent=history_from_json(export.consent),
            followups=[FollowupResource.of(f) for f in export.followups],
        )


def _histories(revisions: Sequence[NoteRevision]) -> dict[str, list[NoteRevisionResource]]:
    """Revisions grouped per note, keeping their order (newest first within a note)."""
    grouped: dict[str, list[NoteRevisionResource]] = {}
    for revision in revisions:
        grouped.setdefault(revision.note_id, []).append(NoteRevisionResource.of(revision))
    return grouped


def _audit_record(entry: AuditEntry) -> AuditRecord:
    return AuditRecord(
        entry_id=entry.entry_id,
        recorded_at=entry.recorded_at,
        action=entry.action,
        store_id=entry.store_id,
        actor_staff_id=entry.actor_staff_id,
        customer_id=entry.customer_id,
        from_client_book_id=entry.from_book_id,
        from_staff_id=entry.from_staff_id,
        to_client_book_id=entry.to_book_id,
        to_staff_id=entry.to_staff_id,
    )


class ErasureCountsResource(DomainModel):
    client_books: int = Field(description="client books the customer was removed from")
    activities: int = Field(description="activities deleted")
    notes: int = Field(description="notes deleted")
    note_revisions: int = Field(description="earlier note texts deleted")
    followups: int = Field(default=0, description="follow-ups deleted (any associate's)")
    messages: int = Field(default=0, description="messages sent to the customer deleted")


class ErasureResource(DomainModel):
    """What an erasure did. Deliberately without personal data: ids, a time and counts."""

    customer_id: str
    erased_at: str
    erased_by: str = Field(description="object id of the admin who erased")
    counts: ErasureCountsResource

    @classmethod
    def of(cls, erasure: Erasure) -> ErasureResource:
        counts = erasure.counts
        return cls(
            customer_id=erasure.customer_id,
            erased_at=erasure.erased_at,
            erased_by=erasure.erased_by,
            counts=ErasureCountsResource(
                client_books=counts.client_books,
                activities=counts.activities,
                notes=counts.notes,
                note_revisions=counts.note_revisions,
                followups=counts.followups,
                messages=counts.messages,
            ),
        )


class ErasureLog(DomainModel):
    customer_id: str
    erasures: list[ErasureResource] = Field(description="oldest first")
