"""Typed application settings, read from app settings / the environment and validated once.

Nothing here runs at import time: an import error would make every function disappear in
Azure, so settings are read on first use and a bad value fails that call with a message that
names the setting.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


class SettingsError(RuntimeError):
    """A required app setting is missing or has a value we cannot use."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"app setting {name}: {problem}")
        self.setting = name


STORE_KINDS = ("sqlite", "cosmos")
AUTH_MODES = ("entra", "local")

# Every app setting the code reads, with its default (None: required when its feature is used).
# infra/bicep declares the same names; a test keeps the two in step.
SETTING_DEFAULTS: dict[str, str | None] = {
    "STORE_KIND": "sqlite",
    "SQLITE_PATH": ".local/clienteling.db",
    "COSMOS_ENDPOINT": None,
    "COSMOS_DATABASE": "clienteling",
    "COSMOS_KEY": None,
    "COSMOS_TIMEOUT_SECONDS": "10",
    # A PEM file of CA certificates to trust for COSMOS_ENDPOINT (a local test server's
    # self-signed certificate); unset: the system's trusted CAs, as for a real account.
    "COSMOS_CA_BUNDLE": None,
    "AUTH_MODE": "entra",
    # Comma-separated lists. A global-cloud tenant's v2.0 issuer also admits its v1.0 issuer,
    # and a client id also admits api://<client id> (shared/adapters/identity/entra.py).
    "AUTH_ISSUER": None,
    "AUTH_AUDIENCE": None,
    "AUTH_JWKS_URL": None,
    "AUTH_LOCAL_KEY_DIR": ".local/keys",
    "CONTINUATION_TOKEN_KEY": None,
    "LOCAL_STATE_DIR": ".local",
    "MAX_BODY_BYTES": str(256 * 1024),
    "MAX_IMPORT_BODY_BYTES": str(64 * 1024 * 1024),
    "PUBLISHED_VERSION_CHECK_SECONDS": "0",
    "DISTRIBUTION_1040_SCHEDULE": "0 */15 * * * *",
    "DISTRIBUTION_1150_SCHEDULE": "0 */15 * * * *",
    "DISTRIBUTION_1110_SCHEDULE": "0 */15 * * * *",
    "DISTRIBUTION_1090_SCHEDULE": "0 */15 * * * *",
    "SECRET_EXPIRY_SCHEDULE": "0 0 7 * * *",
    "FOLLOWUPS_SCHEDULE": "0 0 2 * * *",
    "INSIGHTS_AUTHORITY_HOST": "https://login.microsoftonline.com",
    # An extra CA bundle for outbound HTTPS (Insights, its sign-in, alert channels): local
    # test servers only; Azure uses the system's trust store.
    "OUTBOUND_TLS_CA_BUNDLE": None,
    "APP_VERSION": "0.1.0",
}


def _read(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None or value.strip() == "":
        return SETTING_DEFAULTS.get(name)
    return value.strip()


def _required(env: Mapping[str, str], name: str) -> str:
    value = _read(env, name)
    if value is None:
        raise SettingsError(name, "is required but not set")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated setting; one value, as the setting once held, is a list of one."""
    value = _read(env, name)
    if value is None:
        return ()
    return tuple(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = _required(env, name).lower()
    if value not in choices:
        raise SettingsError(name, f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def _int(env: Mapping[str, str], name: str, minimum: int = 0) -> int:
    raw = _required(env, name)
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(name, f"must be at least {minimum}")
    return value


@dataclass(frozen=True)
class AuthSettings:
    mode: str
    issuers: tuple[str, ...]
    audiences: tuple[str, ...]
    jwks_url: str | None
    local_key_dir: Path

    def require_entra(self) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """Issuers, audiences and JWKS URL, which Entra mode cannot do without."""
        for name, value in (
            ("AUTH_ISSUER", self.issuers),
            ("AUTH_AUDIENCE", self.audiences),
            ("AUTH_JWKS_URL", self.jwks_url),
        ):
            if not value:
                raise SettingsError(name, "is required when AUTH_MODE is entra")
        if not (self.jwks_url or "").startswith("https://"):
            # Keys fetched in the clear could be swapped for an attacker's on the way.
            raise SettingsError("AUTH_JWKS_URL", "must be an https:// URL")
        return self.issuers, self.audiences, self.jwks_url  # type: ignore[return-value]


@dataclass(frozen=True)
class CosmosSettings:
    endpoint: str | None
    database: str
    key: str | None
    timeout_seconds: int
    ca_bundle: str | None = None

    def require_endpoint(self) -> str:
        if not self.endpoint:
            raise SettingsError("COSMOS_ENDPOINT", "is required when STORE_KIND is cosmos")
        return self.endpoint


@dataclass(frozen=True)
class Settings:
    store_kind: str
    sqlite_path: Path
    cosmos: CosmosSettings
    auth: AuthSettings
    continuation_token_key: str | None
    local_state_dir: Path
    max_body_bytes: int
    max_import_body_bytes: int
    published_version_check_seconds: int
    app_version: str
    raw: Mapping[str, str] = field(repr=False, default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            store_kind=_choice(env, "STORE_KIND", STORE_KINDS),
            sqlite_path=Path(_required(env, "SQLITE_PATH")),
            cosmos=CosmosSettings(
                endpoint=_read(env, "COSMOS_ENDPOINT"),
                database=_required(env, "COSMOS_DATABASE"),
                key=_read(env, "COSMOS_KEY"),
                timeout_seconds=_int(env, "COSMOS_TIMEOUT_SECONDS", minimum=1),
                ca_bundle=_read(env, "COSMOS_CA_BUNDLE"),
            ),
            auth=AuthSettings(
                mode=_choice(env, "AUTH_MODE", AUTH_MODES),
                issuers=_list(env, "AUTH_ISSUER"),
                audiences=_list(env, "AUTH_AUDIENCE"),
                jwks_url=_read(env, "AUTH_JWKS_URL"),
                local_key_dir=Path(_required(env, "AUTH_LOCAL_KEY_DIR")),
            ),
            continuation_token_key=_read(env, "CONTINUATION_TOKEN_KEY"),
            local_state_dir=Path(_required(env, "LOCAL_STATE_DIR")),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", minimum=1024),
            max_import_body_bytes=_int(env, "MAX_IMPORT_BODY_BYTES", minimum=1024),
            published_version_check_seconds=_int(env, "PUBLISHED_VERSION_CHECK_SECONDS"),
            app_version=_required(env, "APP_VERSION"),
            raw=env,
        )

    def get(self, name: str) -> str | None:
        """Any other setting by name (feature modules validate their own)."""
        return _read(self.raw, name)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings.from_env()


def reset_settings() -> None:
    """Forget the cached settings (tests and the local host change the environment)."""
    get_settings.cache_clear()
