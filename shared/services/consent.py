"""Consent use cases: capture at the POS, headquarters imports, the unsubscribe link, SMS
keywords, and erasure. The rules are in shared/domain/consent.py; this reads and writes.

Every change is read-modify-write of the customer's one consent record with its ETag: two
changes at once (a STOP arriving while an import runs) both land, the second after reading
the first, and neither is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from shared.domain.access import StaffContext
from shared.domain.consent import (
    Channel,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ConsentSummary,
    ImportedConsent,
    channel_state,
    deciding_event,
    history_from_json,
    history_to_json,
    import_events,
    summary,
    trimmed,
)
from shared.domain.customers import Customer
from shared.domain.distribution import SINGLETON_ID, Kind
from shared.domain.errors import PreconditionFailed
from shared.domain.outreach import OutreachSettings
from shared.domain.phone_numbers import phone_key
from shared.domain.sms_keywords import Keyword, keyword, reply
from shared.ports.clock import Clock
from shared.ports.consent import StoredConsent
from shared.ports.storage import Storage
from shared.services.customer_scope import require_writable_customer
from shared.services.published_view import PublishedCache
from shared.services.unsubscribe_links import UnsubscribeLinks

log = logging.getLogger(__name__)
SAVE_ATTEMPTS = 5

Change = Callable[[list[ConsentEvent]], list[ConsentEvent]]


@dataclass(frozen=True)
class ImportedCustomerConsent:
    """What one import record means for consent: its statements and its phone's key."""

    customer_id: str
    stated: dict[Channel, ImportedConsent]
    phone_key: str | None


class ConsentService:
    def __init__(
        self,
        storage: Storage,
        published: PublishedCache,
        clock: Clock,
        links: UnsubscribeLinks,
        scope_check: Callable[[StaffContext, str], object],
    ) -> None:
        self._storage = storage
        self._published = published
        self._clock = clock
        self.links = links
        # The customer must be in the store's scope to capture consent (CustomerService).
        self._scope_check = scope_check

    # -- reading ------------------------------------------------------------------------

    def history(self, legal_entity: str, customer_id: str) -> list[ConsentEvent]:
        stored = self._storage.consent.get(legal_entity, customer_id)
        return history_from_json(stored.history) if stored else []

    def summary(self, legal_entity: str, customer_id: str) -> ConsentSummary:
        return summary(self.history(legal_entity, customer_id))

    # -- writing ------------------------------------------------------------------------

    def _change(
        self,
        legal_entity: str,
        customer_id: str,
        change: Change,
        phone: Callable[[StoredConsent | None], str | None] | None = None,
        known: StoredConsent | None = None,
    ) -> list[ConsentEvent]:
        """Apply `change` to the customer's history (and phone key), retrying on a race.
        `known`: the record as just read, saving the first attempt's read."""
        for attempt in range(SAVE_ATTEMPTS):
            if attempt == 0 and known is not None:
                stored: StoredConsent | None = known
            else:
                stored = self._storage.consent.get(legal_entity, customer_id)
            before = history_from_json(stored.history) if stored else []
            after = trimmed(change(list(before)))
            key = phone(stored) if phone else (stored.phone_key if stored else None)
            if after == before and stored is not None and key == stored.phone_key:
                return after
            try:
                self._storage.consent.save(
                    legal_entity,
                    customer_id,
                    history_to_json(after),
                    key,
                    stored.etag if stored else None,
                    stored.phone_key if stored else None,
                )
                return after
            except PreconditionFailed:
                continue
        raise PreconditionFailed("the customer's consent kept changing meanwhile; try again")

    def capture(
        self,
        staff: StaffContext,
        customer_id: str,
        channel: Channel,
        state: ConsentState,
        confirmation_text: str,
    ) -> list[ConsentEvent]:
        """An associate records what the customer said, with the customer's own words; the
        history after it."""
        legal_entity = staff.legal_entity
        require_writable_customer(self._storage.customers, legal_entity, customer_id)
        self._scope_check(staff, customer_id)
        event = ConsentEvent(
            channel=channel,
            state=state,
            source=ConsentSource.POS,
            recorded_at=self._clock.now(),
            staff_id=staff.staff_id,
            store_id=staff.store.store_id,
            confirmation_text=confirmation_text,
        )
        return self._change(
            legal_entity,
            customer_id,
            lambda h: [*h, event],
            phone=lambda stored: self._customer_phone_key(legal_entity, customer_id, stored),
        )

    def _customer_phone_key(
        self, legal_entity: str, customer_id: str, stored: StoredConsent | None
    ) -> str | None:
        if stored is not None:
            return stored.phone_key
        # A first record written outside an import: file it under the customer's phone too.
        customer = self._storage.customers.get(legal_entity, customer_id)
        phone = customer.body.get("phone") if customer else None
        return phone_key(phone, self.calling_code(legal_entity))

    def calling_code(self, legal_entity: str) -> str | None:
        stored = self._storage.headquarters.get(legal_entity, Kind.OUTREACH_SETTINGS, SINGLETON_ID)
        if stored is None:
            return None
        return OutreachSettings.model_validate(stored.body).default_calling_code

    def apply_import(self, legal_entity: str, records: Sequence[ImportedCustomerConsent]) -> None:
        """After a chunk of customers is written: their imported consent and phone keys.
        Only records that change are written; re-sending an extract writes nothing."""
        now = self._clock.now()
        stored = self._storage.consent.get_many(legal_entity, [r.customer_id for r in records])
        for record in records:
            current = stored.get(record.customer_id)
            history = history_from_json(current.history) if current else []
            added = import_events(history, record.stated, now)
            if current is None and not added and record.phone_key is None:
                continue  # nothing to say and nothing to find them by
            if current is not None and not added and current.phone_key == record.phone_key:
                continue
            self._change(
                legal_entity,
                record.customer_id,
                lambda h, stated=record.stated: [*h, *import_events(h, stated, now)],
                phone=lambda _, key=record.phone_key: key,
            )

    def unsubscribe(self, token: str) -> Channel:
        """The one-click link: opt the customer out of the link's channel. Clicking again
        (or a mail client and the customer both) records nothing more."""
        target = self.links.target(token)
        channel: Channel = "sms" if target.channel == "sms" else "email"
        customers = self._storage.customers
        if customers.get(target.legal_entity, target.customer_id) is None or customers.erased_among(
            target.legal_entity, [target.customer_id]
        ):
            return channel  # erased or gone: nothing to record, and nothing to reveal
        now = self._clock.now()

        def opt_out(history: list[ConsentEvent]) -> list[ConsentEvent]:
            if channel_state(history, channel) is ConsentState.OPTED_OUT:
                return history
            event = ConsentEvent(
                channel=channel,
                state=ConsentState.OPTED_OUT,
                source=ConsentSource.UNSUBSCRIBE_LINK,
                recorded_at=now,
            )
            return [*history, event]

        self._change(target.legal_entity, target.customer_id, opt_out)
        return channel

    def inbound_sms(
        self, *, from_phone: str, to_phone: str, text: str, received_at: dt.datetime
    ) -> str | None:
        """STOP / START / HELP from a customer's phone: change SMS consent of every customer
        filed under that number, and the confirmation to send back."""
        found = keyword(text)
        key = phone_key(from_phone)
        if found is None or key is None:
            return None
        language = sender = None
        applied = 0
        owners = self._storage.consent.owners_of_phone(key)
        # `to` of ACS's SMSReceived is the resource's number the customer texted.
        texted = self._legal_entities_texting_from(phone_key(to_phone))
        if texted:  # the number texted says whose customer wrote; otherwise err towards all
            owners = [owner for owner in owners if owner.legal_entity in texted]
        for owner in owners:
            stored = self._storage.consent.get(owner.legal_entity, owner.customer_id)
            if stored is None or stored.phone_key != key:
                continue  # a lookup can outlive a phone change by a crash; the record decides
            if sender is None:  # the reply speaks the first customer's language
                customer = self._storage.customers.get(owner.legal_entity, owner.customer_id)
                language = Customer.model_validate(customer.body).language if customer else None
                sender = self._sender_name(owner.legal_entity) or ""
            applied += 1
            if found is Keyword.HELP:
                continue
            state = ConsentState.OPTED_OUT if found is Keyword.STOP else ConsentState.OPTED_IN
            event = ConsentEvent(
                channel="sms",
                state=state,
                source=ConsentSource.SMS_KEYWORD,
                recorded_at=received_at,
            )
            self._change(
                owner.legal_entity, owner.customer_id, partial(_keyword_change, event), known=stored
            )
        # Log the outcome, never the number or the text.
        log.info("inbound SMS keyword %s applied to %d customer(s)", found.value, applied)
        return reply(found, language, sender or OutreachSettings().sms_sender_name)

    def _legal_entities_texting_from(self, number: str | None) -> set[str]:
        """The legal entities whose outreach settings list `number` (smsNumbers)."""
        if number is None:
            return set()
        entities = self._published.current().entities.items()
        return {le for le, view in entities if view.outreach and view.outreach.texts_from(number)}

    def _sender_name(self, legal_entity: str) -> str | None:
        settings = self._published.current().entity(legal_entity).outreach
        return settings.sms_sender_name if settings else None

    def erase(self, legal_entity: str, customer_id: str) -> bool:
        return self._storage.consent.erase(legal_entity, customer_id)


def _keyword_change(event: ConsentEvent, history: list[ConsentEvent]) -> list[ConsentEvent]:
    """STOP always applies. START undoes a STOP by SMS only, as carriers treat it: a number
    can be shared by customers of several legal entities, and a START texted to one retailer
    must not opt a customer in where they never said yes or said no some other way."""
    if event.state is ConsentState.OPTED_IN:
        deciding = deciding_event(history, "sms")
        if deciding is None or deciding.source is not ConsentSource.SMS_KEYWORD:
            return history
        if deciding.state is ConsentState.OPTED_IN:
            return history
    return [*history, event]
