"""An Entra ID stand-in: OpenID discovery, the client-credentials token endpoint and the
tenant's signing key set (JWKS), whose keys tests add, remove and sign tokens with."""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest
from tests.fakes.tls import TlsFiles

TENANT = "11111111-2222-4333-8444-555555555555"
V1_ISSUER = f"https://sts.windows.net/{TENANT}/"
V2_ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"


class FakeIdentityProvider:
    def __init__(self, tls: TlsFiles, client_id: str, accepted_secrets: set[str]) -> None:
        self.server = LocalServer(self.handle, tls)
        self.client_id = client_id
        self.accepted_secrets = accepted_secrets
        self._issued: dict[str, str] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._signing_keys: dict[str, rsa.RSAPrivateKey] = {}
        # Removed keys can still sign: tokens issued before, or a leaked key's forgeries.
        self._removed_keys: dict[str, rsa.RSAPrivateKey] = {}

    @property
    def authority_host(self) -> str:
        return self.server.base_url

    @property
    def jwks_url(self) -> str:
        return f"{self.server.base_url}/{TENANT}/discovery/v2.0/keys"

    def add_signing_key(self, kid: str | None = None) -> str:
        """Publish a new RS256 key in the key set; returns its kid."""
        kid = kid or uuid.uuid4().hex
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with self._lock:
            self._signing_keys[kid] = key
        return kid

    def remove_signing_key(self, kid: str) -> None:
        """Take a key out of the key set, as Entra does after a rollover or a compromise."""
        with self._lock:
            self._removed_keys[kid] = self._signing_keys.pop(kid)

    def sign(self, claims: dict[str, Any], kid: str) -> str:
        """Signed as given: malformed claims too (PyJWT's encoder refuses some of them)."""
        with self._lock:
            key = self._signing_keys.get(kid) or self._removed_keys[kid]
        payload = json.dumps(claims).encode()
        return jwt.api_jws.PyJWS().encode(payload, key, algorithm="RS256", headers={"kid": kid})

    def key_set_requests(self) -> list[RecordedRequest]:
        return self.server.requests_to("/discovery/v2.0/keys")

    def key_set(self) -> dict[str, Any]:
        with self._lock:
            keys = list(self._signing_keys.items())
        published = []
        for kid, key in keys:
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            public.update({"kid": kid, "x5t": kid, "use": "sig"})
            published.append(public)
        return {"keys": published}

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
                    "jwks_uri": self.jwks_url,
                },
            )
        if request.path == f"/{TENANT}/discovery/v2.0/keys":
            return FakeResponse(200, self.key_set())
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
