"""Public keys that verify bearer tokens: the tenant's JWKS over HTTPS, or a local JWKS file.

The refresh policy is ours, not a library's, so it holds whatever the PyJWT version:

- the key set is refetched once it is `max_age` old (an hour), so a key Entra ID removes stops
  validating within that time; Microsoft calls checking every 24 hours reasonable and warns
  that keys may be rolled at once in an emergency
  (https://learn.microsoft.com/entra/identity-platform/access-tokens, "Validate the signature";
  https://learn.microsoft.com/entra/identity-platform/signing-key-rollover);
- a token naming an unknown `kid` triggers a refetch (a new key is in use), but at most one
  fetch per `min_fetch_interval` (30 s) for all requests together, so tokens with random key
  ids cannot make every request call the identity provider;
- when a fetch fails, the last good key set keeps serving until it is `max_stale` old (a day),
  so a short outage of the key endpoint does not lock the stores out; after that, 503.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import Any, Protocol

import jwt
import requests

from shared.domain.errors import DependencyUnavailable, Unauthenticated
from shared.ports.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 3600.0
MIN_FETCH_INTERVAL_SECONDS = 30.0
MAX_STALE_SECONDS = 24 * 3600.0
MAX_DOCUMENT_BYTES = 512 * 1024  # Entra's key set is a few kilobytes


class SigningKeys(Protocol):
    def key_for(self, kid: str | None) -> Any:
        """The public key for this key id; Unauthenticated if there is none."""
        ...


class KeySetUnavailable(Exception):
    """The key endpoint did not answer with a usable key set."""


def parse_jwks(document: Any) -> dict[str, Any]:
    """RS256 signing keys by kid; keys of other types or uses are left out."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeySetUnavailable("the key set is not a JWKS document")
    keys: dict[str, Any] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK.from_dict(entry, algorithm="RS256").key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
            continue
    if not keys:
        raise KeySetUnavailable("the key set holds no RS256 signing key")
    return keys


class JwksUrlKeys:
    """The tenant's JWKS, cached and refreshed by age and on unknown kids, rate-limited."""

    def __init__(
        self,
        url: str,
        timeout_seconds: float = 5,
        tls_verify: bool | str = True,
        clock: Clock | None = None,
        max_age: float = MAX_AGE_SECONDS,
        min_fetch_interval: float = MIN_FETCH_INTERVAL_SECONDS,
        max_stale: float = MAX_STALE_SECONDS,
        session: requests.Session | None = None,
    ) -> None:
        self._url = url
        self._timeout = timeout_seconds
        self._verify = tls_verify
        self._clock = clock or SystemClock()
        self._max_age = max_age
        self._min_fetch_interval = min_fetch_interval
        self._max_stale = max_stale
        self._session = session or requests.Session()
        self._keys: dict[str, Any] = {}
        self._fetched_at: dt.datetime | None = None
        self._attempted_at: dt.datetime | None = None
        # One fetch at a time: requests arriving meanwhile wait for it and use its result.
        self._lock = threading.Lock()

    def key_for(self, kid: str | None) -> Any:
        if not kid:
            raise Unauthenticated("the token has no key id (kid)")
        with self._lock:
            now = self._clock.now()
            if self._due(now) and self._may_fetch(now):
                self._refresh(now)
            if self._fetched_at is None or _seconds(now, self._fetched_at) >= self._max_stale:
                raise DependencyUnavailable(
                    "the identity provider's signing keys cannot be fetched"
                )
            key = self._keys.get(kid)
            if key is None and self._may_fetch(now):
                if not self._refresh(now):
                    raise DependencyUnavailable(
                        "the identity provider's signing keys cannot be fetched"
                    )
                key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("the token was signed with an unknown key")
        return key

    def _due(self, now: dt.datetime) -> bool:
        return self._fetched_at is None or _seconds(now, self._fetched_at) >= self._max_age

    def _may_fetch(self, now: dt.datetime) -> bool:
        return (
            self._attempted_at is None
            or _seconds(now, self._attempted_at) >= self._min_fetch_interval
        )

    def _refresh(self, now: dt.datetime) -> bool:
        """Replace the key set with the endpoint's; False (old set kept) when that fails."""
        self._attempted_at = now
        try:
            keys = self._fetch()
        except KeySetUnavailable as error:
            logger.warning("signing keys not refreshed: %s", error)
            return False
        self._keys = keys
        self._fetched_at = now
        return True

    def _fetch(self) -> dict[str, Any]:
        try:
            with self._session.get(
                self._url, timeout=self._timeout, verify=self._verify, stream=True
            ) as response:
                if response.status_code != 200:
                    raise KeySetUnavailable(f"the key endpoint answered {response.status_code}")
                body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
        except requests.RequestException as error:
            raise KeySetUnavailable(
                f"the key endpoint is unreachable ({type(error).__name__})"
            ) from None
        if len(body) > MAX_DOCUMENT_BYTES:
            raise KeySetUnavailable("the key set is larger than any real one")
        try:
            document = json.loads(body)
        except ValueError:
            raise KeySetUnavailable("the key set is not JSON") from None
        return parse_jwks(document)


def _seconds(later: dt.datetime, earlier: dt.datetime) -> float:
    return (later - earlier).total_seconds()


class JwksFileKeys:
    """A JWKS document on disk (the local host's signing key), reread when a kid is unknown."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._keys: dict[str, Any] = {}

    def _load(self) -> None:
        try:
            document = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise Unauthenticated("no local signing key exists yet; start the local host") from None
        self._keys = {
            k["kid"]: jwt.PyJWK.from_dict(k).key for k in document.get("keys", []) if "kid" in k
        }

    def key_for(self, kid: str | None) -> Any:
        if kid not in self._keys:
            self._load()
        if kid not in self._keys:
            raise Unauthenticated("the token was signed with an unknown key")
        return self._keys[kid]
