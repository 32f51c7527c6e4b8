"""What sending a message needs from consent, outreach settings and templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Channel = Literal["email", "sms"]


@dataclass(frozen=True)
class Refusal:
    """Why a message may not be sent: a problem type of docs/problems.md and words for the POS."""

    problem_type: str  # "consent-missing" | "contact-missing" | "quiet-hours" | "frequency-cap" | "outreach-disabled"
    detail: str
    send_after: str | None = None  # quiet-hours: the store's local time they end (HH:MM)


@dataclass(frozen=True)
class Rendered:
    subject: str | None  # email only
    body: str
    activity_type: str  # the activity type the message is recorded as (default EMAIL / SMS)
    unsubscribe_url: str | None  # email only: the signed one-click link (RFC 8058), absolute URL


@dataclass(frozen=True)
class Recipient:
    address: str  # email address or E.164 phone number, taken from the customer record
    language: str  # the customer's language (for templates and confirmations)


class SendPolicy(Protocol):
    def recipient(
        self, *, legal_entity: str, customer_id: str, channel: Channel
    ) -> Recipient | None:
        """The customer's address on that channel, or None when it has none."""
        ...

    def refusal(
        self,
        *,
        legal_entity: str,
        store_id: str,
        customer_id: str,
        channel: Channel,
        now: datetime,
        sent_last_7_days: int,
    ) -> Refusal | None:
        """None when the message may go now; otherwise the first rule that refuses it
        (outreach-disabled, consent-missing, contact-missing, quiet-hours, frequency-cap)."""
        ...


class TemplateRenderer(Protocol):
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
        """A template (by id, in the customer's language) or free text, placeholders filled.
        Raises the project's problem error (400, naming the field) for an unknown template,
        a template of another channel, or free text that breaks the text rules."""
        ...


class ConsentEvents(Protocol):
    """What customers said by SMS (the unsubscribe link has its own route, functions/unsubscribe.py)."""

    def inbound_sms(
        self, *, from_phone: str, to_phone: str, text: str, received_at: datetime
    ) -> str | None:
        """Apply STOP/START-style keywords (any case, the seed's languages) to the sender's
        consent; return the confirmation text to send back, or None when it was no keyword."""
        ...


class OutreachRules(SendPolicy, TemplateRenderer, ConsentEvents, Protocol):
    """All that sending asks of consent, settings and templates (shared/services/outreach_policy.py)."""
