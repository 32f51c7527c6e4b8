"""The scheduled secret-expiry check: every secret any legal entity references, plus the
app's own Key Vault secrets behind its settings (continuation-token key, alert channels, any
`@Microsoft.KeyVault(...)` setting), checked against thresholds; on-call alerted once each."""

from __future__ import annotations

from collections.abc import Mapping

from shared.alerts.delivery import JsonPoster
from shared.alerts.expiry_check import ExpiryCheckSummary, SecretExpiryCheck
from shared.alerts.state import AlertStateStore
from shared.alerts.usage import INSIGHTS_IMPACT, SecretUsage, merge_usages
from shared.ports.clock import Clock
from shared.secrets.app_setting_references import referenced_secrets
from shared.secrets.reference import is_secret_reference, parse_secret_reference
from shared.secrets.resolver import SecretResolver
from shared.services.published_view import PublishedView

PAGERDUTY_IMPACT = "PagerDuty alerts about expiring secrets stop being delivered."
# What stops when the secret behind an app setting lapses; App Service re-reads references on
# restart and at least every 24 hours, so a lapsed one breaks the app within a day.
SETTING_IMPACTS = {
    "CONTINUATION_TOKEN_KEY": "POS lists cannot be paged: the app cannot sign continuation tokens.",
    "ALERT_PAGERDUTY_ROUTING_KEY": PAGERDUTY_IMPACT,
    "ALERT_WEBHOOK_URL": "Webhook alerts about expiring secrets stop being delivered.",
    "ALERT_TEAMS_WEBHOOK_URL": "Teams alerts about expiring secrets stop being delivered.",
    "ALERT_SLACK_WEBHOOK_URL": "Slack alerts about expiring secrets stop being delivered.",
}


def _impact(secret_name: str, insights_secret: str | None) -> str:
    if secret_name == insights_secret:
        return INSIGHTS_IMPACT
    return f"Whatever uses the secret '{secret_name}' stops working when it lapses."


def secret_usages(view: PublishedView, app_settings: Mapping[str, str]) -> list[SecretUsage]:
    usages = []
    for entity in view.entities.values():
        if entity.key_vault is None:
            continue
        insights_secret = entity.parameters.insights.secret_name if entity.parameters else None
        for name, reference in entity.key_vault.secrets.items():
            usages.append(
                SecretUsage(
                    parse_secret_reference(reference),
                    (entity.legal_entity,),
                    _impact(name, insights_secret),
                )
            )
    # The app resolves a vault:// routing key itself (shared/alerts/config.py).
    routing_key = app_settings.get("ALERT_PAGERDUTY_ROUTING_KEY") or ""
    if is_secret_reference(routing_key):
        usages.append(SecretUsage(parse_secret_reference(routing_key), (), PAGERDUTY_IMPACT))
    for setting, reference in referenced_secrets(app_settings).items():
        impact = SETTING_IMPACTS.get(
            setting, f"The app setting {setting} cannot be resolved, and what reads it fails."
        )
        usages.append(SecretUsage(reference, (), impact))
    return merge_usages(usages)


def run_secret_expiry_check(
    view: PublishedView,
    app_settings: Mapping[str, str],
    resolver: SecretResolver,
    store: AlertStateStore,
    clock: Clock,
    tls_verify: bool | str = True,
) -> ExpiryCheckSummary:
    usages = secret_usages(view, app_settings)
    poster = JsonPoster(tls_verify=tls_verify)
    check = SecretExpiryCheck.from_settings(
        app_settings, usages, resolver, store, clock.now, poster=poster
    )
    return check.run()
