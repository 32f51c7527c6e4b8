"""Key Vault settings of a legal entity: the vault and the named secret references."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from shared.domain.model_base import DomainModel, Identifier
from shared.secrets.reference import parse_secret_reference


def _valid_reference(text: str) -> str:
    parse_secret_reference(text)  # raises a ValueError that says what is wrong
    return text.strip()


# vault://<vault name>/<secret name>[/<version>], checked by the one parser the secrets
# module resolves with, so what is accepted here can always be resolved.
SecretReferenceText = Annotated[str, AfterValidator(_valid_reference)]


class KeyVaultSettings(DomainModel):
    vault_url: Annotated[str, StringConstraints(pattern=r"^https://[A-Za-z0-9.-]+/?$")] | None = (
        None
    )
    secrets: dict[Identifier, SecretReferenceText] = Field(default_factory=dict, max_length=50)
