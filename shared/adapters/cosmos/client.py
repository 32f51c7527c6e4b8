"""The process-wide CosmosClient: created lazily on first use, then shared by every call.

A CosmosClient holds the connection pool, the account's routing information and the token
cache, so creating one per invocation would cost a round trip and a token each time. In Azure
it authenticates with the function app's managed identity (shared/app_credential.py); a key is
only for local test servers and the emulator, where Entra ID is not available.
"""

from __future__ import annotations

import base64
import binascii
import threading
from contextlib import suppress
from dataclasses import dataclass

from azure.core.exceptions import AzureError
from azure.cosmos import CosmosClient
from azure.cosmos.documents import SSLConfiguration

from shared.adapters.cosmos.errors import translated
from shared.settings import CosmosSettings, SettingsError

# Throttling (429) is retried by the SDK, honouring the service's retry-after, within this
# many attempts and this total wait; each call's own timeout still bounds the whole.
THROTTLE_RETRY_ATTEMPTS = 9
THROTTLE_RETRY_MAX_WAIT_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class ClientConfig:
    """What makes two clients different; normally one process has exactly one."""

    endpoint: str
    key: str | None
    ca_bundle: str | None
    timeout_seconds: int

    @classmethod
    def from_settings(cls, settings: CosmosSettings) -> ClientConfig:
        if settings.key is not None:
            _check_key(settings.key)
        return cls(
            endpoint=settings.require_endpoint(),
            key=settings.key,
            ca_bundle=settings.ca_bundle,
            timeout_seconds=settings.timeout_seconds,
        )


def _check_key(key: str) -> None:
    """A key the SDK cannot decode would fail every call with an obscure error: say so now."""
    try:
        base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise SettingsError(
            "COSMOS_KEY", "must be an account key (base64); leave it unset to use managed identity"
        ) from None


_clients: dict[ClientConfig, CosmosClient] = {}
_lock = threading.Lock()


def cosmos_client(config: ClientConfig) -> CosmosClient:
    """The shared client for this account, created on first use (it reads the account)."""
    client = _clients.get(config)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(config)
        if client is None:
            # Not cached on failure: the next call tries again once the account is reachable.
            with translated(f"connecting to Cosmos DB at {config.endpoint}"):
                client = _create(config)
            _clients[config] = client
    return client


def _create(config: ClientConfig) -> CosmosClient:
    if config.key:
        credential: object = config.key
    else:
        from shared.app_credential import app_credential  # only where managed identity is used

        credential = app_credential()
    return CosmosClient(
        config.endpoint,
        credential=credential,
        **_tls(config.ca_bundle),
        connection_timeout=min(CONNECT_TIMEOUT_SECONDS, config.timeout_seconds),
        read_timeout=config.timeout_seconds,
        retry_total=THROTTLE_RETRY_ATTEMPTS,
        retry_backoff_max=THROTTLE_RETRY_MAX_WAIT_SECONDS,
        # Bounds creating the client too (it reads the account before returning).
        timeout=config.timeout_seconds,
    )


def _tls(ca_bundle: str | None) -> dict[str, object]:
    """Verify the server against `ca_bundle` when given, else against the system's CAs.

    The SDK skips verification for 127.0.0.1 and localhost unless an SSL configuration is
    given, so a local server's certificate is checked only because the bundle goes there.
    """
    if not ca_bundle:
        return {}
    ssl = SSLConfiguration()
    ssl.SSLCaCerts = ca_bundle
    return {"ssl_config": ssl, "connection_verify": ca_bundle}


def close_clients() -> None:
    """Close every shared client (end of a test session or of the process)."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        with suppress(AzureError):  # closing is best effort: the process is going away
            client.close()
