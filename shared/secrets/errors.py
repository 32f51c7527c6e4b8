"""Errors of the secrets module. Messages name the secret and the cause, never the value."""

from __future__ import annotations

from enum import StrEnum

from shared.secrets.reference import SecretReference


class UnavailableReason(StrEnum):
    NOT_FOUND = "not-found"
    FORBIDDEN = "forbidden"
    DISABLED = "disabled"
    UNAUTHENTICATED = "unauthenticated"
    UNREACHABLE = "unreachable"
    CHALLENGE_MISMATCH = "challenge-mismatch"
    SERVICE_ERROR = "service-error"
    MISCONFIGURED = "misconfigured"


_HINTS: dict[UnavailableReason, str] = {
    UnavailableReason.NOT_FOUND: "create the secret in the vault or fix the reference",
    UnavailableReason.FORBIDDEN: (
        "grant the app's managed identity the 'Key Vault Secrets User' role on the vault"
    ),
    UnavailableReason.DISABLED: "enable the secret (or a new version of it) in the vault",
    UnavailableReason.UNAUTHENTICATED: (
        "check the app's managed identity and AZURE_CLIENT_ID (no token could be obtained)"
    ),
    UnavailableReason.UNREACHABLE: "check the vault name, network access and firewall rules",
    UnavailableReason.CHALLENGE_MISMATCH: (
        "the endpoint is not the expected Key Vault; check KEY_VAULT_DNS_SUFFIX"
    ),
    UnavailableReason.SERVICE_ERROR: "Key Vault answered with an error; retry later",
    UnavailableReason.MISCONFIGURED: "fix the local secrets file",
}


class SecretUnavailable(RuntimeError):
    """A referenced secret cannot be read right now; `reason` says why, `hint` what to do."""

    def __init__(
        self, reference: SecretReference, reason: UnavailableReason, detail: str = ""
    ) -> None:
        self.reference = reference
        self.reason = reason
        self.hint = _HINTS[reason]
        self.detail = detail
        cause = f"{reason.value} ({detail})" if detail else reason.value
        super().__init__(f"secret {reference} is unavailable: {cause}; {self.hint}")


class CredentialRejected(RuntimeError):
    """A downstream service refused a credential read from a secret (it was rotated or revoked).

    Raised by whatever uses a secret, so `refetch_on_rejection` can read the secret again once.
    """
