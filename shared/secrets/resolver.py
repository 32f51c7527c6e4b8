"""What the app needs from a secret store, whatever backs it (Key Vault, a local file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.secrets.reference import SecretReference


@dataclass(frozen=True)
class SecretProperties:
    """A secret's metadata, without its value."""

    expires_on: datetime | None
    enabled: bool
    version: str | None = None


@dataclass(frozen=True)
class SecretValue:
    # Kept out of repr so a logged or printed SecretValue cannot leak the secret.
    value: str = field(repr=False)
    expires_on: datetime | None = None
    enabled: bool = True
    version: str | None = None


class SecretResolver(Protocol):
    def get(self, ref: SecretReference) -> SecretValue:
        """The secret's value (briefly cached); raises `SecretUnavailable`."""
        ...

    def properties(self, ref: SecretReference) -> SecretProperties:
        """Expiry and enabled flag, read fresh, without the value; raises `SecretUnavailable`."""
        ...

    def invalidate(self, ref: SecretReference) -> None:
        """Forget any cached value, so the next `get` reads the store again."""
        ...
