"""The HTTP session shared by the Insights data calls and MSAL's sign-in calls."""

from __future__ import annotations

from typing import Any

import requests


class InsightsSession(requests.Session):
    """A `requests.Session` that puts a timeout on every request, MSAL's included.

    A custom trust store (a CA bundle path) is passed per request: requests lets the
    REQUESTS_CA_BUNDLE environment variable override a session-wide `verify`, which would
    silently swap the trust the caller asked for.
    """

    def __init__(self, timeout_seconds: float, tls_verify: bool | str = True) -> None:
        super().__init__()
        self._timeout = (timeout_seconds, timeout_seconds)
        self._tls_verify = tls_verify

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        if self._tls_verify is not True:
            kwargs.setdefault("verify", self._tls_verify)
        return super().request(method, url, *args, **kwargs)
