"""Sends one alert to every configured channel; one failing channel does not stop the rest."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from shared.alerts.channels import AlertChannel
from shared.alerts.delivery import DeliveryFailed
from shared.alerts.message import Alert

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    delivered: tuple[str, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)


class AlertDispatcher:
    def __init__(self, channels: Sequence[AlertChannel]) -> None:
        self._channels = list(channels)

    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(channel.name for channel in self._channels)

    def dispatch(self, alert: Alert, only: Collection[str] | None = None) -> DeliveryReport:
        """Send `alert` to every channel, or to the channels named in `only`."""
        delivered: list[str] = []
        failed: dict[str, str] = {}
        for channel in self._channels:
            if only is not None and channel.name not in only:
                continue
            try:
                channel.send(alert)
            except DeliveryFailed as error:
                failed[channel.name] = error.reason
            except Exception:
                # A bug in one channel must not silence the others.
                logger.exception("alert channel %s failed unexpectedly", channel.name)
                failed[channel.name] = "internal error"
            else:
                delivered.append(channel.name)
        return DeliveryReport(tuple(delivered), failed)
