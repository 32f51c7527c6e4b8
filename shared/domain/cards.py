"""The customer card: the one composition every view uses (my book, store book, search,
details).

A card is contact information plus at most three more values: the Customer Insights
measures selected in the parameters first, then client-book attributes by display order
until three are shown. The slots are fixed per legal entity, so every card in a list shows
the same properties in the same order; a customer without a value shows `null` there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field

from shared.domain.attributes import AttributeGroup
from shared.domain.consent import ConsentSummary
from shared.domain.model_base import DomainModel

CARD_PROPERTIES = 3


class PropertyKind(StrEnum):
    MEASURE = "measure"
    ATTRIBUTE = "attribute"


class InsightsStatus(StrEnum):
    OK = "ok"
    DISABLED = "disabled"  # the integration is off in the parameters
    UNAVAILABLE = "unavailable"  # on, but the platform did not answer in time


class BookReference(DomainModel):
    """Which client book holds the customer, and whose it is."""

    id: str = Field(description="client book id from the number sequence, e.g. CB-000042")
    owner_staff_id: str
    owner_name: str


class CardProperty(DomainModel):
    kind: PropertyKind
    name: str
    label: str
    value: Any = Field(description="typed as the attribute or measure; null when not set")


class CardInsights(DomainModel):
    status: InsightsStatus


class Card(DomainModel):
    customer_id: str
    name: str
    email: str | None
    phone: str | None
    client_book: BookReference | None = Field(
        description="the book this view shows the customer in; null when in no book"
    )
    client_books: list[BookReference] | None = Field(
        default=None,
        description="every book holding the customer; only when allowMultipleClientBooks is on",
    )
    properties: list[CardProperty]
    insights: CardInsights
    consent: ConsentSummary | None = Field(
        default=None,
        description="consent per channel (email, sms); on customer details only (lists leave"
        " it null: it is a read per customer)",
    )


@dataclass(frozen=True)
class CardSource:
    """What a card is made from: the customer's contact fields and attribute values."""

    customer_id: str
    name: str
    email: str | None
    phone: str | None
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class MeasureValue:
    """One Customer Insights measure for one customer (value None: not computed)."""

    name: str
    label: str
    value: Any


def card_properties(
    group: AttributeGroup | None,
    attributes: Mapping[str, Any],
    measures: Sequence[MeasureValue],
) -> list[CardProperty]:
    """Measures first, then attributes by display order, at most three in all."""
    shown = [
        CardProperty(kind=PropertyKind.MEASURE, name=m.name, label=m.label, value=m.value)
        for m in measures[:CARD_PROPERTIES]
    ]
    for definition in group.card_order() if group else []:
        if len(shown) >= CARD_PROPERTIES:
            break
        shown.append(
            CardProperty(
                kind=PropertyKind.ATTRIBUTE,
                name=definition.name,
                label=definition.label,
                value=attributes.get(definition.name),
            )
        )
    return shown


def compose_card(
    source: CardSource,
    holders: Sequence[BookReference],
    group: AttributeGroup | None,
    measures: Sequence[MeasureValue],
    insights: InsightsStatus,
    multiple_books: bool,
) -> Card:
    """The card of one customer. `holders` lists the books holding it, the one this view
    is about first; with several books allowed, the card names all of them."""
    return Card(
        customer_id=source.customer_id,
        name=source.name,
        email=source.email,
        phone=source.phone,
        client_book=holders[0] if holders else None,
        client_books=list(holders) if multiple_books else None,
        properties=card_properties(group, source.attributes, measures),
        insights=CardInsights(status=insights),
    )
