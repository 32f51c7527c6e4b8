"""Secrets: `vault://` references resolved from Key Vault (or a local file), briefly cached."""

from shared.secrets.errors import CredentialRejected, SecretUnavailable, UnavailableReason
from shared.secrets.reference import (
    InvalidSecretReference,
    SecretReference,
    is_secret_reference,
    parse_secret_reference,
)
from shared.secrets.resolver import SecretProperties, SecretResolver, SecretValue
from shared.secrets.rotation import refetch_on_rejection

__all__ = [
    "CredentialRejected",
    "InvalidSecretReference",
    "SecretProperties",
    "SecretReference",
    "SecretResolver",
    "SecretUnavailable",
    "SecretValue",
    "UnavailableReason",
    "is_secret_reference",
    "parse_secret_reference",
    "refetch_on_rejection",
]
