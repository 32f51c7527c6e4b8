"""Both forms of App Service Key Vault references, and where the app finds them."""

import logging

import pytest

from shared.secrets.app_setting_references import (
    REFERENCES_SETTING,
    parse_key_vault_reference,
    referenced_secrets,
)
from shared.secrets.reference import InvalidSecretReference, SecretReference

VERSION = "ec96f02080254f109c51a1f14cdb1931"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "@Microsoft.KeyVault(SecretUri=https://kv-contoso.vault.azure.net/secrets/pd-key/)",
            SecretReference("kv-contoso", "pd-key"),
        ),
        (
            "@Microsoft.KeyVault(SecretUri=https://kv-contoso.vault.azure.net/secrets/pd-key)",
            SecretReference("kv-contoso", "pd-key"),
        ),
        (
            f"@Microsoft.KeyVault(SecretUri=https://kv-contoso.vault.azure.net/secrets/pd-key/{VERSION})",
            SecretReference("kv-contoso", "pd-key", VERSION),
        ),
        (
            "@Microsoft.KeyVault(SecretUri=https://kv-gov.vault.usgovcloudapi.net/secrets/x/)",
            SecretReference("kv-gov", "x"),
        ),
        (
            "@Microsoft.KeyVault(VaultName=kv-contoso;SecretName=continuation-token-key)",
            SecretReference("kv-contoso", "continuation-token-key"),
        ),
        (
            f"@Microsoft.KeyVault(VaultName=kv-contoso;SecretName=pd-key;SecretVersion={VERSION})",
            SecretReference("kv-contoso", "pd-key", VERSION),
        ),
        (
            " @microsoft.keyvault(vaultname=kv-contoso; secretname=pd-key) ",
            SecretReference("kv-contoso", "pd-key"),
        ),
    ],
)
def test_both_reference_forms_name_vault_secret_and_version(
    text: str, expected: SecretReference
) -> None:
    assert parse_key_vault_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "@Microsoft.KeyVault(SecretUri=http://kv-contoso.vault.azure.net/secrets/x/)",
        "@Microsoft.KeyVault(SecretUri=https://kv-contoso.vault.azure.net/keys/x/)",
        "@Microsoft.KeyVault(SecretUri=https://kv-contoso.vault.azure.net/secrets/)",
        "@Microsoft.KeyVault(VaultName=kv-contoso)",
        "@Microsoft.KeyVault(SecretName=x)",
        "@Microsoft.KeyVault(VaultName=kv-contoso;SecretName=bad_name)",
        "@Microsoft.KeyVault(VaultName=evil.example.com;SecretName=x)",
        "@Microsoft.KeyVault(just-a-secret-value)",
        "@Microsoft.KeyVault(VaultName=kv-contoso;SecretName=x",
    ],
)
def test_malformed_references_are_refused_without_repeating_them(text: str) -> None:
    with pytest.raises(InvalidSecretReference) as raised:
        parse_key_vault_reference(text)

    assert text.strip() not in str(raised.value)


def test_references_come_from_the_listing_and_from_unresolved_settings() -> None:
    settings = {
        # As App Service passes them: resolved settings hold the secret's value ...
        "CONTINUATION_TOKEN_KEY": "c2VjcmV0LWtleS1tYXRlcmlhbA==",
        "ALERT_PAGERDUTY_ROUTING_KEY": "R0UT1NGKEY",
        # ... the deployment's listing names what they came from ...
        REFERENCES_SETTING: (
            '{"CONTINUATION_TOKEN_KEY": "@Microsoft.KeyVault(VaultName=kv-app;'
            'SecretName=continuation-token-key)", "ALERT_PAGERDUTY_ROUTING_KEY": '
            '"@Microsoft.KeyVault(SecretUri=https://kv-ops.vault.azure.net/secrets/pd-key/)"}'
        ),
        # ... and a reference the platform could not resolve arrives as its own text.
        "EXTRA_API_KEY": "@Microsoft.KeyVault(VaultName=kv-app;SecretName=extra-api-key)",
        "STORE_KIND": "cosmos",
    }

    assert referenced_secrets(settings) == {
        "ALERT_PAGERDUTY_ROUTING_KEY": SecretReference("kv-ops", "pd-key"),
        "CONTINUATION_TOKEN_KEY": SecretReference("kv-app", "continuation-token-key"),
        "EXTRA_API_KEY": SecretReference("kv-app", "extra-api-key"),
    }


def test_bad_entries_are_logged_by_setting_name_and_skipped(caplog) -> None:
    settings = {
        REFERENCES_SETTING: '{"A": "@Microsoft.KeyVault(not-a-reference-but-a-secret)"}',
        "B": "@Microsoft.KeyVault(VaultName=kv-app;SecretName=b)",
    }

    with caplog.at_level(logging.WARNING):
        found = referenced_secrets(settings)

    assert found == {"B": SecretReference("kv-app", "b")}
    assert "app setting A" in caplog.text
    assert "not-a-reference-but-a-secret" not in caplog.text


def test_a_listing_that_is_not_a_json_object_is_reported() -> None:
    assert referenced_secrets({REFERENCES_SETTING: "[1, 2]"}) == {}
    assert referenced_secrets({REFERENCES_SETTING: "{not json"}) == {}
    assert referenced_secrets({}) == {}
