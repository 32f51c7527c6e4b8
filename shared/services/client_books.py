"""Client book use cases: my book, the store client book, add, remove, reassign, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from shared.domain.access import StaffContext
from shared.domain.book_filters import BookFilters, parse_book_filters
from shared.domain.cards import Card
from shared.domain.client_book_views import (
    AddReport,
    AuditPage,
    AuditRecord,
    BookPage,
    MyClientBook,
    ReassignedCustomer,
    ReassignReport,
    RemoveReport,
)
from shared.domain.client_books import (
    BookHolding,
    CustomerInAnotherBook,
    book_outside_store_client_book,
    changed_meanwhile,
    checked_batch,
    one_book_conflicts,
    outside_store_client_book,
    unknown_customers,
)
from shared.domain.customers import refuse_erased
from shared.domain.errors import InvalidContinuationToken, ValidationFailed
from shared.domain.organisation import Operation
from shared.domain.refiners import build_refiner, refinable_attributes
from shared.domain.time_zones import local_date
from shared.paging import ContinuationCodec
from shared.ports.client_books import (
    AuditStamp,
    BookEntry,
    BookPosition,
    BookScope,
    ClientBookRecords,
    HeldElsewhere,
    HoldingsChanged,
)
from shared.ports.clock import Clock, iso
from shared.ports.storage import Storage
from shared.services.clienteling_context import ClientelingContext, ClientelingContexts
from shared.services.followups import FollowupService
from shared.services.keyset_tokens import position_from, position_token

Query = Mapping[str, list[str]]


class ClientBookService:
    def __init__(
        self,
        storage: Storage,
        contexts: ClientelingContexts,
        continuation: ContinuationCodec,
        clock: Clock,
        followups: FollowupService | None = None,
    ) -> None:
        self._storage = storage
        self._contexts = contexts
        self._continuation = continuation
        self._clock = clock
        # Follow-ups follow book changes here, at the service layer, after the book change
        # has committed: whatever the membership layout, the same calls carry them through.
        self._followups = followups

    @property
    def _records(self) -> ClientBookRecords:
        # Read on use: a store without client books yet still serves every other route.
        return self._storage.client_books

    # -- reading --------------------------------------------------------------------------

    def my_book(self, staff: StaffContext) -> MyClientBook:
        ctx = self._contexts.of(staff)
        book = self._records.book_of(ctx.legal_entity, ctx.staff_id)
        return MyClientBook(client_book=ctx.summary(book) if book else None)

    def my_book_page(
        self, staff: StaffContext, query: Query, page_size: int, token: str | None
    ) -> BookPage:
        """Operation 712: my book's cards, filtered, with refiners on the first page."""
        ctx = self._contexts.of(staff)
        filters = parse_book_filters(query, ctx.group, self._today(ctx))
        scope = BookScope(ctx.legal_entity, (ctx.staff_id,))
        return self._page(ctx, "my-book", scope, filters, page_size, token)

    def store_book_page(
        self, staff: StaffContext, query: Query, page_size: int, token: str | None
    ) -> BookPage:
        """Operation 713: the books of everyone sharing an address book with the caller."""
        ctx = self._contexts.of(staff)
        filters = parse_book_filters(query, ctx.group, self._today(ctx), owner_filter_allowed=True)
        owners = ctx.store_book_owners()
        if filters.owner_staff_id is not None and filters.owner_staff_id not in owners:
            raise ValidationFailed.single(
                "ownerStaffId", "is not an associate of your store client book"
            )
        scope = BookScope(
            ctx.legal_entity, tuple(sorted(owners)), one_row_per_customer=ctx.multiple_books
        )
        return self._page(ctx, "store-book", scope, filters, page_size, token)

    def _page(
        self,
        ctx: ClientelingContext,
        view: str,
        scope: BookScope,
        filters: BookFilters,
        page_size: int,
        token: str | None,
    ) -> BookPage:
        token_scope = "|".join(
            (view, ctx.legal_entity, ctx.staff.store.store_id, ctx.staff_id, filters.canonical())
        )
        after = position_from(self._continuation.decode(token, token_scope))
        entries = self._records.page_of_book(scope, filters, after, page_size + 1)
        more, entries = len(entries) > page_size, entries[:page_size]
        refiners = None
        if after is None:
            attributes = refinable_attributes(ctx.group)
            summary = self._records.summarize_book(scope, filters, attributes)
            total = summary.total_count
            refiners = [
                build_refiner(d, c) for d, c in zip(attributes, summary.refiners, strict=True)
            ]
        else:
            total = self._records.count_in_book(scope, filters)
        next_token = None
        if more and entries:
            last = entries[-1]
            next_token = self._continuation.encode(
                position_token(BookPosition(last.sort_name, last.card.customer_id)), token_scope
            )
        return BookPage(
            customers=self._cards(ctx, entries),
            refiners=refiners,
            total_count=total,
            continuation_token=next_token,
        )

    def _cards(self, ctx: ClientelingContext, entries: Sequence[BookEntry]) -> list[Card]:
        """Cards of a page, each first naming the book it is listed from; with several books
        allowed, one more query finds every book holding the page's customers."""
        holdings = [e.holding for e in entries]
        if ctx.multiple_books and entries:
            holdings = self._records.holdings_of(
                ctx.legal_entity, [e.card.customer_id for e in entries]
            )
        preferred = {e.card.customer_id: e.holding.book_id for e in entries}
        return ctx.cards([e.card for e in entries], ctx.holders(holdings, preferred))

    # -- changes --------------------------------------------------------------------------

    def add(self, staff: StaffContext, customer_ids: Sequence[str]) -> AddReport:
        """Operation 714: add to my book (created on first add); all or nothing."""
        ctx = self._contexts.of(staff)
        ids = checked_batch(customer_ids)
        self._require_customers(ctx, ids)
        self._refuse_held_elsewhere(ctx, ids)
        try:
            outcome = self._records.add_to_book(
                ctx.legal_entity,
                ctx.staff_id,
                ids,
                sole_holder=not ctx.multiple_books,
                new_book_id=ctx.parameters.number_sequence.format,
                created_at=iso(self._clock.now()),
            )
        except HeldElsewhere:
            # A colleague added one of them a moment ago: say who, as for any conflict.
            self._refuse_held_elsewhere(ctx, ids)
            raise changed_meanwhile("a colleague's client book changed while adding") from None
        if self._followups and outcome.added:
            self._followups.customers_added(
                ctx.legal_entity, ctx.staff_id, outcome.added, self._today(ctx)
            )
        return AddReport(
            client_book=ctx.summary(outcome.book),
            created=outcome.created,
            added=outcome.added,
            already_in_book=outcome.already_in_book,
        )

    def remove(
        self, staff: StaffContext, customer_ids: Sequence[str], from_staff_id: str | None
    ) -> RemoveReport:
        """Operation 715: remove from my book, or (store managers) from a colleague's book
        in the store client book. Activities and notes stay."""
        ctx = self._contexts.of(staff)
        ids = checked_batch(customer_ids)
        self._require_customers(ctx, ids)
        owner = from_staff_id or ctx.staff_id
        audit = None
        if owner != ctx.staff_id:
            staff.require(Operation.MANAGE_STORE_CLIENT_BOOKS)
            if owner not in ctx.store_book_owners():
                raise book_outside_store_client_book(owner)
            audit = self._stamp(ctx, "remove")
        outcome = self._records.remove_from_book(ctx.legal_entity, owner, ids, audit)
        if self._followups and outcome.removed:
            self._followups.customers_removed(
                ctx.legal_entity, owner, outcome.removed, ctx.staff_id
            )
        return RemoveReport(
            client_book=ctx.summary(outcome.book) if outcome.book else None,
            removed=outcome.removed,
            not_in_book=outcome.not_in_book,
        )

    def reassign(
        self, staff: StaffContext, customer_ids: Sequence[str], to_staff_id: str
    ) -> ReassignReport:
        """Operation 716: move customers of the store client book into `to_staff_id`'s book.

        Every membership of a customer inside the store client book moves (with several
        books allowed, a customer held there twice ends in the target's book once); books
        outside the store client book keep theirs. Activities and notes are untouched.
        """
        ctx = self._contexts.of(staff)
        ids = checked_batch(customer_ids)
        owners = ctx.store_book_owners()
        self._require_target(ctx, to_staff_id)
        self._require_customers(ctx, ids)
        holdings = self._records.holdings_of(ctx.legal_entity, ids)
        in_scope = [h for h in holdings if h.owner_staff_id in owners]
        held = {h.customer_id for h in in_scope}
        outside = [c for c in ids if c not in held]
        if outside:
            raise outside_store_client_book(outside)
        moves = [h for h in in_scope if h.owner_staff_id != to_staff_id]
        try:
            outcome = self._records.reassign(
                ctx.legal_entity,
                moves,
                to_staff_id,
                ctx.parameters.number_sequence.format,
                self._stamp(ctx, "reassign"),
            )
        except HoldingsChanged as problem:
            raise changed_meanwhile(str(problem)) from None
        if self._followups and outcome.moved:
            self._followups.customers_reassigned(
                ctx.legal_entity, outcome.moved, to_staff_id, self._today(ctx)
            )
        moved = {m.customer_id for m in outcome.moved}
        return ReassignReport(
            client_book=ctx.summary(outcome.book),
            reassigned=[
                ReassignedCustomer(
                    customer_id=m.customer_id,
                    from_client_book_id=m.book_id,
                    from_staff_id=m.owner_staff_id,
                )
                for m in outcome.moved
            ],
            already_in_book=[c for c in ids if c not in moved],
        )

    def _require_customers(self, ctx: ClientelingContext, ids: list[str]) -> None:
        """Every id is a customer of the legal entity, and none of them was erased."""
        known = self._records.existing_customers(ctx.legal_entity, ids)
        unknown = [c for c in ids if c not in known]
        if unknown:
            raise unknown_customers(unknown)
        refuse_erased(ids, self._storage.customers.erased_among(ctx.legal_entity, ids))

    def _refuse_held_elsewhere(self, ctx: ClientelingContext, ids: list[str]) -> None:
        holdings = self._records.holdings_of(ctx.legal_entity, ids)
        conflicts = one_book_conflicts(ids, holdings, ctx.staff_id, ctx.multiple_books)
        if conflicts:
            raise CustomerInAnotherBook([self._conflict(ctx, h) for h in conflicts])

    @staticmethod
    def _conflict(ctx: ClientelingContext, holding: BookHolding) -> dict[str, str]:
        return {
            "customerId": holding.customer_id,
            "clientBookId": holding.book_id,
            "ownerStaffId": holding.owner_staff_id,
            "ownerName": ctx.staff_name(holding.owner_staff_id),
        }

    @staticmethod
    def _require_target(ctx: ClientelingContext, to_staff_id: str) -> None:
        """The target is an active associate of the legal entity who works with one of this
        store's address books (their book then belongs to this store's client book)."""
        target = ctx.entity.staff.get(to_staff_id)
        if target is None or not target.active:
            raise ValidationFailed.single(
                "toStaffId", f"{to_staff_id} is not an active associate of {ctx.legal_entity}"
            )
        store = ctx.staff.store
        if not ctx.address_books.shares_address_book(to_staff_id, store):
            raise ValidationFailed.single(
                "toStaffId", f"{to_staff_id} shares no address book with store {store.store_id}"
            )

    def _stamp(self, ctx: ClientelingContext, action: str) -> AuditStamp:
        return AuditStamp(action, ctx.staff.store.store_id, ctx.staff_id, iso(self._clock.now()))

    def _today(self, ctx: ClientelingContext) -> dt.date:
        # The store's calendar date, not UTC's: "upcoming" starts on the day the associate
        # is living in.
        return local_date(self._clock.now(), ctx.staff.store.time_zone)

    # -- headquarters ---------------------------------------------------------------------

    def audit_page(
        self, legal_entity: str, customer_id: str | None, page_size: int, token: str | None
    ) -> AuditPage:
        """Reassignments and store-manager removals, newest first (admins)."""
        token_scope = f"client-book-audit|{legal_entity}|{customer_id or ''}"
        position = self._continuation.decode(token, token_scope)
        before = None
        if position is not None:
            before = position.get("before")
            if not isinstance(before, int):
                raise InvalidContinuationToken("continuationToken does not hold a position")
        entries = self._records.audit_trail(legal_entity, customer_id, before, page_size + 1)
        more, entries = len(entries) > page_size, entries[:page_size]
        next_token = None
        if more:
            next_token = self._continuation.encode({"before": entries[-1].entry_id}, token_scope)
        return AuditPage(
            entries=[
                AuditRecord(
                    entry_id=e.entry_id,
                    recorded_at=e.recorded_at,
                    action=e.action,
                    store_id=e.store_id,
                    actor_staff_id=e.actor_staff_id,
                    customer_id=e.customer_id,
                    from_client_book_id=e.from_book_id,
                    from_staff_id=e.from_staff_id,
                    to_client_book_id=e.to_book_id,
                    to_staff_id=e.to_staff_id,
                )
                for e in entries
            ],
            continuation_token=next_token,
        )
