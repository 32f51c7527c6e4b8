"""The storage port: one object that hands out each area's repository."""

from __future__ import annotations

from typing import Protocol

from shared.ports.client_books import ClientBookRecords
from shared.ports.customers import CustomerRecords
from shared.ports.distribution import DistributionState
from shared.ports.documents import HeadquartersDocuments, PublishedDocuments


class Storage(Protocol):
    headquarters: HeadquartersDocuments
    published: PublishedDocuments
    distribution: DistributionState
    customers: CustomerRecords
    client_books: ClientBookRecords

    def ping(self) -> None:
        """Raise if the store cannot be reached (health check)."""
        ...

    def close(self) -> None: ...
