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


class CardMeasures(Protocol):
    def for_customers(
        self, legal_entity: str, settings: InsightsParameters, customer_ids: Sequence[str]
    ) -> MeasureReading:
        """The selected measures of these customers, quickly: a slow or failing platform
        answers `unavailable` instead of holding the cards back."""
        ...


class NoMeasureSource:
    """No Insights client is plugged in yet: cards say so and carry attributes only."""

    def for_customers(
        self, legal_entity: str, settings: InsightsParameters, customer_ids: Sequence[str]
    ) -> MeasureReading:
        return MeasureReading(InsightsStatus.UNAVAILABLE)
