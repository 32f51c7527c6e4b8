"""Customer Insights measures for cards: the hook an Insights client plugs into."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from shared.domain.cards import InsightsStatus, MeasureValue
from shared.domain.parameters import InsightsParameters


@dataclass(frozen=True)
class MeasureReading:
    status: InsightsStatus
    values: Mapping[str, Sequence[MeasureValue]] = field(default_factory=dict)
    # Customers whose status differs from `status` (e.g. answered from the cache while the
    # platform failed for the others).
    statuses: Mapping[str, InsightsStatus] = field(default_factory=dict)

    def status_of(self, customer_id: str) -> InsightsStatus:
        return self.statuses.get(customer_id, self.status)


class CardMeasures(Protocol):
    def for_customers(
        self, legal_entity: str, settings: InsightsParameters, customer_ids: Sequence[str]
    ) -> MeasureReading:
        """The selected measures of these customers, quickly: a slow or failing platform
        answers `unavailable` instead of holding the cards back."""
        ...


class NoMeasureSource:
    """No Insights client is plugged in: cards say so and carry attributes only."""

    def for_customers(
        self, legal_entity: str, settings: InsightsParameters, customer_ids: Sequence[str]
    ) -> MeasureReading:
        return MeasureReading(InsightsStatus.UNAVAILABLE)
