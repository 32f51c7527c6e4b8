"""Clienteling parameters of a legal entity (the seed's "Clienteling parameters" page)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

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


# Fields of the Customer Insights API mode, retired with that API on 31 August 2024.
RETIRED_INSIGHTS_FIELDS = ("mode", "environmentInstanceId", "environment_instance_id")


class InsightsParameters(DomainModel):
    """Customer Insights - Data, read from its Dataverse environment (`dataverseUrl`)."""

    enabled: bool = False
    application_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    tenant_id: Annotated[str, StringConstraints(max_length=253)] | None = None
    secret_name: Identifier | None = None
    dataverse_url: Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+/?$")] | None = None
    alternate_customer_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    measures: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=MAX_CARD_MEASURES
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_retired_api_mode(cls, data: Any) -> Any:
        # Parameters stored before the API mode was removed still carry its fields (every stored
        # document has at least "mode": "dataverse"); they must keep loading, or the legal
        # entity would drop out of the published view. One that used the retired API cannot
        # reach it any more: it loads with Insights off until dataverseUrl is set and enabled.
        if not isinstance(data, dict) or not any(name in data for name in RETIRED_INSIGHTS_FIELDS):
            return data
        kept = {name: value for name, value in data.items() if name not in RETIRED_INSIGHTS_FIELDS}
        if data.get("mode", "dataverse") != "dataverse":
            kept["enabled"] = False
        return kept


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
