"""GET JSON from the platform: timeouts on every call, bounded retries honouring Retry-After."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from shared.insights.errors import InsightsUnavailable
from shared.retry_after import retry_after_seconds

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    # A card waits for this at most between attempts; a server asking for longer is not retried.
    max_wait_seconds: float = 2.0
    backoff_seconds: float = 0.2
    retry_statuses: tuple[int, ...] = (429, 502, 503, 504)
    max_pages: int = 10


class InsightsHttp:
    def __init__(
        self,
        session: requests.Session,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # The session carries the timeout and TLS trust (see InsightsSession).
        self._session = session
        self._retry = retry
        self._sleep = sleep

    def get_rows(self, url: str, token: str) -> list[dict[str, Any]]:
        """All rows of an OData collection, following same-origin next links (bounded)."""
        rows: list[dict[str, Any]] = []
        origin = _origin(url)
        next_url: str | None = url
        for _ in range(self._retry.max_pages):
            if next_url is None:
                return rows
            page = self.get_json(next_url, token)
            value = page.get("value") if isinstance(page, dict) else None
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                raise InsightsUnavailable("malformed response: no 'value' list of rows")
            rows.extend(value)
            next_url = page.get("@odata.nextLink")
            if next_url is not None and _origin(next_url) != origin:
                raise InsightsUnavailable("next link points to another host; not followed")
        if next_url is not None:
            logger.warning("Insights result cut at %d pages", self._retry.max_pages)
        return rows

    def get_json(self, url: str, token: str) -> Any:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "OData-Version": "4.0",
            "OData-MaxVersion": "4.0",
        }
        resource = urlsplit(url).path.rsplit("/", 1)[-1]
        for attempt in range(1, self._retry.attempts + 1):
            try:
                response = self._session.get(url, headers=headers)
            except requests.Timeout:
                raise InsightsUnavailable(f"{resource}: no answer in time") from None
            except requests.RequestException as error:
                raise InsightsUnavailable(
                    f"{resource}: cannot connect ({type(error).__name__})"
                ) from None
            if response.status_code in self._retry.retry_statuses:
                wait = self._wait_before_retry(response, attempt)
                if wait is None or attempt == self._retry.attempts:
                    raise InsightsUnavailable(f"{resource}: HTTP {response.status_code}")
                logger.info(
                    "Insights %s answered %d; retrying in %.2fs",
                    resource,
                    response.status_code,
                    wait,
                )
                self._sleep(wait)
                continue
            if response.status_code != 200:
                raise InsightsUnavailable(f"{resource}: HTTP {response.status_code}")
            try:
                return response.json()
            except ValueError:
                raise InsightsUnavailable(f"{resource}: malformed JSON") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_before_retry(self, response: requests.Response, attempt: int) -> float | None:
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is None:
            return min(
                self._retry.backoff_seconds * 2 ** (attempt - 1), self._retry.max_wait_seconds
            )
        # Retrying sooner than asked would only add load; give up and let the breaker count it.
        return asked if asked <= self._retry.max_wait_seconds else None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()
