"""The daily check watches the app's own Key Vault secrets behind its settings, as Azure runs it:
resolved settings hold values, KEY_VAULT_REFERENCES names what they came from (both reference
forms), against the local Key Vault stand-in, alerting through a webhook receiver."""

import json
from datetime import datetime, timedelta

from shared.alerts.state import InMemoryAlertStateStore
from shared.secrets.keyvault import KeyVaultSecretResolver
from shared.services.published_view import PublishedView
from shared.services.secret_expiry import run_secret_expiry_check
from tests.alerts.alert_scenario import NOW, UtcClock
from tests.fakes.alert_receivers import WEBHOOK_PATH, FakeAlertReceivers
from tests.fakes.keyvault import FakeKeyVault
from tests.fakes.tls import TlsFiles


class FixedClock:
    def __init__(self, clock: UtcClock) -> None:
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()


def azure_settings(receivers: FakeAlertReceivers, key_vault: FakeKeyVault) -> dict[str, str]:
    suffix = key_vault.dns_suffix
    references = {
        "CONTINUATION_TOKEN_KEY": (
            "@Microsoft.KeyVault(VaultName=kv-app;SecretName=continuation-token-key)"
        ),
        "ALERT_PAGERDUTY_ROUTING_KEY": (
            f"@Microsoft.KeyVault(SecretUri=https://kv-app.{suffix}/secrets/pd-routing-key/)"
        ),
    }
    return {
        "CONTINUATION_TOKEN_KEY": "a-resolved-key-value-never-reported",
        "KEY_VAULT_REFERENCES": json.dumps(references),
        "ALERT_WEBHOOK_URL": receivers.url(WEBHOOK_PATH),
        "KEY_VAULT_DNS_SUFFIX": suffix,
    }


def test_the_apps_own_key_vault_secrets_are_watched(
    resolver: KeyVaultSecretResolver,
    key_vault: FakeKeyVault,
    receivers: FakeAlertReceivers,
    clock: UtcClock,
    tls: TlsFiles,
) -> None:
    key_vault.set_secret(
        "kv-app", "continuation-token-key", "k", expires_on=NOW + timedelta(days=10)
    )
    key_vault.set_secret("kv-app", "pd-routing-key", "r", expires_on=NOW + timedelta(days=300))

    summary = run_secret_expiry_check(
        PublishedView(version=1),
        azure_settings(receivers, key_vault),
        resolver,
        InMemoryAlertStateStore(),
        FixedClock(clock),
        tls_verify=str(tls.ca_cert),
    )

    assert summary.checked == 2
    assert summary.findings == {"threshold-14": 1, "healthy": 1}
    (alert,) = receivers.bodies(WEBHOOK_PATH)
    assert alert["finding"] == "threshold-14"
    assert "continuation-token-key" in json.dumps(alert)
    assert "continuation tokens" in json.dumps(alert)
    assert "a-resolved-key-value-never-reported" not in json.dumps(alert)
