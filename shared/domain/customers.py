"""Customer master data as imported from headquarters."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from shared.domain.model_base import DomainModel, Identifier, Name, OneLineText, StoredDate

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+()./ -]{3,30}$")]
ShortText = Annotated[OneLineText, StringConstraints(max_length=200)]


class Address(DomainModel):
    street: ShortText | None = None
    city: ShortText | None = None
    postal_code: Annotated[OneLineText, StringConstraints(max_length=20)] | None = None
    country: Annotated[OneLineText, StringConstraints(max_length=3)] | None = None


class Customer(DomainModel):
    customer_id: Identifier
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    address_books: list[Identifier] = Field(default_factory=list, max_length=20)
    birthday: StoredDate | None = None
    anniversary: StoredDate | None = None
    contact_consent: bool = False
    attributes: dict[str, Any] = Field(default_factory=dict)
