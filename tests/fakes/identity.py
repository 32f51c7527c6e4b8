"""An Entra ID stand-in: OpenID discovery and the client-credentials token endpoint."""

from __future__ import annotations

import itertools
import threading

from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest
from tests.fakes.tls import TlsFiles

TENANT = "11111111-2222-4333-8444-555555555555"


class FakeIdentityProvider:
    def __init__(self, tls: TlsFiles, client_id: str, accepted_secrets: set[str]) -> None:
        self.server = LocalServer(self.handle, tls)
        self.client_id = client_id
        self.accepted_secrets = accepted_secrets
        self._issued: dict[str, str] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def authority_host(self) -> str:
        return self.server.base_url

    def token_requests(self) -> list[RecordedRequest]:
        return [r for r in self.server.requests if r.path.endswith("/oauth2/v2.0/token")]

    def is_valid(self, token: str, scope: str) -> bool:
        with self._lock:
            return self._issued.get(token) == scope

    def handle(self, request: RecordedRequest) -> FakeResponse:
        base = f"{self.server.base_url}/{TENANT}"
        if request.path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
            return FakeResponse(
                200,
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                },
            )
        if request.path == f"/{TENANT}/oauth2/v2.0/token" and request.method == "POST":
            return self._token(request.form())
        return FakeResponse(404, {"error": "not_found"})

    def _token(self, form: dict[str, str]) -> FakeResponse:
        if form.get("grant_type") != "client_credentials":
            return FakeResponse(400, {"error": "unsupported_grant_type"})
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") not in self.accepted_secrets
        ):
            return FakeResponse(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                    "error_codes": [7000215],
                },
            )
        token = f"access-token-{next(self._counter)}"
        with self._lock:
            self._issued[token] = form.get("scope", "")
        return FakeResponse(
            200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
        )
