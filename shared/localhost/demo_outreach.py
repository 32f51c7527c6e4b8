"""`make run` with outreach on: Azurite for the delivery queue, the ACS stand-in over HTTPS
writing every message it is sent to `.local/outbox.jsonl`, and a demo send policy.

Local only. The demo policy stands in for the consent side until that is part of the app
(`Services.outreach_policy` set): every demo customer counts as opted in on both channels
until they text STOP (send an SMSReceived event to the local Event Grid webhook to try it).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.ports.outreach import Channel, Recipient, Refusal, Rendered

log = logging.getLogger("localhost")


def _phone(text: Any) -> str | None:
    return "+" + "".join(c for c in str(text) if c.isdigit()) if text else None


@dataclass
class DemoSendPolicy:
    """Opted in unless STOP'd; addresses from the customer record; free text and one template."""

    opted_out: set[tuple[str, str]] = field(default_factory=set)  # (phone or email, channel)

    def _customer(self, legal_entity: str, customer_id: str) -> dict[str, Any]:
        from shared.composition import services

        stored = services().storage.customers.get(legal_entity, customer_id)
        return stored.body if stored else {}

    def recipient(
        self, *, legal_entity: str, customer_id: str, channel: Channel
    ) -> Recipient | None:
        body = self._customer(legal_entity, customer_id)
        address = body.get("email") if channel == "email" else _phone(body.get("phone"))
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
        found = self.recipient(legal_entity=legal_entity, customer_id=customer_id, channel=channel)
        if found is None:
            return Refusal("contact-missing", f"the customer has no {channel} address")
        if (found.address, channel) in self.opted_out:
            return Refusal("consent-missing", f"the customer opted out of {channel}")
        if sent_last_7_days >= 5:
            return Refusal("frequency-cap", "5 messages from this store in the last 7 days")
        return None

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
        from shared.domain.errors import ValidationFailed

        first = str(self._customer(legal_entity, customer_id).get("name", "")).split(" ")[0]
        if template_id is not None:
            if template_id != "THANKS":
                raise ValidationFailed.single("templateId", "the demo has one template: THANKS")
            text = "Thank you for your visit, {customer.firstName}!"
        body = (text or "").replace("{customer.firstName}", first)
        email = channel == "email"
        return Rendered(
            subject=(subject or "A message from your store") if email else None,
            body=body,
            activity_type="EMAIL" if email else "SMS",
            unsubscribe_url=None,  # the consent side signs and serves these links
        )

    def inbound_sms(
        self, *, from_phone: str, to_phone: str, text: str, received_at: dt.datetime
    ) -> str | None:
        word = text.strip().casefold()
        if word in ("stop", "unsubscribe"):
            self.opted_out.add((from_phone, "sms"))
            return "You will get no more texts from us. Reply START to resubscribe."
        if word == "start":
            self.opted_out.discard((from_phone, "sms"))
            return "You are subscribed again. Reply STOP to unsubscribe."
        return None


class LocalOutreach:
    """Azurite and the ACS stand-in for `make run`; stopped with the host."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.outbox = state_dir / "outbox.jsonl"
        self._azurite: Any = None
        self._acs: Any = None

    def start(self) -> bool:
        """Start both and set the app settings; False (logged) when Azurite is not installed."""
        from tests.azurite.harness import AzuriteQueues, unavailable_reason
        from tests.fakes.communication import FakeCommunicationServices
        from tests.fakes.tls import make_tls_files

        reason = unavailable_reason()
        if reason is not None:
            log.warning("outreach delivery is off: %s", reason)
            return False
        (self.state_dir / "acs-tls").mkdir(parents=True, exist_ok=True)
        tls = make_tls_files(self.state_dir / "acs-tls")
        self._azurite = AzuriteQueues(self.state_dir / "azurite").start()
        self._acs = FakeCommunicationServices(tls, outbox_file=self.outbox).start()
        settings = {
            "AzureWebJobsStorage": self._azurite.connection_string,
            "ACS_CONNECTION_STRING": self._acs.connection_string,
            "ACS_EMAIL_SENDER": "DoNotReply@clienteling.localhost",
            "ACS_SMS_FROM": "+18005550100",
            "ACS_POLLING_SECONDS": "0.2",
            "OUTBOUND_TLS_CA_BUNDLE": str(tls.ca_cert),
        }
        os.environ.update(settings)
        return True

    def install_policy(self) -> None:
        from shared.composition import services

        app = services()
        if app.outreach_policy is None:  # the consent side's policy wins when present
            policy = DemoSendPolicy()
            app.outreach_policy = policy
            app.outreach.policy = policy
            app.outreach.consent_events = policy

    def stop(self) -> None:
        if self._acs is not None:
            self._acs.stop()
        if self._azurite is not None:
            self._azurite.stop()
