"""PagerDuty Events API v2: trigger and resolve, one incident per secret (stable dedup key).

The routing key is itself a secret: a `vault://` reference resolved when sending (so a
rotated key is picked up), or a literal. It is never logged.
"""

from __future__ import annotations

from typing import Any

from shared.alerts.delivery import DeliveryFailed, JsonPoster
from shared.alerts.message import Alert, AlertAction
from shared.secrets.errors import SecretUnavailable
from shared.secrets.reference import SecretReference
from shared.secrets.resolver import SecretResolver

DEFAULT_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
_SUMMARY_LIMIT = 1024


class PagerDutyChannel:
    name = "pagerduty"

    def __init__(
        self,
        routing_key: str | SecretReference,
        resolver: SecretResolver,
        poster: JsonPoster,
        url: str = DEFAULT_EVENTS_URL,
    ) -> None:
        self._routing_key = routing_key
        self._resolver = resolver
        self._poster = poster
        self._url = url

    def send(self, alert: Alert) -> None:
        self._poster.post(self.name, self._url, pagerduty_event(alert, self._key()))

    def _key(self) -> str:
        if isinstance(self._routing_key, str):
            return self._routing_key
        try:
            return self._resolver.get(self._routing_key).value
        except SecretUnavailable as error:
            raise DeliveryFailed(self.name, f"routing key unavailable: {error.reason}") from None


def pagerduty_event(alert: Alert, routing_key: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": alert.action.value,
        "dedup_key": alert.dedup_key,
    }
    if alert.action is AlertAction.RESOLVE:
        return event
    event["payload"] = {
        "summary": alert.title[:_SUMMARY_LIMIT],
        "source": alert.source,
        "severity": alert.severity.value,
        "timestamp": alert.detected_at.isoformat(),
        "component": alert.vault,
        "group": ",".join(alert.legal_entities),
        "class": "secret-expiry",
        "custom_details": {
            "secret": alert.secret_name,
            "vault": alert.vault,
            "legal_entities": list(alert.legal_entities),
            "finding": alert.finding,
            "expires_on": alert.expires_on.isoformat() if alert.expires_on else None,
            "days_left": alert.days_left,
            "impact": alert.impact,
            "how_to_rotate": alert.rotation,
        },
    }
    return event
