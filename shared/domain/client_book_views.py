"""What the client book and customer operations answer: books, pages, change reports."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import Field

from shared.domain.attributes import AttributeType
from shared.domain.cards import BookReference, Card
from shared.domain.customers import Address
from shared.domain.model_base import DomainModel
from shared.domain.refiners import Refiner


class ClientBookSummary(DomainModel):
    id: str
    owner_staff_id: str
    owner_name: str
    customer_count: int


class MyClientBook(DomainModel):
    client_book: ClientBookSummary | None = Field(
        description="null until the first customer is added"
    )


class BookPage(DomainModel):
    customers: list[Card]
    refiners: list[Refiner] | None = Field(
        description="per refinable attribute, over the whole filtered set; on the first page"
        " only (null on pages fetched with a continuation token)"
    )
    total_count: int = Field(description="customers matching the filters (all pages)")
    continuation_token: str | None


class AddReport(DomainModel):
    client_book: ClientBookSummary
    created: bool = Field(description="true when this add created the book")
    added: list[str]
    already_in_book: list[str]


class RemoveReport(DomainModel):
    client_book: ClientBookSummary | None
    removed: list[str]
    not_in_book: list[str]


class ReassignedCustomer(DomainModel):
    customer_id: str
    from_client_book_id: str
    from_staff_id: str


class ReassignReport(DomainModel):
    client_book: ClientBookSummary = Field(description="the target associate's book")
    reassigned: list[ReassignedCustomer]
    already_in_book: list[str]


class BookStatus(StrEnum):
    MINE = "mine"
    COLLEAGUE = "colleague"
    NONE = "none"


class SearchHitCard(Card):
    book_status: BookStatus = Field(
        description="mine: in your book; colleague: in someone else's (see clientBook); none"
    )


class CustomerSearchPage(DomainModel):
    customers: list[SearchHitCard]
    continuation_token: str | None


class AttributeValue(DomainModel):
    name: str
    label: str
    type: AttributeType
    refinable: bool
    display_order: int | None
    allowed_values: list[str] | None
    value: Any


class CustomerDetails(DomainModel):
    card: Card
    address: Address | None
    address_books: list[str]
    birthday: dt.date | None
    anniversary: dt.date | None
    contact_consent: bool
    attributes: list[AttributeValue] = Field(
        description="every attribute of the client-book group, display order first"
    )
    client_books: list[BookReference] = Field(description="every book holding the customer")


class AuditRecord(DomainModel):
    entry_id: int
    recorded_at: str
    action: str = Field(description="reassign, or remove (a manager removing from a colleague)")
    store_id: str
    actor_staff_id: str
    customer_id: str
    from_client_book_id: str | None
    from_staff_id: str | None
    to_client_book_id: str | None
    to_staff_id: str | None


class AuditPage(DomainModel):
    entries: list[AuditRecord]
    continuation_token: str | None
