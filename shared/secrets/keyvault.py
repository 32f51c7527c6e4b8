"""Secrets from Azure Key Vault through `azure-keyvault-secrets`.

One `SecretClient` per vault, created on first use and reused (each keeps its connection pool
and the Key Vault challenge it learnt). Values are cached for a short time so a page of cards
does not mean a vault round trip per card; `invalidate` plus `refetch_on_rejection` pick up a
rotated secret without a restart. SDK errors become `SecretUnavailable` with a reason; neither
messages nor logs ever contain a value.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.keyvault.secrets import SecretClient
from azure.keyvault.secrets import SecretProperties as SdkSecretProperties

from shared.secrets.errors import SecretUnavailable, UnavailableReason
from shared.secrets.reference import SecretReference, validate_dns_suffix, vault_url
from shared.secrets.resolver import SecretProperties, SecretValue
from shared.secrets.rotation import refetch_on_rejection
from shared.secrets.value_cache import SecretValueCache

logger = logging.getLogger(__name__)

DEFAULT_DNS_SUFFIX = "vault.azure.net"

# The SDK defaults retry for minutes; a card request must not wait that long for a vault that
# is down. Callers may override any of these (tests pass the local certificate and no retries).
DEFAULT_CLIENT_OPTIONS: dict[str, Any] = {
    "retry_total": 3,
    "retry_backoff_factor": 0.5,
    "retry_backoff_max": 4,
    "connection_timeout": 5,
    "read_timeout": 10,
}


class KeyVaultSecretResolver:
    def __init__(
        self,
        *,
        dns_suffix: str = DEFAULT_DNS_SUFFIX,
        credential: TokenCredential | None = None,
        cache_seconds: float = 300,
        clock: Callable[[], float] = time.monotonic,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self._dns_suffix = validate_dns_suffix(dns_suffix)
        self._credential = credential
        self._cache = SecretValueCache(cache_seconds, clock)
        self._client_options = {**DEFAULT_CLIENT_OPTIONS, **(client_options or {})}
        self._clients: dict[str, SecretClient] = {}
        self._lock = threading.Lock()

    def get(self, ref: SecretReference) -> SecretValue:
        cached = self._cache.get(ref)
        if cached is not None:
            return cached
        try:
            secret = self._client(ref.vault).get_secret(ref.name, ref.version)
        except Exception as error:
            raise _unavailable(ref, error) from None
        if secret.value is None:
            raise SecretUnavailable(ref, UnavailableReason.SERVICE_ERROR, "no value returned")
        value = SecretValue(
            value=secret.value,
            expires_on=secret.properties.expires_on,
            enabled=bool(secret.properties.enabled),
            version=secret.properties.version,
        )
        self._cache.put(ref, value)
        return value

    def properties(self, ref: SecretReference) -> SecretProperties:
        # One secret, by name: listing the whole vault would read every secret's metadata, a
        # page per 25 secrets, on each check of each secret.
        client = self._client(ref.vault)
        try:
            secret = client.get_secret(ref.name, ref.version)
        except HttpResponseError as error:
            if _inner_error_code(error) == "SecretDisabled":
                return _disabled_properties(client, ref)
            raise _unavailable(ref, error) from None
        except Exception as error:
            raise _unavailable(ref, error) from None
        return SecretProperties(
            expires_on=secret.properties.expires_on,
            enabled=bool(secret.properties.enabled),
            version=secret.properties.version,
        )

    def invalidate(self, ref: SecretReference) -> None:
        self._cache.drop(ref)

    def refetch_on_rejection(self, ref: SecretReference, use: Callable[[str], Any]) -> Any:
        return refetch_on_rejection(self, ref, use)

    def _client(self, vault: str) -> SecretClient:
        key = vault.lower()
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = SecretClient(
                    vault_url=vault_url(vault, self._dns_suffix),
                    credential=self._credential_or_default(),
                    **self._client_options,
                )
                self._clients[key] = client
            return client

    def _credential_or_default(self) -> TokenCredential:
        if self._credential is None:
            from shared.app_credential import app_credential

            self._credential = app_credential()
        return self._credential


def _disabled_properties(client: SecretClient, ref: SecretReference) -> SecretProperties:
    """A disabled secret refuses get; its own version list (metadata only) still tells its
    expiry. The current version is the newest one."""
    try:
        versions: list[SdkSecretProperties] = list(
            client.list_properties_of_secret_versions(ref.name)
        )
    except Exception as error:
        raise _unavailable(ref, error) from None
    if ref.version:
        versions = [v for v in versions if (v.version or "").lower() == ref.version.lower()]
    if not versions:
        return SecretProperties(expires_on=None, enabled=False, version=ref.version)
    current = max(versions, key=lambda v: v.created_on or datetime.min.replace(tzinfo=UTC))
    return SecretProperties(expires_on=current.expires_on, enabled=False, version=current.version)


def _unavailable(ref: SecretReference, error: Exception) -> SecretUnavailable:
    reason, detail = _classify(error)
    logger.warning("secret %s unavailable: %s %s", ref, reason.value, detail)
    return SecretUnavailable(ref, reason, detail)


def _classify(error: Exception) -> tuple[UnavailableReason, str]:
    if isinstance(error, ResourceNotFoundError):
        return UnavailableReason.NOT_FOUND, "HTTP 404"
    if isinstance(error, HttpResponseError) and error.status_code == 403:
        inner = _inner_error_code(error)
        if inner == "SecretDisabled":
            return UnavailableReason.DISABLED, "HTTP 403 SecretDisabled"
        return UnavailableReason.FORBIDDEN, f"HTTP 403 {inner}".strip()
    if isinstance(error, ClientAuthenticationError):
        status = f"HTTP {error.status_code}" if error.status_code else type(error).__name__
        return UnavailableReason.UNAUTHENTICATED, status
    if isinstance(error, ServiceRequestError | ServiceResponseError):
        return UnavailableReason.UNREACHABLE, type(error).__name__
    if isinstance(error, HttpResponseError):
        return UnavailableReason.SERVICE_ERROR, f"HTTP {error.status_code}"
    if isinstance(error, ValueError):
        # The challenge policy refuses to send a token to a host whose challenge names another
        # resource: the name resolves to something that is not the vault we expect.
        return UnavailableReason.CHALLENGE_MISMATCH, "challenge resource does not match"
    raise error


def _inner_error_code(error: HttpResponseError) -> str:
    odata = getattr(error, "error", None)
    inner = getattr(odata, "innererror", None) or {}
    code = inner.get("code") if isinstance(inner, dict) else None
    return str(code or getattr(odata, "code", "") or "")
