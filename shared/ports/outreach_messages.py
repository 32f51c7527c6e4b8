"""Storage of the messages associates send, with their outbox entries (`storage.outreach`).

A message, its outbox entry and its activity on the customer's timeline are one write where
the store allows it (SQLite: one transaction). In Cosmos DB the message item IS the outbox
entry (status `accepted`) and carries the activity, which is written right after it and
written again by the relay if that second write was lost: either way a crash between
"accepted" and "queued" loses nothing, and the relay's ids make every repeat a no-op.
"""

from __future__ import annotations

from typing import Protocol

from shared.domain.activities import Activity
from shared.domain.outreach_messages import OutreachMessage
from shared.ports.activities import CustomerKey


class OutreachRecords(Protocol):
    def accept(self, message: OutreachMessage, activity: Activity) -> OutreachMessage:
        """Store a new message (status accepted, outbox pending) and its activity. If the
        customer already has a message with this id (a retried request), store nothing and
        return the one stored first."""
        ...

    def get(
        self, legal_entity: str, customer_id: str, message_id: str
    ) -> OutreachMessage | None: ...

    def by_provider_id(self, provider_id: str) -> OutreachMessage | None:
        """The message ACS knows by this id (delivery reports name only that id)."""
        ...

    def count_since(self, legal_entity: str, customer_id: str, since: str) -> int:
        """Messages to this customer (from any store and associate of the legal entity)
        accepted at or after `since` that count for the frequency cap (see
        OutreachMessage.counts_for_cap): the cap protects the customer, whoever sends."""
        ...

    def outbox(self, accepted_before: str, limit: int) -> list[OutreachMessage]:
        """Up to `limit` messages still waiting for the queue, accepted before that instant,
        oldest first."""
        ...

    def ensure_activity(self, message: OutreachMessage, activity: Activity) -> None:
        """Write the message's activity if it is missing (the relay's repair; no-op else)."""
        ...

    def update(self, message: OutreachMessage) -> bool:
        """Store the message's new status, and the same delivery status on its activity, if
        the stored status may move to it (outreach_messages.can_move: forward only). True when
        written; False when the stored message was already there or further on."""
        ...

    def erase(self, customer: CustomerKey, limit: int) -> int:
        """Delete up to `limit` of the customer's messages and say how many went (privacy
        erasure calls it until it answers 0; the activities go with the activities)."""
        ...
