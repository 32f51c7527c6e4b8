"""Slack incoming webhook: a plain `text` fallback plus Block Kit `blocks`."""

from __future__ import annotations

from typing import Any

from shared.alerts.delivery import JsonPoster
from shared.alerts.message import Alert, AlertAction

# Slack limits header text to 150 characters and section text to 3000.
_HEADER_LIMIT = 150
_SECTION_LIMIT = 3000


class SlackChannel:
    name = "slack"

    def __init__(self, url: str, poster: JsonPoster) -> None:
        self._url = url
        self._poster = poster

    def send(self, alert: Alert) -> None:
        self._poster.post(self.name, self._url, slack_payload(alert))


def slack_payload(alert: Alert) -> dict[str, Any]:
    fields = [
        ("Secret", alert.secret_name),
        ("Vault", alert.vault),
        ("Legal entities", ", ".join(alert.legal_entities) or "-"),
        ("Expires", alert.expires_text),
        ("Severity", alert.severity.value),
        ("Finding", alert.finding),
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(alert.title, _HEADER_LIMIT)},
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in fields
            ],
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": _cut(f"{alert.impact}\n{alert.rotation}", _SECTION_LIMIT),
            },
        },
    ]
    if alert.action is AlertAction.TRIGGER:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"```{alert.rotate_command}```"}}
        )
    return {"text": alert.title, "blocks": blocks}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
