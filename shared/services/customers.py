"""Customer use cases at the POS: search, details, and client-book attribute values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain.access import StaffContext
from shared.domain.attributes import AttributeGroup, validate_attribute_values
from shared.domain.book_filters import customer_search_words
from shared.domain.cards import BookReference, CardSource
from shared.domain.client_book_views import (
    AttributeValue,
    BookStatus,
    CustomerDetails,
    CustomerSearchPage,
    SearchHitCard,
)
from shared.domain.consent import ConsentSummary
from shared.domain.customers import Customer, refuse_erased
from shared.domain.errors import NotFound
from shared.domain.store_client_book import in_store_scope, outside_store_scope
from shared.paging import ContinuationCodec
from shared.ports.client_books import BookPosition, ClientBookRecords
from shared.ports.customers import CustomerRecords, StoredCustomer
from shared.ports.storage import Storage
from shared.services.clienteling_context import ClientelingContext, ClientelingContexts
from shared.services.keyset_tokens import position_from, position_token


@dataclass(frozen=True)
class VersionedDetails:
    details: CustomerDetails
    etag: str


def attribute_values(
    group: AttributeGroup | None, values: Mapping[str, Any]
) -> list[AttributeValue]:
    """Every attribute of the group with this customer's value: card order, then by name."""
    if group is None:
        return []
    ordered = sorted(
        group.attributes, key=lambda a: (a.display_order is None, a.display_order or 0, a.name)
    )
    return [
        AttributeValue(
            name=a.name,
            label=a.label,
            type=a.type,
            refinable=a.refinable,
            display_order=a.display_order,
            allowed_values=a.allowed_values,
            value=values.get(a.name),
        )
        for a in ordered
    ]


def book_status(ctx: ClientelingContext, holders: list[BookReference]) -> BookStatus:
    if not holders:
        return BookStatus.NONE
    if any(h.owner_staff_id == ctx.staff_id for h in holders):
        return BookStatus.MINE
    return BookStatus.COLLEAGUE


class CustomerService:
    def __init__(
        self,
        storage: Storage,
        contexts: ClientelingContexts,
        continuation: ContinuationCodec,
    ) -> None:
        self._storage = storage
        self._contexts = contexts
        self._continuation = continuation
        self._consent: Callable[[str, str], ConsentSummary] | None = None

    def show_consent(self, consent: Callable[[str, str], ConsentSummary]) -> None:
        """The card of customer details shows consent per channel, read with this."""
        self._consent = consent

    @property
    def _customers(self) -> CustomerRecords:
        return self._storage.customers

    @property
    def _records(self) -> ClientBookRecords:
        # Read on use: a store without client books yet still serves every other route.
        return self._storage.client_books

    def search(
        self, staff: StaffContext, text: str | None, page_size: int, token: str | None
    ) -> CustomerSearchPage:
        """Customers of the store's address books matching every word; each hit says whose
        book holds it."""
        ctx = self._contexts.of(staff)
        words = customer_search_words(text)
        store = staff.store
        token_scope = f"customer-search|{ctx.legal_entity}|{store.store_id}|{' '.join(words)}"
        after = position_from(self._continuation.decode(token, token_scope))
        hits = self._records.search_customers(
            ctx.legal_entity, store.address_books, words, after, page_size + 1
        )
        more, hits = len(hits) > page_size, hits[:page_size]
        holders = ctx.holders(
            self._records.holdings_of(ctx.legal_entity, [h.card.customer_id for h in hits])
        )
        cards = ctx.cards([h.card for h in hits], holders)
        next_token = None
        if more and hits:
            last = BookPosition(hits[-1].sort_name, hits[-1].card.customer_id)
            next_token = self._continuation.encode(position_token(last), token_scope)
        return CustomerSearchPage(
            customers=[
                SearchHitCard(
                    **card.model_dump(),
                    book_status=book_status(ctx, holders.get(card.customer_id, [])),
                )
                for card in cards
            ],
            continuation_token=next_token,
        )

    def details(self, staff: StaffContext, customer_id: str) -> VersionedDetails:
        """Open to every associate of the legal entity working in the store: any customer of
        the legal entity, whether or not the store's address books list it (a book may hold
        customers from other stores' address books)."""
        ctx = self._contexts.of(staff)
        stored = self._customers.get(ctx.legal_entity, customer_id)
        if stored is None:
            raise NotFound(f"no customer {customer_id!r}", resource="customer")
        return self._details(ctx, stored)

    def set_attributes(
        self, staff: StaffContext, customer_id: str, changes: Mapping[str, Any], if_match: str
    ) -> VersionedDetails:
        """Set or clear (null) client-book attribute values, typed against the published
        group; every card shows the change at once. Only for a customer in the store's scope
        (one of its address books, or a book of the caller's store client book), never for
        an erased one."""
        ctx = self._contexts.of(staff)
        clean = validate_attribute_values(ctx.group, dict(changes))
        current = self._customers.get(ctx.legal_entity, customer_id)
        if current is None:
            raise NotFound(f"no customer {customer_id!r}", resource="customer")
        # An erased customer has no address books left: say why first, not "out of scope".
        refuse_erased([customer_id], self._customers.erased_among(ctx.legal_entity, [customer_id]))
        self._require_in_store_scope(ctx, current)
        stored = self._records.set_attribute_values(ctx.legal_entity, customer_id, clean, if_match)
        return self._details(ctx, stored)

    def require_in_store_scope(self, staff: StaffContext, customer_id: str) -> StoredCustomer:
        """The customer, if in the store's scope (address books or store client book);
        NotFound or Forbidden otherwise."""
        ctx = self._contexts.of(staff)
        stored = self._customers.get(ctx.legal_entity, customer_id)
        if stored is None:
            raise NotFound(f"no customer {customer_id!r}", resource="customer")
        self._require_in_store_scope(ctx, stored)
        return stored

    def _require_in_store_scope(self, ctx: ClientelingContext, stored: StoredCustomer) -> None:
        store = ctx.staff.store
        address_books = Customer.model_validate(stored.body).address_books
        holders: set[str] = set()
        if not set(address_books) & set(store.address_books):  # else no need to read books
            holdings = self._records.holdings_of(ctx.legal_entity, [stored.customer_id])
            holders = {h.owner_staff_id for h in holdings}
        if not in_store_scope(address_books, store, holders, ctx.store_book_owners()):
            raise outside_store_scope(stored.customer_id, store.store_id)

    def _details(self, ctx: ClientelingContext, stored: StoredCustomer) -> VersionedDetails:
        customer = Customer.model_validate(stored.body)
        holders = ctx.holders(self._records.holdings_of(ctx.legal_entity, [stored.customer_id]))
        books = holders.get(stored.customer_id, [])
        source = CardSource(
            customer_id=customer.customer_id,
            name=customer.name,
            email=customer.email,
            phone=customer.phone,
            attributes=customer.attributes,
        )
        card = ctx.cards([source], holders)[0]
        if self._consent is not None:
            consent = self._consent(ctx.legal_entity, stored.customer_id)
            card = card.model_copy(update={"consent": consent})
        details = CustomerDetails(
            card=card,
            address=customer.address,
            address_books=customer.address_books,
            birthday=customer.birthday,
            anniversary=customer.anniversary,
            contact_consent=customer.contact_consent,
            attributes=attribute_values(ctx.group, customer.attributes),
            client_books=books,
        )
        return VersionedDetails(details, stored.etag)
