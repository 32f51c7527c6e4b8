"""Receivers for alert channels: a generic webhook, Teams and Slack webhooks, PagerDuty events.

All four live on one local HTTPS server under different paths; each request is recorded so a
test can assert the exact payload a channel sent.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest
from tests.fakes.tls import TlsFiles

WEBHOOK_PATH = "/hooks/clienteling"
TEAMS_PATH = "/workflows/triggers/manual/paths/invoke/sig-teams-secret"
SLACK_PATH = "/services/T000/B000/slack-secret-token"
PAGERDUTY_PATH = "/v2/enqueue"


class FakeAlertReceivers:
    def __init__(self, tls: TlsFiles) -> None:
        self.server = LocalServer(self.handle, tls)

    def url(self, path: str) -> str:
        return f"{self.server.base_url}{path}"

    def bodies(self, path: str) -> list[Any]:
        return [r.json() for r in self.server.requests if r.path == path]

    def handle(self, request: RecordedRequest) -> FakeResponse:
        if request.method != "POST" or "json" not in request.headers.get("content-type", ""):
            return FakeResponse(400, {"error": "expected a JSON POST"})
        if request.path == PAGERDUTY_PATH:
            body = request.json()
            if not body.get("routing_key") or body.get("event_action") not in (
                "trigger",
                "resolve",
                "acknowledge",
            ):
                return FakeResponse(
                    400, {"status": "invalid event", "message": "Event object is invalid"}
                )
            return FakeResponse(
                202,
                {
                    "status": "success",
                    "message": "Event processed",
                    "dedup_key": body.get("dedup_key"),
                },
            )
        if request.path in (WEBHOOK_PATH, TEAMS_PATH):
            return FakeResponse(202 if request.path == TEAMS_PATH else 200, b"")
        if request.path == SLACK_PATH:
            return FakeResponse(200, b"ok", {"Content-Type": "text/plain"})
        return FakeResponse(404, {"error": "no such hook"})
