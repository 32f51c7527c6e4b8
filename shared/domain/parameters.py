"""Clienteling parameters of a legal entity (the seed's "Clienteling parameters" page)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.domain.model_base import DomainModel, Identifier

MAX_CARD_MEASURES = 3
# Who reads a customer's notes: every associate of the legal entity (the seed's rule), or
# only the associate whose book holds the customer, store managers over that book, and the
# note's author. Activities keep legal-entity visibility either way.
NotesVisibility = Literal["legal-entity", "book-owner-and-managers"]
NOTES_FOR_LEGAL_ENTITY: NotesVisibility = "legal-entity"
NOTES_FOR_BOOK_OWNER_AND_MANAGERS: NotesVisibility = "book-owner-and-managers"


class NumberSequence(DomainModel):
    """How client book ids are made: prefix + zero-padded counter, e.g. CB-000042."""

    prefix: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{0,10}$")] = "CB-"
    digits: int = Field(default=6, ge=3, le=12)

    def format(self, counter: int) -> str:
        return f"{self.prefix}{counter:0{self.digits}d}"


class InsightsParameters(DomainModel):
    enabled: bool = False
    mode: Literal["dataverse", "legacy"] = "dataverse"
    application_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    tenant_id: Annotated[str, StringConstraints(max_length=253)] | None = None
    secret_name: Identifier | None = None
    environment_instance_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    dataverse_url: Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+/?$")] | None = None
    alternate_customer_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    measures: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=MAX_CARD_MEASURES
    )


class ClientelingParameters(DomainModel):
    enabled: bool = True
    number_sequence: NumberSequence = Field(default_factory=NumberSequence)
    attribute_group_id: Identifier | None = None
    allow_multiple_client_books: bool = False
    notes_visibility: NotesVisibility = Field(
        default=NOTES_FOR_LEGAL_ENTITY,
        description="legal-entity: every associate of the legal entity reads a customer's"
        " notes; book-owner-and-managers: the associate whose client book holds the customer,"
        " store managers (manage-store-client-books) whose store client book includes that"
        " book, and each note's author",
    )
    insights: InsightsParameters = Field(default_factory=InsightsParameters)
