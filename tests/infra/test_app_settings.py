"""The function app's settings in Bicep cover everything the code reads in Azure, by identity."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shared.secrets.app_setting_references import REFERENCES_SETTING, parse_key_vault_reference
from shared.secrets.config import SETTINGS
from shared.settings import SETTING_DEFAULTS

from .bicep_model import (
    BICEP_ROOT,
    conditional,
    function_call,
    module_template,
    name_value_entries,
)

FUNCTION_APP = module_template("function-app")

# Settings the code reads that have no meaning in Azure and must stay unset there.
LOCAL_ONLY = {
    "SQLITE_PATH",  # embedded SQLite store of `make run`; Azure uses Cosmos DB
    "COSMOS_KEY",  # key auth is for local Cosmos test servers only; the account disables it
    "AUTH_LOCAL_KEY_DIR",  # signing keys of the local demo tokens
    "LOCAL_STATE_DIR",  # state of the local host
    "OUTBOUND_TLS_CA_BUNDLE",  # trusts the local Insights and alert test servers' CA
    "COSMOS_CA_BUNDLE",  # trusts the local Cosmos DB test server's self-signed certificate
}

# Settings the secret-expiry and alerting code reads, beyond SETTING_DEFAULTS.
ALERT_SECRET_SETTINGS = {
    "ALERT_WEBHOOK_URL": "alertWebhookUrlSecretName",
    "ALERT_TEAMS_WEBHOOK_URL": "alertTeamsWebhookUrlSecretName",
    "ALERT_SLACK_WEBHOOK_URL": "alertSlackWebhookUrlSecretName",
    "ALERT_PAGERDUTY_ROUTING_KEY": "alertPagerDutyRoutingKeySecretName",
}

KEY_VAULT_REFERENCE = re.compile(
    r"^@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=(?P<secret>[^)]+)\)$"
)


def app_settings() -> dict[str, tuple[Any, bool]]:
    """Setting name -> (Bicep expression, present only under a condition); a value that is a
    variable is replaced by the variable's expression."""
    entries = list(name_value_entries("appSettings", FUNCTION_APP))
    names = [name for name, _, _ in entries]
    assert len(names) == len(set(names)), "a setting is listed twice"
    return {name: (expand(value), optional) for name, value, optional in entries}


def expand(value: Any) -> Any:
    if isinstance(value, str) and value in FUNCTION_APP.variables:
        return FUNCTION_APP.variable(value)
    return value


def function_app_site() -> dict[str, Any]:
    (site,) = FUNCTION_APP.resources_of_type("Microsoft.Web/sites").values()
    return site["config"]


def test_the_local_only_list_names_real_settings() -> None:
    assert set(SETTING_DEFAULTS) >= LOCAL_ONLY


@pytest.mark.parametrize("name", sorted(set(SETTING_DEFAULTS) - LOCAL_ONLY))
def test_every_setting_that_matters_in_azure_is_always_set(name: str) -> None:
    settings = app_settings()

    assert name in settings, f"{name} is read by shared/settings.py but not set in Bicep"
    assert settings[name][1] is False, f"{name} must not depend on a condition"


@pytest.mark.parametrize("name", sorted(LOCAL_ONLY))
def test_local_only_settings_stay_unset_in_azure(name: str) -> None:
    assert name not in app_settings()


def test_the_site_gets_the_settings() -> None:
    assert function_app_site()["properties"]["siteConfig"]["appSettings"] == "appSettings"


def test_azure_runs_on_cosmos_with_entra_tokens() -> None:
    settings = app_settings()

    assert settings["STORE_KIND"][0] == "cosmos"
    assert settings["AUTH_MODE"][0] == "entra"
    assert settings["COSMOS_ENDPOINT"][0] == "cosmosEndpoint"


def test_entra_urls_are_built_from_the_tenant() -> None:
    settings = app_settings()
    authority = FUNCTION_APP.variable("authority")

    assert authority == "${environment().authentication.loginEndpoint}${authTenantId}"
    assert settings["AUTH_ISSUER"][0] == "${authority}/v2.0"
    assert settings["AUTH_JWKS_URL"][0] == "${authority}/discovery/v2.0/keys"


def test_audience_defaults_to_the_api_app_id() -> None:
    audience = app_settings()["AUTH_AUDIENCE"][0]["operator"]["operands"]

    assert function_call(audience["condition"], "empty") == {"item_to_test": "apiAudience"}
    assert audience["true_value"] == "apiAppId"
    assert audience["false_value"] == "apiAudience"


def test_unsubscribe_link_key_is_a_key_vault_reference() -> None:
    reference = KEY_VAULT_REFERENCE.match(app_settings()["UNSUBSCRIBE_LINK_KEY"][0])

    assert reference is not None
    assert reference["secret"] == "${unsubscribeLinkKeySecretName}"
    assert "unsubscribeLinkKeySecretName" in FUNCTION_APP.parameters


def test_continuation_token_key_is_a_key_vault_reference() -> None:
    reference = KEY_VAULT_REFERENCE.match(app_settings()["CONTINUATION_TOKEN_KEY"][0])

    assert reference is not None
    assert reference["secret"] == "${continuationTokenKeySecretName}"
    assert "continuationTokenKeySecretName" in FUNCTION_APP.parameters


@pytest.mark.parametrize(("setting", "parameter"), sorted(ALERT_SECRET_SETTINGS.items()))
def test_alert_secrets_are_key_vault_references_only_when_named(
    setting: str, parameter: str
) -> None:
    value, optional = app_settings()[setting]
    reference = KEY_VAULT_REFERENCE.match(value)

    assert optional is True
    assert reference is not None and reference["secret"] == "${" + parameter + "}"
    assert FUNCTION_APP.parameters[parameter]["default"] == ""
    owner = next(
        name
        for name, spec in FUNCTION_APP.variables.items()
        if setting in str(spec["value"])
        and (conditional(spec["value"]) or {}).get("true_value") == []
    )
    condition = FUNCTION_APP.variable(owner)["operator"]["operands"]
    assert function_call(condition["condition"], "empty") == {"item_to_test": parameter}
    assert condition["true_value"] == []


def test_secret_expiry_and_key_vault_settings_have_their_defaults() -> None:
    settings = app_settings()

    assert settings["SECRET_EXPIRY_SCHEDULE"][0] == "secretExpirySchedule"
    assert FUNCTION_APP.parameters["secretExpirySchedule"]["default"] == "0 0 7 * * *"
    suffix = function_call(settings["KEY_VAULT_DNS_SUFFIX"][0], "substring")
    assert suffix is not None and suffix["start_index"] == 1  # ".vault.azure.net" -> "vault..."


@pytest.mark.parametrize(
    ("setting", "parameter"),
    [
        ("DISTRIBUTION_1040_SCHEDULE", "distribution1040Schedule"),
        ("DISTRIBUTION_1150_SCHEDULE", "distribution1150Schedule"),
        ("DISTRIBUTION_1110_SCHEDULE", "distribution1110Schedule"),
        ("DISTRIBUTION_1090_SCHEDULE", "distribution1090Schedule"),
        ("COSMOS_TIMEOUT_SECONDS", "cosmosTimeoutSeconds"),
        ("MAX_BODY_BYTES", "maxBodyBytes"),
        ("MAX_IMPORT_BODY_BYTES", "maxImportBodyBytes"),
        ("APP_VERSION", "appVersion"),
    ],
)
def test_tunable_settings_default_to_what_the_code_defaults_to(
    setting: str, parameter: str
) -> None:
    assert app_settings()[setting][0] == parameter
    assert FUNCTION_APP.parameters[parameter]["default"] == SETTING_DEFAULTS[setting]


def test_deployed_instances_check_the_published_version_every_few_seconds() -> None:
    """The one tunable deployed unlike the code's default: one process (the local host, the
    tests) sees its own distribution runs at once with 0; many deployed instances each check
    once per interval, which is what the capacity plan charges."""
    from tests.capacity.plan import DEPLOYED_VERSION_CHECK_SECONDS

    assert app_settings()["PUBLISHED_VERSION_CHECK_SECONDS"][0] == "publishedVersionCheckSeconds"
    deployed = FUNCTION_APP.parameters["publishedVersionCheckSeconds"]["default"]
    assert deployed == str(DEPLOYED_VERSION_CHECK_SECONDS)
    assert SETTING_DEFAULTS["PUBLISHED_VERSION_CHECK_SECONDS"] == "0"


def test_host_storage_and_telemetry_authenticate_with_the_identity() -> None:
    settings = app_settings()

    assert settings["AzureWebJobsStorage__credential"][0] == "managedidentity"
    assert settings["AzureWebJobsStorage__clientId"][0] == "identityClientId"
    assert settings["AZURE_CLIENT_ID"][0] == "identityClientId"
    assert settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"][0] == (
        "Authorization=AAD;ClientId=${identityClientId}"
    )
    assert "AzureWebJobsStorage" not in settings  # a connection string would carry a key


def test_key_vault_references_resolve_with_the_user_assigned_identity() -> None:
    properties = function_app_site()["properties"]

    assert properties["keyVaultReferenceIdentity"] == "identityId"
    assert function_app_site()["identity"]["type"] == "UserAssigned"


@pytest.mark.parametrize("path", sorted(BICEP_ROOT.rglob("*.bicep")), ids=lambda p: p.name)
def test_no_template_reads_keys_or_builds_key_connection_strings(path) -> None:
    text = path.read_text(encoding="utf-8")

    assert "listKeys(" not in text
    assert "listConnectionStrings(" not in text
    assert "AccountKey=" not in text
    assert "SharedAccessKey=" not in text


def rendered(template_string: str) -> str:
    """A Bicep string with its ${...} parameters filled in as a deployment would."""
    values = {
        "keyVaultName": "kv-abc123",
        "continuationTokenKeySecretName": "continuation-token-key",
        "unsubscribeLinkKeySecretName": "unsubscribe-link-key",
        "alertWebhookUrlSecretName": "alert-webhook-url",
        "alertTeamsWebhookUrlSecretName": "alert-teams-webhook-url",
        "alertSlackWebhookUrlSecretName": "alert-slack-webhook-url",
        "alertPagerDutyRoutingKeySecretName": "alert-pagerduty-routing-key",
    }
    return re.sub(r"\$\{(\w+)\}", lambda match: values[match[1]], template_string)


def listed_references() -> dict[str, tuple[str, bool]]:
    """KEY_VAULT_REFERENCES as Bicep builds it: setting -> (variable, only under a condition)."""
    arguments = function_call(FUNCTION_APP.variable("keyVaultReferences"), "union")
    assert arguments is not None
    listed: dict[str, tuple[str, bool]] = {}
    for argument in arguments.values():
        argument = expand(argument)
        branches = conditional(argument)
        if branches is None:
            listed.update({name: (value, False) for name, value in argument.items()})
        else:
            assert branches["true_value"] == {}
            listed.update({name: (value, True) for name, value in branches["false_value"].items()})
    return listed


def test_every_key_vault_reference_setting_is_listed_for_the_expiry_check() -> None:
    entries = list(name_value_entries("appSettings", FUNCTION_APP))
    references = {
        name: (value, optional)
        for name, value, optional in entries
        if str(expand(value)).startswith("@Microsoft.KeyVault(")
    }

    assert set(references) >= {"CONTINUATION_TOKEN_KEY", *ALERT_SECRET_SETTINGS}
    assert REFERENCES_SETTING in SETTINGS
    assert listed_references() == references
    assert app_settings()[REFERENCES_SETTING][0] == {
        "function": {"type": "string", "parameters": {"value_to_convert": "keyVaultReferences"}}
    }


def test_the_listed_references_parse_to_the_secrets_they_name() -> None:
    for setting, (variable, _) in listed_references().items():
        reference = parse_key_vault_reference(rendered(FUNCTION_APP.variable(variable)))

        assert reference.vault == "kv-abc123", setting
        assert reference.name == rendered("${" + variable.replace("Reference", "SecretName") + "}")
