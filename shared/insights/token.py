"""Service-to-service sign-in for Insights: MSAL client credentials with a Key Vault secret.

The MSAL application is built once per secret value and reused (it caches the token until it
nearly expires). When Entra ID answers `invalid_client` the secret was rotated or revoked:
`CredentialRejected` lets `refetch_on_rejection` read the secret again and retry once.
"""

from __future__ import annotations

import hashlib
import threading

import msal
import requests

from shared.insights.errors import InsightsUnavailable
from shared.insights.settings import InsightsSettings
from shared.secrets.errors import CredentialRejected
from shared.secrets.resolver import SecretResolver
from shared.secrets.rotation import refetch_on_rejection


def token_scope(settings: InsightsSettings) -> str:
    return f"{(settings.dataverse_url or '').rstrip('/')}/.default"


class InsightsTokenProvider:
    def __init__(
        self,
        settings: InsightsSettings,
        resolver: SecretResolver,
        *,
        session: requests.Session,
    ) -> None:
        self._settings = settings
        self._resolver = resolver
        self._session = session
        self._scope = token_scope(settings)
        self._lock = threading.Lock()
        self._app: msal.ConfidentialClientApplication | None = None
        self._app_secret_digest: bytes | None = None

    def token(self) -> str:
        """An access token; raises CredentialRejected, InsightsUnavailable or SecretUnavailable."""
        return refetch_on_rejection(self._resolver, self._settings.secret_reference, self._acquire)

    def _acquire(self, secret: str) -> str:
        app = self._app_for(secret)
        try:
            result = app.acquire_token_for_client(scopes=[self._scope])
        except (requests.RequestException, ValueError) as error:
            raise InsightsUnavailable(
                f"sign-in endpoint unusable ({type(error).__name__})"
            ) from None
        if "access_token" in result:
            return str(result["access_token"])
        error = str(result.get("error", "unknown_error"))
        codes = ",".join(str(code) for code in result.get("error_codes", []))
        if error == "invalid_client":
            raise CredentialRejected(f"Entra ID rejected the client secret ({error} {codes})")
        raise InsightsUnavailable(f"sign-in failed: {error} {codes}".strip())

    def _app_for(self, secret: str) -> msal.ConfidentialClientApplication:
        digest = hashlib.sha256(secret.encode()).digest()
        with self._lock:
            if self._app is None or digest != self._app_secret_digest:
                self._app = self._build_app(secret)
                self._app_secret_digest = digest
            return self._app

    def _build_app(self, secret: str) -> msal.ConfidentialClientApplication:
        try:
            # Building the app reads the tenant's OpenID configuration. Instance discovery is
            # off so a sovereign-cloud or test authority host is used as given.
            return msal.ConfidentialClientApplication(
                self._settings.application_id,
                client_credential=secret,
                authority=self._settings.authority,
                instance_discovery=False,
                http_client=self._session,
            )
        except (ValueError, requests.RequestException) as error:
            raise InsightsUnavailable(
                f"sign-in authority {self._settings.authority} unusable ({type(error).__name__})"
            ) from None
