"""Follow-ups on the POS: my worklist, complete / snooze / dismiss, manual ones, the
manager's view; and what client book changes and erasures do to follow-ups.

"Today" is the calendar date of the store in the route, so an associate in Auckland and one
in Los Angeles see their own today at the same moment. Every change is guarded by the ETag
the caller read (the follow-up's revision), and a completion that records an activity writes
that activity under an id derived from the follow-up: repeated after a failure, it finds the
activity it wrote before and completes the follow-up, never recording a second one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.domain.access import StaffContext
from shared.domain.activities import ActivityDraft
from shared.domain.book_filters import PAGING_PARAMETERS
from shared.domain.cards import Card, CardSource
from shared.domain.client_books import BookHolding, book_outside_store_client_book
from shared.domain.customers import refuse_erased
from shared.domain.errors import (
    CustomerNotInBook,
    InvalidContinuationToken,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from shared.domain.followup_rules import RuleKind
from shared.domain.followup_views import (
    AssociateTally,
    Buckets,
    FollowupPage,
    FollowupResource,
    StoreFollowups,
)
from shared.domain.followups import (
    MANUAL_EXPIRY_DAYS,
    MANUAL_RULE,
    Due,
    Followup,
    Outcome,
    State,
    bucket_bounds,
    closed,
    completion_activity_id,
    count_buckets,
    expiry_span,
    moved_to,
    require_open,
    snooze_date,
    snoozed,
    week_start,
)
from shared.domain.organisation import Operation
from shared.domain.time_zones import local_date
from shared.paging import ContinuationCodec
from shared.ports.clock import Clock, iso
from shared.ports.followups import FollowupPosition, FollowupRecords, OpenQuery, OwnerKey
from shared.ports.storage import Storage
from shared.services.activities import ActivityService
from shared.services.clienteling_context import ClientelingContext, ClientelingContexts
from shared.services.published_view import PublishedCache

Query = Mapping[str, list[str]]
LIST_PARAMETERS = ("due", "from", "to", "ruleId", "staffId", *PAGING_PARAMETERS)
CHANGE_ATTEMPTS = 3  # a book change re-reads a follow-up changed meanwhile this many times
ERASE_SLICE = 100
JOIN_RULES = frozenset({RuleKind.WELCOME, RuleKind.KEEP_IN_TOUCH})  # the rules reading joins


@dataclass(frozen=True)
class CompletionActivity:
    """The activity a completion records with the customer (type and text)."""

    activity_type_id: str
    subject: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ManualFollowup:
    customer_id: str
    due_date: dt.date
    text: str
    staff_id: str | None = None  # a manager's follow-up for an associate


class FollowupService:
    def __init__(
        self,
        storage: Storage,
        contexts: ClientelingContexts,
        continuation: ContinuationCodec,
        clock: Clock,
        activities: ActivityService,
        published: PublishedCache,
    ) -> None:
        self._storage = storage
        self._published = published
        self._contexts = contexts
        self._continuation = continuation
        self._clock = clock
        self._activities = activities

    @property
    def _records(self) -> FollowupRecords:
        return self._storage.followups

    # -- reading ----------------------------------------------------------------------------

    def my_page(
        self, staff: StaffContext, query: Query, page_size: int, token: str | None
    ) -> FollowupPage:
        """My open follow-ups (or, for managers, an associate's of the store client book)."""
        ctx = self._contexts.of(staff)
        today = self._today(staff)
        owner = OwnerKey(ctx.legal_entity, self._owner_to_read(ctx, query))
        open_query = _open_query(query, today)
        scope = "|".join(
            (
                "followups",
                ctx.legal_entity,
                staff.store.store_id,
                staff.staff_id,
                owner.owner_staff_id,
                json.dumps([open_query.today, open_query.due_from, open_query.due_to]),
                open_query.rule_id or "",
            )
        )
        after = _position(self._continuation.decode(token, scope))
        found = self._records.open_page(owner, open_query, after, page_size + 1)
        more, found = len(found) > page_size, found[:page_size]
        next_token = None
        if more and found:
            last = found[-1]
            next_token = self._continuation.encode(
                {"d": last.due_date, "n": last.sort_name, "i": last.followup_id}, scope
            )
        counts = count_buckets(self._records.open_due_dates(owner, open_query.today), today)
        cards = self._cards(ctx, owner.owner_staff_id, [f.customer_id for f in found])
        return FollowupPage(
            followups=[FollowupResource.of(f, cards.get(f.customer_id)) for f in found],
            buckets=Buckets.of(counts, today.isoformat()),
            continuation_token=next_token,
        )

    def one(self, staff: StaffContext, followup_id: str) -> FollowupResource:
        self._contexts.of(staff)
        return FollowupResource.of(self._mine(staff, followup_id))

    def store_view(self, staff: StaffContext) -> StoreFollowups:
        """The manager's weekly view: every associate of the store client book."""
        ctx = self._contexts.of(staff)
        today = self._today(staff)
        monday = week_start(today)
        owners = sorted(ctx.store_book_owners())
        tallies = self._records.tallies(
            ctx.legal_entity, owners, today.isoformat(), monday.isoformat()
        )
        rows = []
        for owner in owners:
            tally = tallies.get(owner)
            rows.append(
                AssociateTally(
                    staff_id=owner,
                    name=ctx.staff_name(owner),
                    open=tally.open if tally else 0,
                    overdue=tally.overdue if tally else 0,
                    completed_this_week=tally.completed_this_week if tally else 0,
                )
            )
        rows.sort(key=lambda r: (r.name.casefold(), r.staff_id))
        return StoreFollowups(
            today_date=today.isoformat(), week_start=monday.isoformat(), associates=rows
        )

    # -- changes ----------------------------------------------------------------------------

    def complete(
        self,
        staff: StaffContext,
        followup_id: str,
        etag: str,
        outcome: Outcome,
        activity: CompletionActivity | None,
    ) -> FollowupResource:
        self._contexts.of(staff)
        current = self._changeable(staff, followup_id, etag)
        activity_id = None
        if activity is not None:
            draft = ActivityDraft(
                activity_type_id=activity.activity_type_id,
                subject=activity.subject or current.rule_name,
                start_time=iso(self._clock.now()),
                description=activity.description,
                purpose=current.reason,
                outcome=str(outcome),
            )
            # The derived id makes this write safe to repeat (see the module docstring).
            recorded = self._activities.record(
                staff, current.customer_id, draft, completion_activity_id(current)
            )
            activity_id = recorded.activity_id
        done = closed(
            current,
            State.COMPLETED,
            staff.staff_id,
            iso(self._clock.now()),
            self._today(staff),
            outcome=outcome,
            activity_id=activity_id,
        )
        return FollowupResource.of(self._records.replace(done, current.revision))

    def snooze(
        self, staff: StaffContext, followup_id: str, etag: str, until: dt.date
    ) -> FollowupResource:
        self._contexts.of(staff)
        current = self._changeable(staff, followup_id, etag)
        later = snoozed(current, snooze_date(until, self._today(staff)), expiry_span(current))
        return FollowupResource.of(self._records.replace(later, current.revision))

    def dismiss(
        self, staff: StaffContext, followup_id: str, etag: str, reason: str
    ) -> FollowupResource:
        self._contexts.of(staff)
        current = self._changeable(staff, followup_id, etag)
        gone = closed(
            current,
            State.DISMISSED,
            staff.staff_id,
            iso(self._clock.now()),
            self._today(staff),
            dismiss_reason=reason,
        )
        return FollowupResource.of(self._records.replace(gone, current.revision))

    def create_manual(
        self, staff: StaffContext, manual: ManualFollowup, new_id: str
    ) -> FollowupResource:
        """A follow-up by hand for a customer in my book, or (managers) in the book of an
        associate of my store client book. A retry with the same id stores nothing new."""
        ctx = self._contexts.of(staff)
        owner = manual.staff_id or staff.staff_id
        if owner != staff.staff_id:
            staff.require(Operation.MANAGE_STORE_CLIENT_BOOKS)
            if owner not in ctx.store_book_owners():
                raise book_outside_store_client_book(owner)
        today = self._today(staff)
        if manual.due_date < today:
            raise ValidationFailed.single("dueDate", "must not be before today in the store")
        refuse_erased(
            [manual.customer_id],
            self._storage.customers.erased_among(ctx.legal_entity, [manual.customer_id]),
        )
        holdings = self._storage.client_books.holdings_of(ctx.legal_entity, [manual.customer_id])
        if not any(h.owner_staff_id == owner for h in holdings):
            raise CustomerNotInBook(
                f"customer {manual.customer_id} is not in {owner}'s client book",
                customerId=manual.customer_id,
                staffId=owner,
            )
        stored = self._storage.customers.get(ctx.legal_entity, manual.customer_id)
        name = str(stored.body.get("name", manual.customer_id)) if stored else manual.customer_id
        followup = Followup(
            legal_entity=ctx.legal_entity,
            followup_id=new_id,
            owner_staff_id=owner,
            customer_id=manual.customer_id,
            customer_name=name,
            sort_name=name.casefold(),
            rule_id=MANUAL_RULE,
            rule_name="Manual",
            reason=manual.text,
            occurrence=new_id,
            due_date=manual.due_date.isoformat(),
            expires_on=(manual.due_date + dt.timedelta(days=MANUAL_EXPIRY_DAYS)).isoformat(),
            created_at=iso(self._clock.now()),
            created_by=staff.staff_id,
        )
        if self._records.create_many([followup]):
            return FollowupResource.of(followup)
        # Nothing new: a retry under the same id answers with the one stored first.
        found = self._records.get(OwnerKey(ctx.legal_entity, owner), new_id)
        return FollowupResource.of(found or followup)

    # -- client book changes and erasure (called by those services once they are done) -----

    def customers_added(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str], on: dt.date
    ) -> None:
        """Welcome rules count from the day a customer joins a book (keep-in-touch rules too,
        for a customer never contacted). Only recorded while such a rule is enabled: a legal
        entity without them pays nothing for follow-ups on every add."""
        rules = self._published.current().entity(legal_entity).followup_rules.values()
        if not any(r.enabled and r.kind in JOIN_RULES for r in rules):
            return
        joins = [(c, on.isoformat()) for c in customer_ids]
        self._records.record_joins(OwnerKey(legal_entity, owner_staff_id), joins)

    def customers_removed(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str], by: str
    ) -> int:
        """The owner's open follow-ups of these customers close as cancelled."""
        owner = OwnerKey(legal_entity, owner_staff_id)
        cancelled = 0
        for followup in self._records.open_of_customers(owner, customer_ids):
            cancelled += self._cancel(owner, followup, by)
        return cancelled

    def customers_reassigned(
        self, legal_entity: str, moved: Sequence[BookHolding], to_staff_id: str, on: dt.date
    ) -> int:
        """Open follow-ups move with the customers to the new owner's worklist."""
        by_owner: dict[str, list[str]] = {}
        for holding in moved:
            by_owner.setdefault(holding.owner_staff_id, []).append(holding.customer_id)
        count = 0
        for owner_staff_id, customer_ids in sorted(by_owner.items()):
            owner = OwnerKey(legal_entity, owner_staff_id)
            pairs = [
                (f, moved_to(f, to_staff_id))
                for f in self._records.open_of_customers(owner, customer_ids)
            ]
            count += self._records.move(pairs)
        self.customers_added(legal_entity, to_staff_id, [h.customer_id for h in moved], on)
        return count

    def customer_erased(self, legal_entity: str, customer_id: str) -> int:
        """Every follow-up of the customer goes, whoever's worklist held it."""
        total = 0
        while erased := self._records.erase_customer(legal_entity, customer_id, ERASE_SLICE):
            total += erased
        return total

    # -- reading and checking one follow-up ----------------------------------------------

    def _cancel(self, owner: OwnerKey, followup: Followup, by: str) -> int:
        current: Followup | None = followup
        for _ in range(CHANGE_ATTEMPTS):
            if current is None or current.state is not State.OPEN:
                return 0
            now = self._clock.now()
            gone = closed(current, State.CANCELLED, by, iso(now), now.date())
            try:
                self._records.replace(gone, current.revision)
                return 1
            except PreconditionFailed:
                current = self._records.get(owner, followup.followup_id)
            except NotFound:
                return 0
        return 0

    def _mine(self, staff: StaffContext, followup_id: str) -> Followup:
        found = self._records.get(OwnerKey(staff.legal_entity, staff.staff_id), followup_id)
        if found is None:
            # Someone else's follow-up answers the same: ids say nothing about other books.
            raise NotFound(f"no follow-up {followup_id} in your worklist", resource="followup")
        return found

    def _changeable(self, staff: StaffContext, followup_id: str, etag: str) -> Followup:
        current = self._mine(staff, followup_id)
        if etag != current.etag:
            raise PreconditionFailed(
                f"follow-up {followup_id} has changed since you read it; read it again",
                currentEtag=current.etag,
            )
        require_open(current)
        return current

    def _owner_to_read(self, ctx: ClientelingContext, query: Query) -> str:
        wanted = _single(query, "staffId")
        if wanted is None or wanted == ctx.staff_id:
            return ctx.staff_id
        ctx.staff.require(Operation.MANAGE_STORE_CLIENT_BOOKS)
        if wanted not in ctx.store_book_owners():
            raise ValidationFailed.single(
                "staffId", "is not an associate of your store client book"
            )
        return wanted

    def _cards(
        self, ctx: ClientelingContext, owner_staff_id: str, customer_ids: Sequence[str]
    ) -> dict[str, Card]:
        """The customers' cards through the one card composition, naming the owner's book.

        A follow-up's customer is in its owner's book (leaving it cancels the follow-up), so
        the card fields come from the copy the book's membership keeps, as on the book page
        and as fresh (imports and attribute edits refresh it): one read of the owner's book
        rather than one per customer. One the book no longer holds (removed a moment ago,
        before the cancellation) is read from the customer records.
        """
        ids = list(dict.fromkeys(customer_ids))
        if not ids:
            return {}
        books = self._storage.client_books
        entries = books.entries_in_book(ctx.legal_entity, owner_staff_id, ids)
        sources = {e.card.customer_id: e.card for e in entries}
        missing = [i for i in ids if i not in sources]
        sources.update(self._stored_cards(ctx.legal_entity, missing))
        holdings = [e.holding for e in entries]
        if ctx.multiple_books or missing:
            # Other books may hold them too: the registry names every holder.
            holdings = books.holdings_of(ctx.legal_entity, ids)
        preferred = {e.card.customer_id: e.holding.book_id for e in entries}
        cards = ctx.cards(
            [sources[i] for i in ids if i in sources], ctx.holders(holdings, preferred)
        )
        return {card.customer_id: card for card in cards}

    def _stored_cards(self, legal_entity: str, customer_ids: list[str]) -> dict[str, CardSource]:
        if not customer_ids:
            return {}
        found = self._storage.customers.get_many(legal_entity, customer_ids)
        return {
            customer_id: CardSource(
                customer_id=customer_id,
                name=str(stored.body.get("name", customer_id)),
                email=stored.body.get("email"),
                phone=stored.body.get("phone"),
                attributes=stored.body.get("attributes") or {},
            )
            for customer_id, stored in found.items()
        }

    def _today(self, staff: StaffContext) -> dt.date:
        return local_date(self._clock.now(), staff.store.time_zone)


def _single(query: Query, name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationFailed.single(name, "give this parameter once")
    return values[0]


def _date_value(query: Query, name: str) -> str | None:
    raw = _single(query, name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw).isoformat() if len(raw) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> str:
    raise ValidationFailed.single(name, "must be a date, YYYY-MM-DD")


def _open_query(query: Query, today: dt.date) -> OpenQuery:
    unknown = [name for name in query if name not in LIST_PARAMETERS]
    if unknown:
        raise ValidationFailed([{"field": n, "message": "unknown parameter"} for n in unknown])
    due_from, due_to = _date_value(query, "from"), _date_value(query, "to")
    if due_from and due_to and due_from > due_to:
        raise ValidationFailed.single("to", "must not be before from")
    due = _single(query, "due")
    if due is not None:
        try:
            low, high = bucket_bounds(today)[Due(due)]
        except ValueError:
            raise ValidationFailed.single(
                "due", f"must be one of {', '.join(d.value for d in Due)}"
            ) from None
        # Both a bucket and a range: the days they share.
        due_from = max(filter(None, (due_from, low)), default=None)
        due_to = min(filter(None, (due_to, high)), default=None)
    rule_id = _single(query, "ruleId")
    if rule_id is not None and not (0 < len(rule_id) <= 64 and rule_id.isprintable()):
        raise ValidationFailed.single("ruleId", "is not a rule id")
    return OpenQuery(today=today.isoformat(), due_from=due_from, due_to=due_to, rule_id=rule_id)


def _position(token: dict | None) -> FollowupPosition | None:
    if token is None:
        return None
    due, name, followup_id = token.get("d"), token.get("n"), token.get("i")
    if not all(isinstance(v, str) for v in (due, name, followup_id)):
        raise InvalidContinuationToken("continuationToken does not hold a position")
    return FollowupPosition(str(due), str(name), str(followup_id))
