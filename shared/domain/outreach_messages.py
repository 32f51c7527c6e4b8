"""Messages an associate sends a customer: what is kept of one, and how its status moves.

Plain Python. A message is accepted with its outbox entry pending; the relay puts it on the
delivery queue (`queued`); the queue function hands it to Azure Communication Services
(`sent`); a delivery report settles it (`delivered` or `failed`). A status never moves
backwards, so a late or repeated report, or a redelivered queue message, changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from enum import StrEnum

from shared.domain.instants import instant_text

# The frequency cap counts what a customer was sent from a store over this window.
CAP_WINDOW = dt.timedelta(days=7)
# Ids ACS sees (email Operation-Id, SMS repeatability id) are derived from the message, so a
# redelivered queue message repeats the same request instead of making a second one.
_PROVIDER_NAMESPACE = uuid.UUID("5d0f5d59-8a0c-4c55-9b83-2f6e0d2b8a11")


class MessageStatus(StrEnum):
    ACCEPTED = "accepted"  # stored with its outbox entry; not yet on the queue
    QUEUED = "queued"  # on the delivery queue
    SENT = "sent"  # ACS took it
    DELIVERED = "delivered"  # the delivery report says it arrived
    FAILED = "failed"  # ACS refused it, retries ran out, or the report says it did not arrive


_RANK = {
    MessageStatus.ACCEPTED: 0,
    MessageStatus.QUEUED: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.FAILED: 3,
}
FINAL = frozenset({MessageStatus.DELIVERED, MessageStatus.FAILED})
# Statuses that mean ACS has (or had) the message: sending again would send it twice.
HANDED_OVER = frozenset({MessageStatus.SENT, *FINAL})


@dataclass(frozen=True)
class OutreachMessage:
    legal_entity: str
    customer_id: str
    message_id: str
    store_id: str
    staff_id: str
    staff_name: str
    channel: str  # "email" | "sms"
    subject: str | None
    body: str
    activity_type: str
    unsubscribe_url: str | None
    accepted_at: str  # instant text
    status: str = MessageStatus.ACCEPTED
    status_detail: str | None = None  # words for people, never an address
    provider_id: str | None = None  # ACS's id: email operation id, SMS message id
    updated_at: str | None = None

    @property
    def provider_request_id(self) -> str:
        """The stable id ACS deduplicates on (email Operation-Id, SMS repeatabilityRequestId)."""
        key = f"{self.legal_entity}|{self.customer_id}|{self.message_id}"
        return str(uuid.uuid5(_PROVIDER_NAMESPACE, key))

    @property
    def outbox_pending(self) -> bool:
        return self.status == MessageStatus.ACCEPTED

    @property
    def counts_for_cap(self) -> bool:
        """Everything accepted counts, except what never left (failed before ACS took it)."""
        return not (self.status == MessageStatus.FAILED and self.provider_id is None)


def can_move(current: str, new: str) -> bool:
    """Forward only; a final status stays (a late "delivered" after "failed" changes nothing)."""
    if current in FINAL:
        return False
    return _RANK[MessageStatus(new)] > _RANK[MessageStatus(current)]


def moved(
    message: OutreachMessage,
    status: MessageStatus,
    at: dt.datetime,
    detail: str | None = None,
    provider_id: str | None = None,
) -> OutreachMessage | None:
    """The message in its new status, or None when that would move it backwards."""
    if not can_move(message.status, status):
        return None
    return replace(
        message,
        status=status.value,
        status_detail=detail,
        provider_id=provider_id or message.provider_id,
        updated_at=instant_text(at),
    )


def cap_window_start(now: dt.datetime) -> str:
    return instant_text(now - CAP_WINDOW)
