"""Posting JSON to an alert channel with bounded retries.

Webhook URLs carry their own secret (Teams, Slack) and PagerDuty bodies carry the routing key,
so failures are logged with the channel name and status only, never the URL or the body.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from shared.retry_after import retry_after_seconds

logger = logging.getLogger(__name__)

_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


class DeliveryFailed(RuntimeError):
    def __init__(self, channel: str, reason: str) -> None:
        super().__init__(f"alert delivery to {channel} failed: {reason}")
        self.channel = channel
        self.reason = reason


@dataclass(frozen=True)
class DeliveryPolicy:
    attempts: int = 3
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 10.0
    timeout_seconds: float = 10.0


class JsonPoster:
    def __init__(
        self,
        policy: DeliveryPolicy | None = None,
        *,
        session: requests.Session | None = None,
        tls_verify: bool | str = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._policy = policy or DeliveryPolicy()
        self._session = session or requests.Session()
        self._tls_verify = tls_verify
        self._sleep = sleep

    def post(self, channel: str, url: str, body: dict[str, Any]) -> requests.Response:
        """POST `body`; retry timeouts, 429 and 5xx with backoff; raise `DeliveryFailed`."""
        policy = self._policy
        reason = "not attempted"
        for attempt in range(1, policy.attempts + 1):
            wait = min(policy.backoff_seconds * 2 ** (attempt - 1), policy.max_backoff_seconds)
            try:
                # verify per request: a session-wide value loses to REQUESTS_CA_BUNDLE.
                response = self._session.post(
                    url, json=body, timeout=policy.timeout_seconds, verify=self._tls_verify
                )
            except requests.RequestException as error:
                reason = type(error).__name__
            else:
                if 200 <= response.status_code < 300:
                    return response
                reason = f"HTTP {response.status_code}"
                if response.status_code not in _RETRYABLE:
                    logger.warning("alert delivery to %s refused: %s", channel, reason)
                    raise DeliveryFailed(channel, reason)
                wait = _retry_after(response, wait, policy.max_backoff_seconds)
            logger.warning(
                "alert delivery to %s failed (%s), attempt %d of %d",
                channel,
                reason,
                attempt,
                policy.attempts,
            )
            if attempt < policy.attempts:
                self._sleep(wait)
        raise DeliveryFailed(channel, reason)


def _retry_after(response: requests.Response, default: float, cap: float) -> float:
    asked = retry_after_seconds(response.headers.get("Retry-After"))
    return default if asked is None else min(asked, cap)
