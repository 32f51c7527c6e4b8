"""A small SendPolicy, TemplateRenderer and ConsentEvents for tests of the sending side.

It stands in for the consent side's OutreachPolicy (shared/ports/outreach.py): consent per
customer and channel held in memory, addresses read from the customer record, a kill switch,
quiet hours and a weekly cap that tests switch on, and STOP/START by SMS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shared.composition import services
from shared.domain.errors import ValidationFailed
from shared.ports.outreach import Channel, Recipient, Refusal, Rendered

STOP_WORDS = {"stop", "unsubscribe", "arret", "stopp"}
START_WORDS = {"start", "unstop"}
TEMPLATES = {
    "WELCOME": ("email", "Welcome, {customer.firstName}", "Hello {customer.firstName}!"),
    "NEWS": ("sms", None, "New arrivals are in, {customer.firstName}."),
}


def _phone(text: str | None) -> str | None:
    return "+" + "".join(c for c in text if c.isdigit()) if text else None


@dataclass
class PolicyForTests:
    consent: dict[tuple[str, str, str], str] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)  # legal entities with outreach off
    quiet: bool = False
    weekly_cap: int | None = None
    refusal_calls: list[dict[str, object]] = field(default_factory=list)

    def opt_in(self, legal_entity: str, customer_id: str, channel: Channel) -> None:
        self.consent[(legal_entity, customer_id, channel)] = "opted-in"

    def _customer(self, legal_entity: str, customer_id: str) -> dict[str, object] | None:
        stored = services().storage.customers.get(legal_entity, customer_id)
        return stored.body if stored else None

    # SendPolicy
    def recipient(
        self, *, legal_entity: str, customer_id: str, channel: Channel
    ) -> Recipient | None:
        body = self._customer(legal_entity, customer_id) or {}
        address = body.get("email") if channel == "email" else _phone(body.get("phone"))  # type: ignore[arg-type]
        return Recipient(str(address), "en") if address else None

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
        self.refusal_calls.append({"now": now, "sent": sent_last_7_days, "store": store_id})
        if legal_entity in self.disabled:
            return Refusal("outreach-disabled", "outreach is off for this legal entity")
        if self.consent.get((legal_entity, customer_id, channel)) != "opted-in":
            return Refusal("consent-missing", f"the customer has not opted in to {channel}")
        if (
            self.recipient(legal_entity=legal_entity, customer_id=customer_id, channel=channel)
            is None
        ):
            return Refusal("contact-missing", f"no {channel} address on record")
        if self.quiet:
            return Refusal("quiet-hours", "quiet hours until 09:00 store time")
        if self.weekly_cap is not None and sent_last_7_days >= self.weekly_cap:
            return Refusal("frequency-cap", f"{sent_last_7_days} messages in the last 7 days")
        return None

    # TemplateRenderer
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
        first = str((self._customer(legal_entity, customer_id) or {}).get("name", "")).split()[0]
        if template_id is not None:
            found = TEMPLATES.get(template_id)
            if found is None or found[0] != channel:
                raise ValidationFailed.single("templateId", f"no {channel} template {template_id}")
            _, subject, text = found
        assert text is not None
        fill = lambda value: value.replace("{customer.firstName}", first)  # noqa: E731
        unsubscribe = f"https://clienteling.example/api/unsubscribe?c={customer_id}&s=sig"
        return Rendered(
            subject=fill(subject or "A message from your store") if channel == "email" else None,
            body=fill(text),
            activity_type="EMAIL" if channel == "email" else "SMS",
            unsubscribe_url=unsubscribe if channel == "email" else None,
        )

    # ConsentEvents
    def inbound_sms(
        self, *, from_phone: str, to_phone: str, text: str, received_at: dt.datetime
    ) -> str | None:
        word = text.strip().casefold()
        if word not in STOP_WORDS | START_WORDS:
            return None
        state = "opted-out" if word in STOP_WORDS else "opted-in"
        for legal_entity, customer_id, channel in list(self.consent):
            body = self._customer(legal_entity, customer_id) or {}
            if channel == "sms" and _phone(body.get("phone")) == from_phone:  # type: ignore[arg-type]
                self.consent[(legal_entity, customer_id, channel)] = state
        if state == "opted-out":
            return "You are unsubscribed and will get no more messages. Reply START to resubscribe."
        return "You are subscribed again. Reply STOP to unsubscribe."


def install(policy: object) -> None:
    """Wire `policy` in as the consent side's object would be (Services.outreach_policy)."""
    app = services()
    app.outreach_policy = policy
    app.outreach.policy = policy
    app.outreach.consent_events = policy  # type: ignore[assignment]
