"""Alert channels: each turns an `Alert` into one service's payload and posts it."""

from typing import Protocol

from shared.alerts.message import Alert


class AlertChannel(Protocol):
    name: str

    def send(self, alert: Alert) -> None:
        """Deliver the alert or raise `DeliveryFailed`."""
        ...
