"""Who is calling, and what their token lets them do.

Entra ID access tokens come in two kinds, and each carries its authorization in its own claim
(https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference):

- **delegated** (an app acting for a signed-in staff member): `scp`, a space-separated string
  of the API's scopes the user consented to; the user's app roles, if any, are in `roles`.
  The API's one scope is `Clienteling.Pos`; a delegated token without it was not issued for
  calling this API as a user and is refused.
- **app-only** (client credentials: an integration acting as itself): no `scp`; `roles` lists
  the app roles granted to the calling application. Only `Clienteling.Admin` is accepted:
  POS routes act as a staff member, which an application is not, so the only thing an
  application may do here is headquarters administration.

A token with neither is not authorization to call this API at all (401). Claims of the wrong
type are a malformed token (401), never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.domain.errors import Unauthenticated

ADMIN_ROLE = "Clienteling.Admin"  # app role of admin routes (token `roles` claim)
POS_SCOPE = "Clienteling.Pos"  # delegated scope of POS routes (token `scp` claim)
# App roles an app-only token may carry to be let in at all.
APP_ONLY_ROLES = frozenset({ADMIN_ROLE})


@dataclass(frozen=True)
class Identity:
    object_id: str
    roles: frozenset[str] = frozenset()
    name: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    scopes: frozenset[str] = frozenset()
    delegated: bool = True

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles


def identity_from_claims(claims: Mapping[str, Any]) -> Identity:
    """The caller named by a validated token's claims, if they authorize calling this API."""
    oid = claims.get("oid")
    if not isinstance(oid, str) or not oid:
        raise Unauthenticated("the token has no oid claim")
    roles = _roles(claims.get("roles"))
    scopes = _scopes(claims.get("scp"))
    delegated = scopes is not None
    if delegated and POS_SCOPE not in scopes:
        raise Unauthenticated(f"the token's scp claim does not grant the {POS_SCOPE} scope")
    if not delegated and not roles & APP_ONLY_ROLES:
        raise Unauthenticated(
            f"the token carries neither the {POS_SCOPE} scope (scp) "
            f"nor an accepted app role ({', '.join(sorted(APP_ONLY_ROLES))})"
        )
    name = claims.get("name")
    return Identity(
        object_id=oid,
        roles=roles,
        name=name if isinstance(name, str) else None,
        claims=dict(claims),
        scopes=scopes or frozenset(),
        delegated=delegated,
    )


def _roles(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise Unauthenticated("the token's roles claim is not a list of role names")
    return frozenset(value)


def _scopes(value: Any) -> frozenset[str] | None:
    """The granted scopes; None when the claim is absent (an app-only token)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unauthenticated("the token's scp claim is not a space-separated string")
    return frozenset(value.split())
