"""The production store: every repository over one Cosmos DB database.

Building it does no I/O: the shared client is created on the first call, so a cold start
with the database briefly unreachable fails that call (503), not the whole app. Containers
are not created here; provisioning does that (Bicep in Azure, `provisioning` locally).
"""

from __future__ import annotations

from functools import partial

from shared.adapters.cosmos.activities import CosmosActivityRecords
from shared.adapters.cosmos.alert_state import CosmosAlertStateStore
from shared.adapters.cosmos.client import ClientConfig
from shared.adapters.cosmos.client_books import CosmosClientBookRecords, refresh_copies
from shared.adapters.cosmos.consent import CosmosConsentRecords
from shared.adapters.cosmos.counters import ChangeSequence, PublishedVersion
from shared.adapters.cosmos.customer_search import CosmosCustomerSearch
from shared.adapters.cosmos.customers import CosmosCustomerRecords
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.distribution import CosmosDistributionState
from shared.adapters.cosmos.documents import (
    CosmosHeadquartersDocuments,
    CosmosPublishedDocuments,
)
from shared.adapters.cosmos.followups import CosmosFollowupRecords
from shared.adapters.cosmos.idempotency import CosmosIdempotencyStore
from shared.adapters.cosmos.notes import CosmosNoteRecords
from shared.adapters.cosmos.outreach import CosmosOutreachRecords
from shared.settings import Settings


class CosmosStorage:
    def __init__(self, database: CosmosDatabase) -> None:
        self.database = database
        headquarters = database.container("headquarters")
        published = database.container("published")
        self.headquarters = CosmosHeadquartersDocuments(headquarters, ChangeSequence(headquarters))
        self.published = CosmosPublishedDocuments(published, PublishedVersion(published))
        self.distribution = CosmosDistributionState(database.container("distribution"))
        customers = database.container("customers")
        books = database.container("books")
        # Memberships copy card fields from customers on add; an import that changes a
        # customer refreshes the copies (one query per chunk, batches only where held).
        # Tombstones sit in the legal entity's partition of books, next to the holders.
        # Customer search reads its own container of search keys, written with each customer.
        search = CosmosCustomerSearch(database.container("search"))
        self.customers = CosmosCustomerRecords(
            customers, books, search, on_changed=partial(refresh_copies, books)
        )
        self.client_books = CosmosClientBookRecords(books, customers, search)
        self.alert_state = CosmosAlertStateStore(database.container("operations"))
        # A customer's activities, notes and note revisions share one partition.
        activities = database.container("activities")
        self.activities = CosmosActivityRecords(activities)
        self.notes = CosmosNoteRecords(activities)
        self.idempotency = CosmosIdempotencyStore(database.container("idempotency"))
        self.consent = CosmosConsentRecords(database.container("consent"))
        # An owner's follow-ups share one partition: the worklist is one query.
        self.followups = CosmosFollowupRecords(database.container("followups"))
        # Messages and their outbox entries; each message's activity goes to `activities`.
        self.outreach = CosmosOutreachRecords(database.container("outreach"), activities)

    @classmethod
    def from_settings(cls, settings: Settings) -> CosmosStorage:
        config = ClientConfig.from_settings(settings.cosmos)
        return cls(CosmosDatabase(config, settings.cosmos.database))

    def ping(self) -> None:
        self.database.ping()

    def close(self) -> None:
        """Nothing to close per store: the client is shared by the whole process."""
