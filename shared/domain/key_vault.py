"""Key Vault settings of a legal entity: the vault and the named secret references."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.model_base import DomainModel, Identifier

# vault://<vault name>/<secret name>: vault names follow Key Vault's own rules.
SecretReferenceText = Annotated[
    str,
    StringConstraints(
        pattern=r"^vault://[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]/[A-Za-z0-9-]{1,127}$"
    ),
]


class KeyVaultSettings(DomainModel):
    vault_url: Annotated[str, StringConstraints(pattern=r"^https://[A-Za-z0-9.-]+/?$")] | None = (
        None
    )
    secrets: dict[Identifier, SecretReferenceText] = Field(default_factory=dict, max_length=50)
