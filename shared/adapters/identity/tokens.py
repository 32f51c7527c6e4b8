"""Validate bearer JWTs: signature by JWKS, issuer, audience, expiry; map to an Identity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import jwt
from jwt import PyJWKClient, PyJWKClientConnectionError, PyJWKClientError

from shared.domain.errors import DependencyUnavailable, Unauthenticated
from shared.domain.identity import Identity

LEEWAY_SECONDS = 60
ALGORITHMS = ["RS256"]  # never "none", never HMAC: the public key must not verify a forgery


class SigningKeys(Protocol):
    def key_for(self, kid: str | None) -> Any:
        """The public key for this key id; Unauthenticated if there is none."""
        ...


class JwksUrlKeys:
    """The tenant's JWKS, cached; an unknown kid triggers one refetch (key rollover)."""

    def __init__(self, url: str, timeout_seconds: int = 5) -> None:
        self._client = PyJWKClient(url, cache_keys=True, lifespan=3600, timeout=timeout_seconds)

    def key_for(self, kid: str | None) -> Any:
        if not kid:
            raise Unauthenticated("the token has no key id (kid)")
        try:
            return self._client.get_signing_key(kid).key
        except PyJWKClientConnectionError:
            raise DependencyUnavailable(
                "the identity provider's signing keys cannot be fetched"
            ) from None
        except PyJWKClientError:
            raise Unauthenticated("the token was signed with an unknown key") from None


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


class TokenValidator:
    def __init__(self, keys: SigningKeys, issuer: str, audience: str) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience

    def identity(self, authorization: str | None) -> Identity:
        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise Unauthenticated("the bearer token is not a JWT") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthenticated("the token's signing algorithm is not accepted")
        key = self._keys.key_for(header.get("kid"))
        claims = self._decode(token, key)
        oid = claims.get("oid")
        if not isinstance(oid, str) or not oid:
            raise Unauthenticated("the token has no oid claim")
        roles = claims.get("roles") or []
        return Identity(
            object_id=oid,
            roles=frozenset(r for r in roles if isinstance(r, str)),
            name=claims.get("name") if isinstance(claims.get("name"), str) else None,
            claims=claims,
        )

    def _decode(self, token: str, key: Any) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("the token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("the token is from another issuer") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("the token's signature is not valid") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is not valid") from None


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("send Authorization: Bearer <token>")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send Authorization: Bearer <token>")
    return token.strip()
