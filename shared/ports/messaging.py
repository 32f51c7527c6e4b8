"""What moves a message: the sender (Azure Communication Services) and the delivery queue."""

from __future__ import annotations

from typing import Protocol


class SendRejected(Exception):
    """The service refused this message for good (a bad address, a blocked sender): sending
    it again would be refused again, so it fails now instead of going to the poison queue."""


class SendFailed(Exception):
    """The service could not take the message now (throttled, unavailable, timed out): the
    delivery is retried by the queue."""


class MessageSender(Protocol):
    def send_email(
        self,
        *,
        request_id: str,
        to: str,
        subject: str,
        body: str,
        unsubscribe_url: str | None,
    ) -> str:
        """Send one email; returns ACS's id for it (its delivery reports name it). The same
        `request_id` (sent as Operation-Id) never sends twice."""
        ...

    def send_sms(
        self, *, request_id: str, first_sent: str, to: str, body: str, sender: str | None = None
    ) -> str:
        """Send one SMS (from `sender`, default the configured number); returns ACS's message
        id. The same `request_id` (the repeatability request id, with `first_sent` as its
        first-sent time) never sends twice."""
        ...


class DeliveryQueue(Protocol):
    def put(self, payload: str) -> None:
        """Enqueue one delivery request (a small JSON text naming the message)."""
        ...
