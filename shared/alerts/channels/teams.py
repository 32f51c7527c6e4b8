"""Microsoft Teams through a Workflows webhook: an Adaptive Card 1.4 in a message."""

from __future__ import annotations

from typing import Any

from shared.alerts.delivery import JsonPoster
from shared.alerts.message import Alert, AlertAction
from shared.domain.secret_expiry import Severity

_COLOR = {
    Severity.CRITICAL: "attention",
    Severity.ERROR: "attention",
    Severity.WARNING: "warning",
    Severity.INFO: "good",
}


class TeamsChannel:
    name = "teams"

    def __init__(self, url: str, poster: JsonPoster) -> None:
        self._url = url
        self._poster = poster

    def send(self, alert: Alert) -> None:
        self._poster.post(self.name, self._url, teams_payload(alert))


def teams_payload(alert: Alert) -> dict[str, Any]:
    facts = [
        {"title": "Secret", "value": alert.secret_name},
        {"title": "Vault", "value": alert.vault},
        {"title": "Legal entities", "value": ", ".join(alert.legal_entities) or "-"},
        {"title": "Expires", "value": alert.expires_text},
        {"title": "Severity", "value": alert.severity.value},
        {"title": "Finding", "value": alert.finding},
    ]
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": alert.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "color": _COLOR[alert.severity],
        },
        {"type": "FactSet", "facts": facts},
        {"type": "TextBlock", "text": alert.impact, "wrap": True},
        {"type": "TextBlock", "text": alert.rotation, "wrap": True},
    ]
    if alert.action is AlertAction.TRIGGER:
        body.append(
            {
                "type": "TextBlock",
                "text": alert.rotate_command,
                "wrap": True,
                "fontType": "Monospace",
            }
        )
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                },
            }
        ],
    }
