"""Key Vault references: `vault://<vault name>/<secret name>[/<version>]`.

Parameters hold references, never secret values. A reference names a vault and a secret; the
vault URL is always built as `https://{vault}.{dns suffix}/`, so a stored reference can never
make the app send its managed identity's token to an arbitrary host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCHEME = "vault://"

# Key Vault naming rules: vault 3-24 characters, letters, digits and hyphens, starting with a
# letter, ending with a letter or digit, no consecutive hyphens; secret 1-127 letters, digits and
# hyphens; version a 32-character hexadecimal id.
_VAULT_NAME = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9-]{1,127}$")
_VERSION = re.compile(r"^[0-9A-Fa-f]{32}$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DNS_SUFFIX = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+(?::\d{{1,5}})?$")


class InvalidSecretReference(ValueError):
    """A value that should be a `vault://<vault>/<secret>[/<version>]` reference is not one."""

    def __init__(self, reference: str, problem: str) -> None:
        # Never echo a value that is not a reference: it may be the secret pasted by mistake.
        shown = repr(reference) if is_secret_reference(reference) else "the value"
        super().__init__(
            f"{shown} is not a valid secret reference: {problem} "
            f"(expected {SCHEME}<vault name>/<secret name>[/<version>])"
        )
        self.problem = problem


@dataclass(frozen=True)
class SecretReference:
    vault: str
    name: str
    version: str | None = None

    @property
    def key(self) -> str:
        """Stable identity of the referenced secret: Key Vault names are case-insensitive."""
        parts = [self.vault, self.name] + ([self.version] if self.version else [])
        return "/".join(parts).lower()

    def __str__(self) -> str:
        suffix = f"/{self.version}" if self.version else ""
        return f"{SCHEME}{self.vault}/{self.name}{suffix}"


def is_secret_reference(value: str) -> bool:
    return value.strip().lower().startswith(SCHEME)


def parse_secret_reference(reference: str) -> SecretReference:
    """Parse and validate a reference; raises `InvalidSecretReference` with the reason."""
    text = reference.strip()
    if not text.lower().startswith(SCHEME):
        raise InvalidSecretReference(reference, f"it must start with {SCHEME}")
    parts = text[len(SCHEME) :].split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise InvalidSecretReference(reference, "it needs a vault name and a secret name")
    vault, name, *rest = parts
    if not _VAULT_NAME.match(vault):
        raise InvalidSecretReference(
            reference,
            "the vault name must be 3-24 letters, digits or single hyphens, "
            "starting with a letter and ending with a letter or digit",
        )
    if not _SECRET_NAME.match(name):
        raise InvalidSecretReference(
            reference, "the secret name must be 1-127 letters, digits or hyphens"
        )
    version = rest[0] if rest else None
    if version is not None and not _VERSION.match(version):
        raise InvalidSecretReference(reference, "the version must be a 32-character hex id")
    return SecretReference(vault=vault, name=name, version=version)


def validate_dns_suffix(dns_suffix: str) -> str:
    """The Key Vault DNS suffix in lower case (host name, optionally with a port)."""
    suffix = dns_suffix.strip().lower()
    if not _DNS_SUFFIX.match(suffix):
        raise ValueError(
            f"Key Vault DNS suffix {dns_suffix!r} must be a host name such as vault.azure.net"
        )
    return suffix


def vault_url(vault: str, dns_suffix: str) -> str:
    """The only URL a vault name can turn into."""
    if not _VAULT_NAME.match(vault):
        raise InvalidSecretReference(f"{SCHEME}{vault}/", "invalid vault name")
    return f"https://{vault.lower()}.{validate_dns_suffix(dns_suffix)}/"
