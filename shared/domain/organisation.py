"""Stores, staff and permission sets of a legal entity (headquarters master data)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.model_base import DomainModel, Identifier, Name
from shared.domain.time_zones import DEFAULT_TIME_ZONE, TimeZoneName


class Operation(StrEnum):
    """The seed's POS operations; a permission set grants a subset of them."""

    VIEW_CLIENT_BOOK = "view-client-book"  # 712
    VIEW_STORE_CLIENT_BOOK = "view-store-client-book"  # 713
    ADD_TO_CLIENT_BOOK = "add-to-client-book"  # 714
    REMOVE_FROM_CLIENT_BOOK = "remove-from-client-book"  # 715
    REASSIGN_CUSTOMERS = "reassign-customers"  # 716
    # A store manager removes customers from colleagues' books in the store client book.
    MANAGE_STORE_CLIENT_BOOKS = "manage-store-client-books"
    # Set or clear client-book attribute values of a customer in the store's scope. Not a
    # seed number: the seed let anyone who opens details change them.
    EDIT_CUSTOMER_ATTRIBUTES = "edit-customer-attributes"
    # Record a customer's opt-in or opt-out (email, SMS) with their confirmation, for a
    # customer in the store's scope. Not a seed number either.
    CAPTURE_CONSENT = "capture-consent"


OPERATION_NUMBERS = {
    Operation.VIEW_CLIENT_BOOK: 712,
    Operation.VIEW_STORE_CLIENT_BOOK: 713,
    Operation.ADD_TO_CLIENT_BOOK: 714,
    Operation.REMOVE_FROM_CLIENT_BOOK: 715,
    Operation.REASSIGN_CUSTOMERS: 716,
}

ObjectId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]


class Store(DomainModel):
    store_id: Identifier
    name: Name
    address_books: list[Identifier] = Field(min_length=1, max_length=20)
    time_zone: TimeZoneName = DEFAULT_TIME_ZONE
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+()./ -]{3,30}$")] | None = Field(
        default=None, description="the store's phone, for the {store.phone} placeholder"
    )


class PermissionSet(DomainModel):
    permission_set_id: Identifier
    name: Name
    operations: list[Operation] = Field(default_factory=list)


class Staff(DomainModel):
    staff_id: Identifier
    name: Name
    object_id: ObjectId = Field(description="Entra ID object id (the token's oid claim)")
    stores: list[Identifier] = Field(min_length=1, max_length=100)
    permission_set_id: Identifier
    active: bool = True
