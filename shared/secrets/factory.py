"""The process's secret resolver, chosen by `SECRETS_MODE`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azure.core.credentials import TokenCredential

from shared.secrets.config import SecretsConfig
from shared.secrets.keyvault import KeyVaultSecretResolver
from shared.secrets.local import LocalSecretResolver
from shared.secrets.resolver import SecretResolver


def secret_resolver_from_settings(
    settings: Mapping[str, str],
    *,
    credential: TokenCredential | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> SecretResolver:
    """Key Vault (default) or the local secrets file. Create once per process and reuse it."""
    config = SecretsConfig.from_settings(settings)
    if config.mode == "local":
        return LocalSecretResolver(config.local_file)
    return KeyVaultSecretResolver(
        dns_suffix=config.dns_suffix,
        credential=credential,
        cache_seconds=config.cache_seconds,
        client_options=client_options,
    )
