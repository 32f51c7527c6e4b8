"""A Key Vault stand-in: secrets REST API (get, list, list versions) behind the bearer challenge.

Vaults are told apart by the Host header (`<vault>.vault.test:<port>`), which the tests resolve
to 127.0.0.1 (see `loopback_dns`). The first request without a token gets Key Vault's 401
challenge; requests with the expected token are served.
"""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from azure.core.credentials import AccessToken

from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest
from tests.fakes.tls import TlsFiles

DNS_ZONE = "vault.test"
TENANT = "72f988bf-0000-4000-8000-000000000001"


@dataclass
class StoredVersion:
    name: str
    version: str
    value: str
    expires_on: datetime | None
    enabled: bool
    created: int = 1700000000


class StaticTokenCredential:
    """Stands in for DefaultAzureCredential: hands out a fixed token and records the asks."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.requests: list[tuple[tuple[str, ...], str | None]] = []

    def get_token(self, *scopes: str, tenant_id: str | None = None, **_: Any) -> AccessToken:
        self.requests.append((scopes, tenant_id))
        return AccessToken(self._token, 4102444800)  # 2100-01-01


class FakeKeyVault:
    token = "kv-token-1"

    def __init__(self, tls: TlsFiles, challenge_resource: str | None = None) -> None:
        self.server = LocalServer(self.handle, tls)
        self._challenge_resource = challenge_resource
        self._vaults: dict[str, dict[str, list[StoredVersion]]] = {}
        self.forbidden: set[tuple[str, str]] = set()

    @property
    def dns_suffix(self) -> str:
        return f"{DNS_ZONE}:{self.server.port}"

    @property
    def resource(self) -> str:
        return self._challenge_resource or f"https://{self.dns_suffix}"

    def set_secret(
        self,
        vault: str,
        name: str,
        value: str,
        expires_on: datetime | None = None,
        enabled: bool = True,
    ) -> str:
        """Add a new current version, as `az keyvault secret set` does."""
        version = uuid.uuid4().hex
        versions = self._vaults.setdefault(vault.lower(), {}).setdefault(name.lower(), [])
        # Each version is created a second after the one before: the newest is the current one.
        created = 1700000000 + len(versions)
        versions.append(StoredVersion(name, version, value, expires_on, enabled, created))
        return version

    def secret_requests(self) -> list[RecordedRequest]:
        return [r for r in self.server.requests if r.path.startswith("/secrets")]

    def vault_listings(self) -> list[RecordedRequest]:
        """Requests that list every secret of a vault (GET /secrets)."""
        return [r for r in self.server.requests if r.path.rstrip("/") == "/secrets"]

    def handle(self, request: RecordedRequest) -> FakeResponse:
        if not request.param("api-version"):
            return _error(400, "BadParameter", "api-version is required")
        if request.headers.get("authorization") != f"Bearer {self.token}":
            challenge = (
                f'Bearer authorization="https://login.microsoftonline.com/{TENANT}", '
                f'resource="{self.resource}"'
            )
            return FakeResponse(
                401,
                {
                    "error": {
                        "code": "Unauthorized",
                        "message": "AKV10000: Request is missing a Bearer or PoP token.",
                    }
                },
                {"WWW-Authenticate": challenge},
            )
        vault_name = request.host.split(".", 1)[0].lower()
        secrets = self._vaults.get(vault_name, {})
        parts = [p for p in request.path.split("/") if p][1:]
        if not parts:
            return FakeResponse(
                200,
                {
                    "value": [
                        _item(request, versions[-1], with_version=False)
                        for versions in secrets.values()
                    ],
                    "nextLink": None,
                },
            )
        versions = secrets.get(parts[0].lower())
        if not versions:
            return _error(
                404,
                "SecretNotFound",
                f"A secret with (name/id) {parts[0]} was not found in this key vault.",
            )
        if (vault_name, parts[0].lower()) in self.forbidden:
            return _error(403, "Forbidden", "Caller is not authorized.", inner="AccessDenied")
        if len(parts) > 1 and parts[1] == "versions":
            return FakeResponse(
                200, {"value": [_item(request, v) for v in versions], "nextLink": None}
            )
        wanted = parts[1] if len(parts) > 1 else None
        match = next((v for v in versions if v.version == wanted), None) if wanted else versions[-1]
        if match is None:
            return _error(404, "SecretNotFound", "version not found")
        if not match.enabled:
            return _error(
                403,
                "Forbidden",
                "Operation get is not allowed on a disabled secret.",
                inner="SecretDisabled",
            )
        return FakeResponse(200, {**_item(request, match), "value": match.value})


def _item(request: RecordedRequest, stored: StoredVersion, with_version: bool = True) -> dict:
    base = f"https://{request.host}/secrets/{stored.name}"
    attributes: dict[str, Any] = {
        "enabled": stored.enabled,
        "created": stored.created,
        "updated": stored.created,
        "recoveryLevel": "Recoverable+Purgeable",
    }
    if stored.expires_on is not None:
        attributes["exp"] = int(stored.expires_on.timestamp())
    return {
        "id": f"{base}/{stored.version}" if with_version else base,
        "attributes": attributes,
        "tags": {},
    }


def _error(status: int, code: str, message: str, inner: str | None = None) -> FakeResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if inner:
        error["innererror"] = {"code": inner}
    return FakeResponse(status, {"error": error})


def loopback_dns(monkeypatch: pytest.MonkeyPatch, zone: str = DNS_ZONE) -> None:
    """Resolve `*.{zone}` to 127.0.0.1 (the DNS step of the wire); other names as usual."""
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and (host == zone or host.endswith(f".{zone}")):
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
