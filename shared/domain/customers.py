"""Customer master data as imported from headquarters."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from shared.domain.consent import ImportedConsents
from shared.domain.errors import Conflict
from shared.domain.model_base import DomainModel, Identifier, Name, StoredDate, one_line_text
from shared.domain.outreach import LanguageCode

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+()./ -]{3,30}$")]
ShortText = one_line_text(max_length=200)


class Address(DomainModel):
    street: ShortText | None = None
    city: ShortText | None = None
    postal_code: one_line_text(max_length=20) | None = None
    country: one_line_text(max_length=3) | None = None


class Customer(DomainModel):
    customer_id: Identifier
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    address_books: list[Identifier] = Field(default_factory=list, max_length=20)
    birthday: StoredDate | None = None
    anniversary: StoredDate | None = None
    contact_consent: bool = Field(
        default=False,
        description="headquarters' consent flag: true means opted-in on email and SMS at an"
        " unknown time (never over what the customer said since); false states nothing."
        " Per-channel consent with its time goes in an import's `consent`",
    )
    language: LanguageCode | None = Field(
        default=None, description="for message templates and SMS confirmations"
    )
    attributes: dict[str, Any] = Field(default_factory=dict)


class CustomerErased(Conflict):
    """The customer was erased: their tombstone refuses every write about them until a
    headquarters import restores them (`"restore": true`)."""

    slug = "customer-erased"
    title = "Customer was erased"

    def __init__(self, customer_ids: Sequence[str]) -> None:
        shown = ", ".join(customer_ids[:10])
        super().__init__(
            f"{shown} {'was' if len(customer_ids) == 1 else 'were'} erased; nothing was written",
            customerIds=list(customer_ids),
        )
        self.customer_ids = list(customer_ids)


def refuse_erased(customer_ids: Sequence[str], erased: Collection[str]) -> None:
    """Raise CustomerErased naming, in request order, the ids that carry a tombstone."""
    found = [c for c in customer_ids if c in erased]
    if found:
        raise CustomerErased(found)


class CustomerImportRecord(Customer):
    """A customer record of a headquarters import. An erased customer's id is rejected
    unless the record says `restore: true`: headquarters brings the customer back on
    purpose, never by re-sending an old extract."""

    restore: bool = False
    consent: ImportedConsents | None = Field(
        default=None,
        description="consent per channel with the time the customer gave it; recorded in the"
        " customer's consent history, not in the customer record",
    )

    def customer(self) -> Customer:
        """The master data to store (without the import's own instruction and consent)."""
        return Customer.model_validate(self.model_dump(exclude={"restore", "consent"}))
