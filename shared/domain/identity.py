"""Who is calling: the signed-in principal taken from a validated bearer token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ADMIN_ROLE = "Clienteling.Admin"  # app role of admin routes (token `roles` claim)
POS_SCOPE = "Clienteling.Pos"  # delegated scope of POS routes (token `scp` claim)


@dataclass(frozen=True)
class Identity:
    object_id: str
    roles: frozenset[str] = frozenset()
    name: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles
