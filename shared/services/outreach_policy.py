"""What sending needs from consent, outreach settings and templates (shared/ports/outreach.py).

`OutreachPolicy` answers sending (shared/services/outreach.py): may this message go now (the
rule is `shared.domain.outreach.refusal`), to which address, with which words. Settings and
templates come from the published view (job 1110), consent from the consent store, so a
POS send reads what the POS reads everywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.domain.consent import Channel
from shared.domain.customers import Customer
from shared.domain.errors import NotFound, ValidationFailed
from shared.domain.message_templates import (
    MAX_SMS_BODY,
    SmsLength,
    fill,
    placeholders_in,
    sms_length,
)
from shared.domain.organisation import Store
from shared.domain.outreach import OutreachSettings, refusal
from shared.domain.phone_numbers import phone_key
from shared.domain.text import text_problem
from shared.ports.outreach import Recipient, Refusal, Rendered
from shared.ports.storage import Storage
from shared.services.consent import ConsentService
from shared.services.published_view import LegalEntityView, PublishedCache
from shared.services.unsubscribe_links import UnsubscribeTarget

MAX_FREE_TEXT = 5000
MAX_SUBJECT = 200


@dataclass(frozen=True)
class Preview:
    """A rendered template for one customer, as the POS shows it before sending."""

    rendered: Rendered
    channel: Channel
    language: str
    sms: SmsLength | None


def first_name(name: str) -> str:
    """The customer's first name as greetings use it: the first word of the stored name."""
    return name.split()[0] if name.split() else ""


class OutreachPolicy:
    """Implements SendPolicy, TemplateRenderer and ConsentEvents of shared/ports/outreach.py."""

    def __init__(self, storage: Storage, published: PublishedCache, consent: ConsentService):
        self._storage = storage
        self._published = published
        self._consent = consent

    def _entity(self, legal_entity: str) -> LegalEntityView:
        return self._published.current().entity(legal_entity)

    def _settings(self, legal_entity: str) -> OutreachSettings:
        return self._entity(legal_entity).outreach or OutreachSettings()

    def _customer(self, legal_entity: str, customer_id: str) -> Customer:
        stored = self._storage.customers.get(legal_entity, customer_id)
        if stored is None:
            raise NotFound(f"no customer {customer_id!r}", resource="customer")
        return Customer.model_validate(stored.body)

    def _store(self, legal_entity: str, store_id: str) -> Store:
        store = self._entity(legal_entity).stores.get(store_id)
        if store is None:
            raise NotFound(f"no store {store_id!r}", resource="store")
        return store

    # -- SendPolicy ---------------------------------------------------------------------

    def recipient(
        self, *, legal_entity: str, customer_id: str, channel: Channel
    ) -> Recipient | None:
        customer = self._customer(legal_entity, customer_id)
        settings = self._settings(legal_entity)
        language = customer.language or settings.default_language
        if channel == "email":
            return Recipient(customer.email, language) if customer.email else None
        number = phone_key(customer.phone, settings.default_calling_code)
        return Recipient(number, language) if number else None

    def refusal(
        self,
        *,
        legal_entity: str,
        store_id: str,
        customer_id: str,
        channel: Channel,
        now: dt.datetime,
        sent_last_7_days: int,
    ) -> Refusal | None:
        settings = self._entity(legal_entity).outreach
        if settings is None or not settings.outreach_enabled:  # no reads when switched off
            found = refusal(settings, [], channel, False, now, "UTC", sent_last_7_days)
        else:
            store = self._store(legal_entity, store_id)
            has_address = self.recipient(
                legal_entity=legal_entity, customer_id=customer_id, channel=channel
            )
            found = refusal(
                settings,
                self._consent.history(legal_entity, customer_id),
                channel,
                has_address is not None,
                now,
                store.time_zone,
                sent_last_7_days,
            )
        return Refusal(found.problem_type, found.detail, found.send_after) if found else None

    # -- TemplateRenderer ---------------------------------------------------------------

    def render(
        self,
        *,
        legal_entity: str,
        store_id: str,
        customer_id: str,
        associate_id: str,
        channel: Channel,
        template_id: str | None,
        text: str | None,
        subject: str | None,
    ) -> Rendered:
        return self.preview(
            legal_entity=legal_entity,
            store_id=store_id,
            customer_id=customer_id,
            associate_id=associate_id,
            channel=channel,
            template_id=template_id,
            text=text,
            subject=subject,
            with_unsubscribe_link=True,
        ).rendered

    def preview(
        self,
        *,
        legal_entity: str,
        store_id: str,
        customer_id: str,
        associate_id: str,
        channel: Channel | None,
        template_id: str | None,
        text: str | None = None,
        subject: str | None = None,
        with_unsubscribe_link: bool = False,
    ) -> Preview:
        """The message as it would go; the unsubscribe link only when it is about to be sent
        (a preview needs no link, and its setting may still be missing)."""
        entity = self._entity(legal_entity)
        settings = entity.outreach or OutreachSettings()
        customer = self._customer(legal_entity, customer_id)
        store = self._store(legal_entity, store_id)
        language = customer.language or settings.default_language
        if template_id is not None:
            template = entity.message_templates.get(template_id)
            if template is None or not template.active:
                raise ValidationFailed.single("templateId", f"no active template {template_id!r}")
            if channel is not None and template.channel != channel:
                raise ValidationFailed.single(
                    "templateId", f"template {template_id!r} is for {template.channel}"
                )
            channel = template.channel
            chosen = template.text_for(customer.language, settings.default_language)
            body_text, subject_text = chosen.body, chosen.subject
            language = next((k for k, v in template.texts.items() if v is chosen), language)
        else:
            if channel is None:
                raise ValidationFailed.single("channel", "name the channel of a free text")
            body_text, subject_text = _free_text(channel, text, subject)
        staff = entity.staff.get(associate_id)
        values = {
            "customer.firstName": first_name(customer.name),
            "associate.name": staff.name if staff else "",
            "store.name": store.name,
            "store.phone": store.phone or "",
        }
        body = fill(body_text, values)
        rendered = Rendered(
            subject=fill(subject_text, values) if channel == "email" and subject_text else None,
            body=body,
            activity_type=getattr(settings.activity_types, channel),
            unsubscribe_url=self._unsubscribe_url(settings, legal_entity, customer_id)
            if channel == "email" and with_unsubscribe_link
            else None,
        )
        return Preview(rendered, channel, language, sms_length(body) if channel == "sms" else None)

    def _unsubscribe_url(
        self, settings: OutreachSettings, legal_entity: str, customer_id: str
    ) -> str:
        if settings.unsubscribe_base_url is None:
            raise ValidationFailed.single(
                "unsubscribeBaseUrl",
                "email needs the outreach setting unsubscribeBaseUrl (admin: outreach settings)",
            )
        target = UnsubscribeTarget(legal_entity, customer_id, "email")
        return self._consent.links.url(settings.unsubscribe_base_url, target)

    # -- ConsentEvents ------------------------------------------------------------------

    def inbound_sms(
        self, *, from_phone: str, to_phone: str, text: str, received_at: dt.datetime
    ) -> str | None:
        return self._consent.inbound_sms(
            from_phone=from_phone, to_phone=to_phone, text=text, received_at=received_at
        )


def _free_text(channel: Channel, text: str | None, subject: str | None) -> tuple[str, str | None]:
    """An associate's own words: the text rules of notes, the placeholders of templates."""
    if text is None or not text.strip():
        raise ValidationFailed.single("text", "give a template id or a text")
    limit = MAX_SMS_BODY if channel == "sms" else MAX_FREE_TEXT
    checks: list[tuple[str, str | None, bool, int]] = [("text", text, True, limit)]
    if channel == "email":
        if subject is None or not subject.strip():
            raise ValidationFailed.single("subject", "an email needs a subject")
        checks.append(("subject", subject, False, MAX_SUBJECT))
    elif subject is not None:
        raise ValidationFailed.single("subject", "SMS has no subject")
    for field, value, multiline, maximum in checks:
        assert value is not None
        if len(value) > maximum:
            raise ValidationFailed.single(field, f"at most {maximum} characters")
        problem = text_problem(value, multiline=multiline)
        if problem:
            raise ValidationFailed.single(field, problem)
        try:
            placeholders_in(value)
        except ValueError as error:
            raise ValidationFailed.single(field, str(error)) from None
    return text, subject if channel == "email" else None
