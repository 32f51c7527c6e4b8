"""Validate bearer JWTs: signature by JWKS, issuer, audience, expiry; map to an Identity.

Which claims authorize what (scp, roles) is a domain rule: shared/domain/identity.py. Which
`iss` and `aud` values Entra ID writes: shared/adapters/identity/entra.py.
"""

from __future__ import annotations

from typing import Any

import jwt

from shared.adapters.identity.signing_keys import SigningKeys
from shared.domain.errors import Unauthenticated
from shared.domain.identity import Identity, identity_from_claims

LEEWAY_SECONDS = 60
ALGORITHMS = ["RS256"]  # never "none", never HMAC: the public key must not verify a forgery


class TokenValidator:
    def __init__(
        self, keys: SigningKeys, issuers: tuple[str, ...], audiences: tuple[str, ...]
    ) -> None:
        if not issuers or not audiences:
            raise ValueError("a token validator needs at least one issuer and one audience")
        self._keys = keys
        self._issuers = list(issuers)
        self._audiences = list(audiences)

    def identity(self, authorization: str | None) -> Identity:
        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise Unauthenticated("the bearer token is not a JWT") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthenticated("the token's signing algorithm is not accepted")
        kid = header.get("kid")
        key = self._keys.key_for(kid if isinstance(kid, str) else None)
        claims = self._decode(token, key)
        self._check_issuer_and_audience(claims)
        return identity_from_claims(claims)

    def _check_issuer_and_audience(self, claims: dict[str, Any]) -> None:
        """Exact matches, whatever the PyJWT version (2.10.0 matched issuers as substrings)."""
        if claims.get("iss") not in self._issuers:
            raise Unauthenticated("the token is from another issuer")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud
        if not isinstance(audiences, list) or not any(
            isinstance(a, str) and a in self._audiences for a in audiences
        ):
            raise Unauthenticated("the token is for another audience")

    def _decode(self, token: str, key: Any) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                # Any one of these aud and iss values is accepted; both are checked again by
                # _check_issuer_and_audience.
                audience=self._audiences,
                issuer=self._issuers,
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
