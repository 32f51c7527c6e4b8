"""Follow-up generation: every enabled rule of a legal entity over the customers in books.

Streams one book owner at a time (each owner's book in pages, never a whole legal entity in
memory) and writes that owner's new follow-ups in batches. Ids are derived from customer,
rule, occurrence and owner, so a rerun, or two runs side by side, store nothing twice; a
run that dies halfway is completed by the next one. Each run leaves a record: matches and
new follow-ups per rule, expired ones, duration, and the rules it skipped and why. An
Insights rule whose platform does not answer is skipped for the run, never failing it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from shared.domain.attributes import AttributeType
from shared.domain.book_filters import BookFilters
from shared.domain.cards import InsightsStatus
from shared.domain.client_books import MAX_BATCH
from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.followup_matching import (
    Match,
    important_date,
    keep_in_touch,
    measure,
    welcome,
)
from shared.domain.followup_rules import ANNIVERSARY, BIRTHDAY, FollowupRule, RuleKind
from shared.domain.followups import Followup, State, closed, followup_id
from shared.domain.important_dates import upcoming_ranges
from shared.domain.instants import instant_text
from shared.domain.organisation import Staff
from shared.domain.time_zones import DEFAULT_TIME_ZONE, local_date
from shared.ports.activities import CustomerKey
from shared.ports.card_measures import CardMeasures
from shared.ports.client_books import BookEntry, BookPosition, BookScope
from shared.ports.clock import Clock, iso
from shared.ports.followups import FollowupRun, OpenQuery, OwnerKey
from shared.ports.storage import Storage
from shared.services.published_view import LegalEntityView, PublishedCache

log = logging.getLogger(__name__)

PAGE = 500  # book entries per read
RECONCILE_LIMIT = 10_000  # open follow-ups of one owner checked against the book per run
MAX_ERROR_TEXT = 500
GENERATED_BY = "generation"
INSIGHTS_DOWN = "Customer Insights did not answer; this rule is skipped for this run"
DATE_LABELS = {BIRTHDAY: "Birthday", ANNIVERSARY: "Anniversary"}
Add = Callable[[str, FollowupRule, BookEntry, Match | None], None]


@dataclass
class _Plan:
    """The run's rules, split by what they read."""

    customer_dates: list[tuple[str, FollowupRule]]  # birthday / anniversary rules
    attribute_dates: list[tuple[str, FollowupRule, str]]  # (id, rule, attribute label)
    contact: list[tuple[str, FollowupRule]]  # keep-in-touch and welcome
    insights: list[tuple[str, FollowupRule]]

    @property
    def reads_whole_books(self) -> bool:
        return bool(self.attribute_dates or self.contact or self.insights)


class FollowupGeneration:
    def __init__(
        self,
        storage: Storage,
        published: PublishedCache,
        measures: CardMeasures,
        clock: Clock,
    ) -> None:
        self._storage = storage
        self._published = published
        self._measures = measures
        self._clock = clock

    def run_all(self, trigger: str) -> list[FollowupRun]:
        """Every legal entity with at least one follow-up rule (the timer)."""
        view = self._published.current()
        return [
            self.run(legal_entity, trigger)
            for legal_entity, entity in sorted(view.entities.items())
            if entity.followup_rules
        ]

    def run(self, legal_entity: str, trigger: str) -> FollowupRun:
        started = time.perf_counter()
        now = self._clock.now()
        run = FollowupRun(uuid.uuid4().hex, legal_entity, trigger, iso(now))
        records = self._storage.followups
        records.save_run(run)
        try:
            entity = self._published.current().entity(legal_entity)
            plan = self._plan(entity, run)
            if plan is not None:
                for staff in sorted(entity.staff.values(), key=lambda s: s.staff_id):
                    if staff.active:
                        self._owner(entity, staff, plan, now, run)
            run.status = "succeeded"
        except Exception as problem:  # the record must say what failed, whatever it was
            log.exception("follow-up generation of %s failed", legal_entity)
            run.status = "failed"
            run.error = f"{type(problem).__name__}: {problem}"[:MAX_ERROR_TEXT]
        run.ended_at = iso(self._clock.now())
        run.duration_ms = round((time.perf_counter() - started) * 1000, 1)
        records.save_run(run)
        log.info(
            "follow-up generation %s: %s, created %s, skipped %s",
            legal_entity,
            run.status,
            run.created,
            sorted(run.skipped),
        )
        return run

    def runs(self, legal_entity: str, limit: int) -> list[FollowupRun]:
        return self._storage.followups.runs(legal_entity, limit)

    # -- planning -----------------------------------------------------------------------------

    def _plan(self, entity: LegalEntityView, run: FollowupRun) -> _Plan | None:
        parameters = entity.parameters
        rules = {k: r for k, r in sorted(entity.followup_rules.items()) if r.enabled}
        if parameters is None or not parameters.enabled:
            for rule_id in rules:
                run.skipped[rule_id] = "clienteling is not set up or is off for this legal entity"
            return None
        plan = _Plan([], [], [], [])
        group = entity.client_book_group()
        definitions = {a.name: a for a in group.attributes} if group else {}
        for rule_id, rule in rules.items():
            run.created[rule_id] = run.matched[rule_id] = 0
            if rule.kind is RuleKind.IMPORTANT_DATE:
                assert rule.date_field is not None
                if rule.date_field in DATE_LABELS:
                    plan.customer_dates.append((rule_id, rule))
                    continue
                definition = definitions.get(rule.date_field)
                if definition is None or definition.type is not AttributeType.DATE:
                    run.skipped[rule_id] = (
                        f"{rule.date_field} is not a date attribute of the client-book group"
                    )
                    continue
                plan.attribute_dates.append((rule_id, rule, definition.label))
            elif rule.kind is RuleKind.INSIGHTS_MEASURE:
                if not parameters.insights.enabled:
                    run.skipped[rule_id] = "Customer Insights is not enabled"
                    continue
                plan.insights.append((rule_id, rule))
            else:
                plan.contact.append((rule_id, rule))
        return plan

    # -- one owner ----------------------------------------------------------------------------

    def _owner(
        self,
        entity: LegalEntityView,
        staff: Staff,
        plan: _Plan,
        now: dt.datetime,
        run: FollowupRun,
    ) -> None:
        legal_entity = entity.legal_entity
        if self._storage.client_books.book_of(legal_entity, staff.staff_id) is None:
            return
        owner = OwnerKey(legal_entity, staff.staff_id)
        home = entity.stores.get(staff.stores[0])
        zone = home.time_zone if home else DEFAULT_TIME_ZONE
        today = local_date(now, zone)
        records = self._storage.followups
        run.expired += records.expire(owner, today.isoformat(), iso(now))
        run.cancelled += self._reconcile(owner, iso(now), now.date())
        found: dict[str, list[Followup]] = {}

        def add(rule_id: str, rule: FollowupRule, entry: BookEntry, match: Match | None) -> None:
            if match is None or not match.still_current(rule, today):
                return
            found.setdefault(rule_id, []).append(
                _followup(owner, rule_id, rule, entry, match, iso(now))
            )

        if plan.customer_dates:
            self._customer_dates(owner, plan, today, add)
        if plan.reads_whole_books:
            joins = {
                c: dt.date.fromisoformat(d) for c, d in records.joins(owner, "0000-01-01").items()
            }
            for page in self._book_pages(owner, BookFilters()):
                self._whole_book_rules(entity, owner, plan, page, joins, now, zone, add, run)
        for rule_id, followups in found.items():
            run.matched[rule_id] += len(followups)
            run.created[rule_id] += records.create_many(followups)

    def _reconcile(self, owner: OwnerKey, at: str, on: dt.date) -> int:
        """Cancel open follow-ups of customers the owner's book no longer holds.

        Book changes carry follow-ups through right after they commit; a process that died in
        between left them behind. This pass makes the worklists agree with the books again
        by the next run (a moved customer's rule follow-ups are then made afresh for the new
        owner; manual ones end cancelled)."""
        records = self._storage.followups
        stale = 0
        open_ones = records.open_page(owner, OpenQuery(today=""), None, RECONCILE_LIMIT)
        for start in range(0, len(open_ones), MAX_BATCH):
            chunk = open_ones[start : start + MAX_BATCH]
            held = {
                h.customer_id
                for h in self._storage.client_books.holdings_of(
                    owner.legal_entity, list({f.customer_id for f in chunk})
                )
                if h.owner_staff_id == owner.owner_staff_id
            }
            for followup in chunk:
                if followup.customer_id in held:
                    continue
                gone = closed(followup, State.CANCELLED, GENERATED_BY, at, on)
                try:
                    records.replace(gone, followup.revision)
                    stale += 1
                except (PreconditionFailed, NotFound):
                    continue  # changed meanwhile: the next run looks again
        return stale

    def _book_pages(self, owner: OwnerKey, filters: BookFilters) -> Iterator[list[BookEntry]]:
        scope = BookScope(owner.legal_entity, (owner.owner_staff_id,))
        after: BookPosition | None = None
        while True:
            page = self._storage.client_books.page_of_book(scope, filters, after, PAGE)
            if page:
                yield page
            if len(page) < PAGE:
                return
            after = BookPosition(page[-1].sort_name, page[-1].card.customer_id)

    def _customer_dates(self, owner: OwnerKey, plan: _Plan, today: dt.date, add: Add) -> None:
        """Birthdays and anniversaries: the book's upcoming filter picks the few customers
        whose date falls in the widest rule's window, then each one's dates are read."""
        window = max(rule.days or 0 for _, rule in plan.customer_dates) + 1
        filters = BookFilters(upcoming_days=window, upcoming=upcoming_ranges(today, window))
        for page in self._book_pages(owner, filters):
            ids = [entry.card.customer_id for entry in page]
            found = self._storage.customers.get_many(owner.legal_entity, ids)
            for entry in page:
                stored = found.get(entry.card.customer_id)
                if stored is None:
                    continue
                for rule_id, rule in plan.customer_dates:
                    assert rule.date_field is not None
                    date = _date(stored.body.get(rule.date_field))
                    label = DATE_LABELS[rule.date_field]
                    add(rule_id, rule, entry, important_date(rule, label, date, today))

    def _whole_book_rules(
        self,
        entity: LegalEntityView,
        owner: OwnerKey,
        plan: _Plan,
        page: Sequence[BookEntry],
        joins: dict[str, dt.date],
        now: dt.datetime,
        zone: str,
        add: Add,
        run: FollowupRun,
    ) -> None:
        before = instant_text(now)
        today = local_date(now, zone)
        for entry in page:
            attributes = entry.card.attributes
            for rule_id, rule, label in plan.attribute_dates:
                date = _date(attributes.get(rule.date_field or ""))
                add(rule_id, rule, entry, important_date(rule, label, date, today))
            if not plan.contact:
                continue
            customer = CustomerKey(owner.legal_entity, entry.card.customer_id)
            contacts = _Contacts(self._storage, customer, before, zone)
            joined = joins.get(customer.customer_id)
            for rule_id, rule in plan.contact:
                if rule.kind is RuleKind.WELCOME:
                    if joined is None or (today - joined).days < (rule.days or 0):
                        continue
                    add(rule_id, rule, entry, welcome(rule, joined, contacts.last(()), today))
                else:
                    types = tuple(sorted(rule.activity_type_ids))  # one read per set
                    names = [
                        entity.activity_types[t].name if t in entity.activity_types else t
                        for t in rule.activity_type_ids
                    ]
                    match = keep_in_touch(rule, names, contacts.last(types), joined, today)
                    add(rule_id, rule, entry, match)
        for rule_id, rule in plan.insights:
            if rule_id in run.skipped:
                continue
            self._insights_rule(entity, rule_id, rule, page, today, add, run)

    def _insights_rule(
        self,
        entity: LegalEntityView,
        rule_id: str,
        rule: FollowupRule,
        page: Sequence[BookEntry],
        today: dt.date,
        add: Add,
        run: FollowupRun,
    ) -> None:
        assert entity.parameters is not None and rule.measure is not None
        settings = entity.parameters.insights.model_copy(update={"measures": [rule.measure]})
        reading = self._measures.for_customers(
            entity.legal_entity, settings, [e.card.customer_id for e in page]
        )
        if reading.status is not InsightsStatus.OK:
            run.skipped[rule_id] = INSIGHTS_DOWN
            return
        for entry in page:
            for value in reading.values.get(entry.card.customer_id, []):
                if value.name == rule.measure:
                    add(rule_id, rule, entry, measure(rule, value.label, value.value, today))


class _Contacts:
    """A customer's last contact per set of activity types, each read at most once."""

    def __init__(self, storage: Storage, customer: CustomerKey, before: str, zone: str) -> None:
        self._storage = storage
        self._customer = customer
        self._before = before
        self._zone = zone
        self._latest: dict[tuple[str, ...], dt.date | None] = {}

    def last(self, types: tuple[str, ...]) -> dt.date | None:
        if types not in self._latest:
            found = self._storage.activities.latest_start(self._customer, types, self._before)
            self._latest[types] = local_date(_instant(found), self._zone) if found else None
        return self._latest[types]


def _followup(
    owner: OwnerKey,
    rule_id: str,
    rule: FollowupRule,
    entry: BookEntry,
    match: Match,
    created_at: str,
) -> Followup:
    customer_id = entry.card.customer_id
    return Followup(
        legal_entity=owner.legal_entity,
        followup_id=followup_id(
            owner.legal_entity, customer_id, rule_id, match.occurrence, owner.owner_staff_id
        ),
        owner_staff_id=owner.owner_staff_id,
        customer_id=customer_id,
        customer_name=entry.card.name,
        sort_name=entry.sort_name,
        rule_id=rule_id,
        rule_name=rule.name,
        reason=match.reason,
        occurrence=match.occurrence,
        due_date=match.due_date(rule).isoformat(),
        expires_on=match.expires_on(rule).isoformat(),
        created_at=created_at,
        created_by=GENERATED_BY,
    )


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
