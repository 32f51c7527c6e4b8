"""What every client book and customer operation starts from: the caller in a store, the
published clienteling setup of their legal entity, and how cards are made there."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shared.domain.access import StaffContext
from shared.domain.attributes import AttributeGroup
from shared.domain.cards import BookReference, Card, CardSource, InsightsStatus, compose_card
from shared.domain.client_book_views import ClientBookSummary
from shared.domain.client_books import BookHolding, ClientBookRecord
from shared.domain.errors import ConfigurationMissing
from shared.domain.parameters import ClientelingParameters
from shared.domain.store_client_book import AddressBookIndex
from shared.ports.card_measures import CardMeasures, MeasureReading
from shared.services.published_view import LegalEntityView, PublishedCache


@dataclass(frozen=True)
class ClientelingContext:
    staff: StaffContext
    entity: LegalEntityView
    parameters: ClientelingParameters
    address_books: AddressBookIndex
    measures: CardMeasures

    @property
    def legal_entity(self) -> str:
        return self.staff.legal_entity

    @property
    def staff_id(self) -> str:
        return self.staff.staff_id

    @property
    def group(self) -> AttributeGroup | None:
        return self.entity.client_book_group()

    @property
    def multiple_books(self) -> bool:
        return self.parameters.allow_multiple_client_books

    def store_book_owners(self) -> frozenset[str]:
        return self.address_books.store_book_owners(self.staff_id)

    def staff_name(self, staff_id: str) -> str:
        found = self.entity.staff.get(staff_id)
        return found.name if found else staff_id

    def reference(self, holding: BookHolding) -> BookReference:
        return BookReference(
            id=holding.book_id,
            owner_staff_id=holding.owner_staff_id,
            owner_name=self.staff_name(holding.owner_staff_id),
        )

    def summary(self, book: ClientBookRecord) -> ClientBookSummary:
        return ClientBookSummary(
            id=book.book_id,
            owner_staff_id=book.owner_staff_id,
            owner_name=self.staff_name(book.owner_staff_id),
            customer_count=book.customer_count,
        )

    def holders(
        self, holdings: Iterable[BookHolding], preferred: Mapping[str, str] | None = None
    ) -> dict[str, list[BookReference]]:
        """Per customer, the books holding it: the view's book for that customer first
        (`preferred`: customer id -> book id), then the caller's own, then by book id."""
        grouped: dict[str, list[BookHolding]] = {}
        for holding in holdings:
            grouped.setdefault(holding.customer_id, []).append(holding)
        chosen = preferred or {}

        def rank(h: BookHolding) -> tuple[bool, bool, str]:
            return (
                h.book_id != chosen.get(h.customer_id),
                h.owner_staff_id != self.staff_id,
                h.book_id,
            )

        return {c: [self.reference(h) for h in sorted(hs, key=rank)] for c, hs in grouped.items()}

    def cards(
        self, sources: Sequence[CardSource], holders: Mapping[str, Sequence[BookReference]]
    ) -> list[Card]:
        """Cards for these customers through the one card composition."""
        reading = self._measures([s.customer_id for s in sources])
        return [
            compose_card(
                source,
                holders.get(source.customer_id, []),
                self.group,
                reading.values.get(source.customer_id, []),
                reading.status_of(source.customer_id),
                self.multiple_books,
            )
            for source in sources
        ]

    def _measures(self, customer_ids: Sequence[str]) -> MeasureReading:
        insights = self.parameters.insights
        if not insights.enabled or not insights.measures or not customer_ids:
            status = InsightsStatus.DISABLED if not insights.enabled else InsightsStatus.OK
            return MeasureReading(status)
        return self.measures.for_customers(self.legal_entity, insights, customer_ids)


class ClientelingContexts:
    """Builds contexts from the published view; the address-book index is built once per
    published version and legal entity."""

    def __init__(self, published: PublishedCache, measures: CardMeasures) -> None:
        self._published = published
        self._measures = measures
        self._indexes: dict[tuple[int, str], AddressBookIndex] = {}
        self._lock = threading.Lock()

    def of(self, staff: StaffContext) -> ClientelingContext:
        view = self._published.current()
        entity = view.entity(staff.legal_entity)
        parameters = entity.parameters
        if parameters is None:
            raise ConfigurationMissing(
                f"clienteling parameters of {staff.legal_entity} have not been published;"
                " an admin saves them and runs distribution job 1110"
            )
        if not parameters.enabled:
            raise ConfigurationMissing(f"clienteling is turned off for {staff.legal_entity}")
        return ClientelingContext(
            staff, entity, parameters, self._index(view.version, entity), self._measures
        )

    def _index(self, version: int, entity: LegalEntityView) -> AddressBookIndex:
        key = (version, entity.legal_entity)
        found = self._indexes.get(key)
        if found is None:
            found = AddressBookIndex.build(entity.staff.values(), entity.stores)
            with self._lock:
                stale = [k for k in self._indexes if k[0] != version]
                for old in stale:
                    self._indexes.pop(old, None)
                self._indexes[key] = found
        return found
