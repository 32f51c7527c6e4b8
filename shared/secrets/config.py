"""App settings read by the secrets, Customer Insights and alert modules, with their defaults.

The app passes its settings in as a plain mapping (name -> value), so these modules can be
used and tested without touching the process environment. `SETTINGS` is the one list of the
names they read; infra declares the same names, and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.settings import SettingsError

# Name -> default (None: no default; the feature that needs it is off or fails with a message).
SETTINGS: dict[str, str | None] = {
    "SECRETS_MODE": "keyvault",
    "KEY_VAULT_DNS_SUFFIX": "vault.azure.net",
    "SECRET_CACHE_SECONDS": "300",
    "LOCAL_SECRETS_FILE": ".local/secrets.json",
    "INSIGHTS_TIMEOUT_SECONDS": "3",
    "INSIGHTS_CACHE_SECONDS": "300",
    "INSIGHTS_PROFILE_CACHE_SECONDS": "3600",
    "ALERT_WEBHOOK_URL": None,
    "ALERT_TEAMS_WEBHOOK_URL": None,
    "ALERT_SLACK_WEBHOOK_URL": None,
    "ALERT_PAGERDUTY_ROUTING_KEY": None,
    "ALERT_PAGERDUTY_URL": "https://events.pagerduty.com/v2/enqueue",
    "SECRET_EXPIRY_THRESHOLDS_DAYS": "30,14,7,1",
    # The app settings' Key Vault references by setting name (shared/secrets/
    # app_setting_references.py); the deployment writes it.
    "KEY_VAULT_REFERENCES": None,
}

SECRETS_MODES = ("keyvault", "local")


def read_setting(settings: Mapping[str, str], name: str) -> str | None:
    """The setting's value, or its default when it is missing or blank."""
    value = settings.get(name)
    if value is None or value.strip() == "":
        return SETTINGS[name]
    return value.strip()


def read_number(settings: Mapping[str, str], name: str, minimum: float = 0) -> float:
    raw = read_setting(settings, name)
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        raise SettingsError(name, f"must be a number, not {raw!r}") from None
    if value is None:
        raise SettingsError(name, "is required but not set")
    if value < minimum:
        raise SettingsError(name, f"must be at least {minimum:g}")
    return value


@dataclass(frozen=True)
class SecretsConfig:
    mode: str
    dns_suffix: str
    cache_seconds: float
    local_file: Path

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> SecretsConfig:
        mode = (read_setting(settings, "SECRETS_MODE") or "").lower()
        if mode not in SECRETS_MODES:
            raise SettingsError("SECRETS_MODE", f"must be one of {', '.join(SECRETS_MODES)}")
        return cls(
            mode=mode,
            dns_suffix=read_setting(settings, "KEY_VAULT_DNS_SUFFIX") or "",
            cache_seconds=read_number(settings, "SECRET_CACHE_SECONDS"),
            local_file=Path(read_setting(settings, "LOCAL_SECRETS_FILE") or ""),
        )
