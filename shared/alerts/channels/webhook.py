"""Generic JSON webhook: the alert's fields as they are."""

from __future__ import annotations

from shared.alerts.delivery import JsonPoster
from shared.alerts.message import Alert


class WebhookChannel:
    name = "webhook"

    def __init__(self, url: str, poster: JsonPoster) -> None:
        self._url = url
        self._poster = poster

    def send(self, alert: Alert) -> None:
        self._poster.post(self.name, self._url, alert.as_dict())
