"""The storage port: one object that hands out each area's repository."""

from __future__ import annotations

from typing import Protocol

from shared.alerts.state import AlertStateStore
from shared.ports.activities import ActivityRecords, NoteRecords
from shared.ports.client_books import ClientBookRecords
from shared.ports.consent import ConsentRecords
from shared.ports.customers import CustomerRecords
from shared.ports.distribution import DistributionState
from shared.ports.documents import HeadquartersDocuments, PublishedDocuments
from shared.ports.followups import FollowupRecords
from shared.ports.idempotency import IdempotencyStore
from shared.ports.outreach_messages import OutreachRecords


class Storage(Protocol):
    headquarters: HeadquartersDocuments
    published: PublishedDocuments
    distribution: DistributionState
    customers: CustomerRecords
    alert_state: AlertStateStore
    activities: ActivityRecords
    notes: NoteRecords
    idempotency: IdempotencyStore
    client_books: ClientBookRecords
    consent: ConsentRecords
    followups: FollowupRecords
    outreach: OutreachRecords

    def ping(self) -> None:
        """Raise if the store cannot be reached (health check)."""
        ...

    def close(self) -> None: ...
