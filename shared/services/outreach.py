"""Sending messages: accept (policy, outbox, activity), relay to the queue, deliver through
ACS, and apply what ACS reports back (delivery reports, inbound SMS).

The send policy, templates and consent are `OutreachRules` (shared/ports/outreach.py);
this one moves messages. Every step can run twice without sending twice: a message's status
only moves forward, and ACS deduplicates on ids derived from the message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.alerts.dispatcher import AlertDispatcher
from shared.domain.access import StaffContext
from shared.domain.activities import Activity
from shared.domain.errors import (
    Forbidden,
    NotFound,
    refusal_error,
)
from shared.domain.instants import instant_text, parse_instant
from shared.domain.organisation import Operation
from shared.domain.outreach_messages import (
    HANDED_OVER,
    MessageStatus,
    OutreachMessage,
    cap_window_start,
    moved,
)
from shared.domain.record_ids import time_ordered_id
from shared.messaging.poison_alert import alert_poison
from shared.ports.clock import Clock
from shared.ports.messaging import DeliveryQueue, MessageSender, SendRejected
from shared.ports.outreach import Channel, OutreachRules, Rendered
from shared.ports.storage import Storage
from shared.services.clienteling_context import ClientelingContexts
from shared.services.customer_scope import require_writable_customer
from shared.services.published_view import PublishedCache

log = logging.getLogger("outreach")
DELIVERY_QUEUE = "outreach-messages"
# The queue trigger's attempts before the host moves a message to the poison queue; host.json
# (extensions.queues.maxDequeueCount) says the same, and a test keeps the two in step.
MAX_DEQUEUE_COUNT = 5
# The relay leaves fresh messages to the request that accepted them (it enqueues at once);
# older ones still accepted lost their enqueue (a crash, the queue briefly down).
RELAY_GRACE = dt.timedelta(seconds=30)
RELAY_BATCH = 100

# ACS email delivery report statuses (EmailDeliveryReportReceived.data.status).
_EMAIL_REPORT = {
    "Delivered": MessageStatus.DELIVERED,
    "Failed": MessageStatus.FAILED,
    "Bounced": MessageStatus.FAILED,
    "Suppressed": MessageStatus.FAILED,
    "Quarantined": MessageStatus.FAILED,
    "FilteredSpam": MessageStatus.FAILED,
}
# SMSDeliveryReportReceived.data.deliveryStatus
_SMS_REPORT = {"Delivered": MessageStatus.DELIVERED, "Failed": MessageStatus.FAILED}


@dataclass(frozen=True)
class MessageRequest:
    channel: Channel
    template_id: str | None
    text: str | None
    subject: str | None


class OutreachService:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        contexts: ClientelingContexts,
        published: PublishedCache,
        policy: OutreachRules,
        sender: Callable[[], MessageSender],
        queue: Callable[[], DeliveryQueue],
        alerts: Callable[[], AlertDispatcher],
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._contexts = contexts
        self._published = published
        self.policy = policy
        self._sender = sender
        self._queue = queue
        self._alerts = alerts

    # -- accepting (the POS route) -------------------------------------------------------

    def new_message_id(self) -> str:
        return time_ordered_id(self._clock.now())

    def accept(
        self, staff: StaffContext, customer_id: str, request: MessageRequest, message_id: str
    ) -> OutreachMessage:
        """Check the book, ask the policy, store message + outbox + activity, then enqueue.

        A retry with the same `message_id` returns the message stored first; the enqueue
        that follows a retry is harmless (delivery is idempotent).
        """
        policy = self.policy
        legal_entity = staff.legal_entity
        # A retry of a request that died after storing (the idempotency record names the same
        # id) must not ask the policy again: the cap would count the message against itself.
        stored = self._storage.outreach.get(legal_entity, customer_id, message_id)
        if stored is not None:
            return stored
        require_writable_customer(self._storage.customers, legal_entity, customer_id)
        self._require_in_book(staff, customer_id)
        now = self._clock.now()
        sent = self._storage.outreach.count_since(legal_entity, customer_id, cap_window_start(now))
        refusal = policy.refusal(
            legal_entity=legal_entity,
            store_id=staff.store.store_id,
            customer_id=customer_id,
            channel=request.channel,
            now=now,
            sent_last_7_days=sent,
        )
        if refusal is not None:
            raise refusal_error(refusal.problem_type, refusal.detail, refusal.send_after)
        rendered: Rendered = policy.render(
            legal_entity=legal_entity,
            store_id=staff.store.store_id,
            customer_id=customer_id,
            associate_id=staff.staff_id,
            channel=request.channel,
            template_id=request.template_id,
            text=request.text,
            subject=request.subject,
        )
        message = OutreachMessage(
            legal_entity=legal_entity,
            customer_id=customer_id,
            message_id=message_id,
            store_id=staff.store.store_id,
            staff_id=staff.staff_id,
            staff_name=staff.staff.name,
            channel=request.channel,
            subject=rendered.subject if request.channel == "email" else None,
            body=rendered.body,
            activity_type=rendered.activity_type,
            unsubscribe_url=rendered.unsubscribe_url if request.channel == "email" else None,
            accepted_at=instant_text(now),
        )
        stored = self._storage.outreach.accept(message, self._activity(message))
        return self._enqueue(stored) or stored

    def _require_in_book(self, staff: StaffContext, customer_id: str) -> None:
        """My book; or, with manage-store-client-books, a book of my store client book."""
        holdings = self._storage.client_books.holdings_of(staff.legal_entity, [customer_id])
        owners = {h.owner_staff_id for h in holdings}
        if staff.staff_id in owners:
            return
        if staff.may(Operation.MANAGE_STORE_CLIENT_BOOKS):
            in_scope = self._contexts.of(staff).store_book_owners()
            if owners & in_scope:
                return
        raise Forbidden(
            f"customer {customer_id} is not in your client book"
            + (
                " or your store client book"
                if staff.may(Operation.MANAGE_STORE_CLIENT_BOOKS)
                else ""
            ),
            customerId=customer_id,
        )

    def _activity(self, message: OutreachMessage) -> Activity:
        type_name = self._type_name(message.legal_entity, message.activity_type)
        first_line = message.body.strip().splitlines()[0] if message.body.strip() else ""
        subject = message.subject or first_line or message.channel
        return Activity(
            legal_entity=message.legal_entity,
            customer_id=message.customer_id,
            activity_id=message.message_id,
            activity_type_id=message.activity_type,
            activity_type_name=type_name,
            subject=subject[:200],
            start_time=message.accepted_at,
            end_time=None,
            description=message.body,
            purpose=None,
            outcome=None,
            staff_id=message.staff_id,
            staff_name=message.staff_name,
            store_id=message.store_id,
            recorded_at=message.accepted_at,
            channel=message.channel,
            delivery_status=message.status,
        )

    def _type_name(self, legal_entity: str, type_id: str) -> str:
        try:
            types = self._published.current().entity(legal_entity).activity_types
        except Exception:  # an unpublished entity cannot reach here; never fail a send on it
            return type_id
        found = types.get(type_id)
        return found.name if found is not None else type_id

    def _enqueue(self, message: OutreachMessage) -> OutreachMessage | None:
        """Put the message on the queue and mark it queued; None (logged) if the queue
        cannot take it now: the outbox keeps it and the relay tries again."""
        try:
            self._queue().put(delivery_payload(message))
        except Exception as error:
            log.warning(
                "outreach message %s stays in the outbox: queue unavailable (%s)",
                message.message_id,
                type(error).__name__,
            )
            return None
        queued = moved(message, MessageStatus.QUEUED, self._clock.now())
        if queued is not None and self._storage.outreach.update(queued):
            return queued
        return message

    def get(self, legal_entity: str, customer_id: str, message_id: str) -> OutreachMessage:
        found = self._storage.outreach.get(legal_entity, customer_id, message_id)
        if found is None:
            raise NotFound(f"no message {message_id!r}", resource="message")
        return found

    # -- the outbox relay (timer) ----------------------------------------------------------

    def relay(self, limit: int = RELAY_BATCH) -> int:
        """Move messages whose enqueue was lost to the queue; returns how many it moved."""
        before = instant_text(self._clock.now() - RELAY_GRACE)
        moved_count = 0
        for message in self._storage.outreach.outbox(before, limit):
            self._storage.outreach.ensure_activity(message, self._activity(message))
            if self._enqueue(message) is not None:
                moved_count += 1
        return moved_count

    # -- delivery (queue trigger) ----------------------------------------------------------

    def deliver(self, payload: str, dequeue_count: int) -> str:
        """Send the message named by a queue message; returns what happened (for the log).

        Raises SendFailed (or anything unexpected) to have the host retry; on the last
        attempt the message is marked failed and on-call alerted before the host moves the
        queue message to the poison queue.
        """
        message = self._message_of(payload)
        if message is None:
            return "unknown message (erased?): dropped"
        if message.status in HANDED_OVER:
            return f"already {message.status}: nothing sent"
        policy = self.policy
        # Consent may have been withdrawn (STOP) or outreach switched off since it was
        # accepted: ask again as of the acceptance time, so only such changes can refuse it.
        refusal = policy.refusal(
            legal_entity=message.legal_entity,
            store_id=message.store_id,
            customer_id=message.customer_id,
            channel=message.channel,
            now=parse_instant(message.accepted_at),
            sent_last_7_days=0,
        )
        if refusal is not None:
            self._settle(message, MessageStatus.FAILED, f"refused: {refusal.problem_type}")
            return f"refused at delivery: {refusal.problem_type}"
        recipient = policy.recipient(
            legal_entity=message.legal_entity,
            customer_id=message.customer_id,
            channel=message.channel,
        )
        if recipient is None:
            self._settle(message, MessageStatus.FAILED, "refused: contact-missing")
            return "no address: failed"
        try:
            provider_id = self._send(message, recipient.address)
        except SendRejected as error:
            self._settle(message, MessageStatus.FAILED, f"rejected by ACS: {error}")
            return "rejected by ACS: failed"
        except Exception as error:
            if dequeue_count >= MAX_DEQUEUE_COUNT:
                reason = f"gave up after {dequeue_count} attempts: {type(error).__name__}"
                self._settle(message, MessageStatus.FAILED, reason)
                alert_poison(self._alerts(), message, DELIVERY_QUEUE, reason, self._clock.now())
            raise
        self._settle(message, MessageStatus.SENT, None, provider_id)
        return "sent"

    def _send(self, message: OutreachMessage, address: str) -> str:
        sender = self._sender()
        if message.channel == "email":
            return sender.send_email(
                request_id=message.provider_request_id,
                to=address,
                subject=message.subject or "",
                body=message.body,
                unsubscribe_url=message.unsubscribe_url,
            )
        return sender.send_sms(
            request_id=message.provider_request_id,
            first_sent=message.accepted_at,
            to=address,
            body=message.body,
        )

    def _message_of(self, payload: str) -> OutreachMessage | None:
        try:
            named = json.loads(payload)
            ids = (named["legalEntity"], named["customerId"], named["messageId"])
        except (ValueError, KeyError, TypeError):
            log.error("outreach queue message is not a delivery request: dropped")
            return None
        return self._storage.outreach.get(*ids)

    def _settle(
        self,
        message: OutreachMessage,
        status: MessageStatus,
        detail: str | None,
        provider_id: str | None = None,
    ) -> bool:
        changed = moved(message, status, self._clock.now(), detail, provider_id)
        return changed is not None and self._storage.outreach.update(changed)

    # -- what ACS reports back (Event Grid) ------------------------------------------------

    def delivery_report(self, event_type: str, data: dict[str, Any]) -> str:
        """Apply an email or SMS delivery report to the message and its timeline activity."""
        if event_type.endswith("EmailDeliveryReportReceived"):
            status = _EMAIL_REPORT.get(str(data.get("status")))
            detail = (data.get("deliveryStatusDetails") or {}).get("statusMessage")
        else:
            status = _SMS_REPORT.get(str(data.get("deliveryStatus")))
            detail = data.get("deliveryStatusDetails")
        provider_id = str(data.get("messageId") or "")
        if status is None or not provider_id:
            return "not a final status: ignored"
        message = self._storage.outreach.by_provider_id(provider_id)
        if message is None:
            return "unknown message: ignored"
        text = str(detail)[:200] if detail and status is MessageStatus.FAILED else None
        return "applied" if self._settle(message, status, text) else "already settled"

    def inbound_sms(self, data: dict[str, Any]) -> str:
        """STOP/START and the like: consent changes; the confirmation goes back at once."""
        received = data.get("receivedTimestamp")
        try:
            received_at = parse_instant(str(received)) if received else self._clock.now()
        except ValueError:
            received_at = self._clock.now()
        from_phone, to_phone = str(data.get("from") or ""), str(data.get("to") or "")
        reply = self.policy.inbound_sms(
            from_phone=from_phone,
            to_phone=to_phone,
            text=str(data.get("message") or ""),
            received_at=received_at,
        )
        if reply is None:
            return "no keyword"
        # The inbound message id makes the confirmation's repeatability id: Event Grid
        # delivers at least once, and a repeated event must not text the customer twice.
        request_id = str(data.get("messageId") or "")
        # From the number the customer texted: carriers expect the STOP confirmation there.
        self._sender().send_sms(
            request_id=_confirmation_request_id(request_id),
            first_sent=instant_text(received_at),
            to=from_phone,
            body=reply,
            sender=to_phone or None,
        )
        return "confirmed"


def _confirmation_request_id(inbound_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sms-confirmation:{inbound_id}"))


def delivery_payload(message: OutreachMessage) -> str:
    """The queue message: ids only (no address, no text: queues are not for personal data)."""
    return json.dumps(
        {
            "legalEntity": message.legal_entity,
            "customerId": message.customer_id,
            "messageId": message.message_id,
        }
    )
