"""Customer Insights parameters (what an admin configures) and tuning (app settings)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from shared.insights.errors import InvalidInsightsSettings
from shared.insights.odata import IDENTIFIER
from shared.secrets.config import read_number
from shared.secrets.reference import SecretReference

MAX_MEASURES = 3
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_TENANT = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$")


@dataclass(frozen=True)
class InsightsSettings:
    """What the app needs to read measures: Customer Insights - Data's Dataverse environment
    (its own API was retired on 31 August 2024) and the app registration that signs in to it."""

    enabled: bool
    application_id: str
    secret_reference: SecretReference
    tenant_id: str
    alternate_id_property: str
    measure_names: tuple[str, ...] = ()
    dataverse_url: str | None = None
    authority_host: str = DEFAULT_AUTHORITY_HOST

    def __post_init__(self) -> None:
        if not _GUID.match(self.application_id):
            raise InvalidInsightsSettings("applicationId", "must be a GUID")
        if not _TENANT.match(self.tenant_id):
            raise InvalidInsightsSettings("tenantId", "must be a tenant GUID or domain name")
        if not IDENTIFIER.match(self.alternate_id_property):
            raise InvalidInsightsSettings(
                "alternateCustomerId", "must be a property name (letters, digits, underscore)"
            )
        if len(self.measure_names) > MAX_MEASURES:
            raise InvalidInsightsSettings("measures", f"at most {MAX_MEASURES} can be selected")
        for name in self.measure_names:
            if not IDENTIFIER.match(name):
                raise InvalidInsightsSettings("measures", f"{name!r} is not a measure name")
        _require_https("authorityHost", self.authority_host)
        _require_https("dataverseUrl", self.dataverse_url, bare=True)

    @property
    def authority(self) -> str:
        return f"{self.authority_host.rstrip('/')}/{self.tenant_id}"


def _require_https(field: str, url: str | None, bare: bool = False) -> None:
    parts = urlsplit(url or "")
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidInsightsSettings(field, "must be an https URL")
    if bare and (parts.path.strip("/") or parts.query or parts.fragment):
        raise InvalidInsightsSettings(field, "must be the organization URL without a path")


@dataclass(frozen=True)
class InsightsTuning:
    """How long to wait for the platform and how long to keep its answers (app settings)."""

    timeout_seconds: float = 3.0
    cache_seconds: float = 300.0
    # Which platform profile holds a customer changes only when profiles are unified again;
    # knowing it saves a page one of its two sequential calls.
    profile_cache_seconds: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> InsightsTuning:
        return cls(
            timeout_seconds=read_number(settings, "INSIGHTS_TIMEOUT_SECONDS", minimum=0.1),
            cache_seconds=read_number(settings, "INSIGHTS_CACHE_SECONDS"),
            profile_cache_seconds=read_number(settings, "INSIGHTS_PROFILE_CACHE_SECONDS"),
        )
