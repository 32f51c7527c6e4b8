from pathlib import Path

import pytest

from shared.secrets.config import SETTINGS, SecretsConfig
from shared.secrets.factory import secret_resolver_from_settings
from shared.secrets.keyvault import KeyVaultSecretResolver
from shared.secrets.local import LocalSecretResolver
from shared.settings import SettingsError


def test_every_setting_name_has_a_listed_default() -> None:
    assert SETTINGS["KEY_VAULT_DNS_SUFFIX"] == "vault.azure.net"
    assert SETTINGS["SECRET_CACHE_SECONDS"] == "300"
    assert SETTINGS["SECRET_EXPIRY_THRESHOLDS_DAYS"] == "30,14,7,1"
    assert SETTINGS["ALERT_PAGERDUTY_URL"] == "https://events.pagerduty.com/v2/enqueue"
    assert SETTINGS["LOCAL_SECRETS_FILE"] == ".local/secrets.json"
    assert set(SETTINGS) >= {
        "SECRETS_MODE",
        "INSIGHTS_TIMEOUT_SECONDS",
        "INSIGHTS_CACHE_SECONDS",
        "ALERT_WEBHOOK_URL",
        "ALERT_TEAMS_WEBHOOK_URL",
        "ALERT_SLACK_WEBHOOK_URL",
        "ALERT_PAGERDUTY_ROUTING_KEY",
    }


def test_defaults_apply_to_missing_and_blank_settings() -> None:
    config = SecretsConfig.from_settings({"SECRET_CACHE_SECONDS": " "})
    assert config == SecretsConfig("keyvault", "vault.azure.net", 300, Path(".local/secrets.json"))


def test_key_vault_is_the_default_resolver() -> None:
    assert isinstance(secret_resolver_from_settings({}), KeyVaultSecretResolver)


def test_local_mode_reads_the_local_file(tmp_path: Path) -> None:
    resolver = secret_resolver_from_settings(
        {"SECRETS_MODE": "LOCAL", "LOCAL_SECRETS_FILE": str(tmp_path / "s.json")}
    )
    assert isinstance(resolver, LocalSecretResolver)


@pytest.mark.parametrize(
    ("settings", "name"),
    [
        ({"SECRETS_MODE": "vaultless"}, "SECRETS_MODE"),
        ({"SECRET_CACHE_SECONDS": "five"}, "SECRET_CACHE_SECONDS"),
        ({"SECRET_CACHE_SECONDS": "-1"}, "SECRET_CACHE_SECONDS"),
    ],
)
def test_bad_settings_are_named(settings: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError) as raised:
        SecretsConfig.from_settings(settings)
    assert raised.value.setting == name


def test_a_dns_suffix_that_is_a_url_is_refused() -> None:
    with pytest.raises(ValueError, match="DNS suffix"):
        secret_resolver_from_settings({"KEY_VAULT_DNS_SUFFIX": "https://evil.example"})
