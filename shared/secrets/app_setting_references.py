"""Key Vault references in app settings: `@Microsoft.KeyVault(...)`, resolved by the platform.

App Service and Functions accept two forms (learn.microsoft.com/azure/app-service/
app-service-key-vault-references, "Reference syntax"):

    @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>])
    @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>[;SecretVersion=<version>])

The platform replaces a resolved reference with the secret's value before the app starts, so the
app cannot see which secrets its settings use. The deployment therefore also writes them, as
text, into KEY_VAULT_REFERENCES (a JSON object: setting name -> reference), a value the platform
leaves alone because it is not itself a reference. A setting whose value is still a reference
(unresolved, or a local run) is read as well.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from shared.secrets.config import read_setting
from shared.secrets.reference import (
    SCHEME,
    InvalidSecretReference,
    SecretReference,
    parse_secret_reference,
)

logger = logging.getLogger(__name__)

PREFIX = "@microsoft.keyvault("
REFERENCES_SETTING = "KEY_VAULT_REFERENCES"


def is_key_vault_reference(value: str) -> bool:
    text = value.strip()
    return text.lower().startswith(PREFIX) and text.endswith(")")


def parse_key_vault_reference(value: str) -> SecretReference:
    """The secret an `@Microsoft.KeyVault(...)` value names; raises `InvalidSecretReference`.

    Errors never repeat the value: a mistyped setting may hold the secret itself.
    """
    if not is_key_vault_reference(value):
        raise InvalidSecretReference("", "it must be @Microsoft.KeyVault(...)")
    body = value.strip()[len(PREFIX) : -1]
    fields: dict[str, str] = {}
    for part in body.split(";"):
        name, separator, field_value = part.partition("=")
        if not separator or not name.strip():
            raise InvalidSecretReference("", "it must be a list of Name=value parts")
        fields[name.strip().lower()] = field_value.strip()
    if "secreturi" in fields:
        vault, name, version = _from_secret_uri(fields["secreturi"])
    else:
        vault, name = fields.get("vaultname", ""), fields.get("secretname", "")
        version = fields.get("secretversion") or None
        if not vault or not name:
            raise InvalidSecretReference("", "it needs SecretUri, or VaultName and SecretName")
    return parse_secret_reference(f"{SCHEME}{vault}/{name}" + (f"/{version}" if version else ""))


def _from_secret_uri(uri: str) -> tuple[str, str, str | None]:
    parts = urlsplit(uri)
    segments = [segment for segment in parts.path.split("/") if segment]
    if (
        parts.scheme != "https"
        or not parts.hostname
        or len(segments) not in (2, 3)
        or segments[0] != "secrets"
    ):
        raise InvalidSecretReference(
            "",
            "SecretUri must be https://<vault>.<Key Vault DNS suffix>/secrets/<name>[/<version>]",
        )
    # The vault is the first label of the host; the resolver builds the URL from the name and
    # the configured DNS suffix, so a reference cannot send the identity's token elsewhere.
    vault = parts.hostname.split(".", 1)[0]
    return vault, segments[1], segments[2] if len(segments) == 3 else None


def referenced_secrets(app_settings: Mapping[str, str]) -> dict[str, SecretReference]:
    """Setting name -> the Key Vault secret it references, from both sources; bad entries are
    logged by setting name and skipped (the check must still watch the others)."""
    found: dict[str, str] = {}
    listed = read_setting(app_settings, REFERENCES_SETTING)
    if listed:
        try:
            document = json.loads(listed)
        except ValueError:
            document = None
        if isinstance(document, dict):
            found.update({str(k): v for k, v in document.items() if isinstance(v, str)})
        else:
            logger.warning(
                "%s is not a JSON object of setting names to references", REFERENCES_SETTING
            )
    for name, value in app_settings.items():
        if isinstance(value, str) and is_key_vault_reference(value):
            found[name] = value
    references: dict[str, SecretReference] = {}
    for name, value in sorted(found.items()):
        try:
            references[name] = parse_key_vault_reference(value)
        except InvalidSecretReference as error:
            logger.warning(
                "app setting %s: not a usable Key Vault reference: %s", name, error.problem
            )
    return references
