"""Customer Insights administration: read a secret's health, turn the integration on or off.

Turning it on runs the end-to-end check (secret readable, token acquired, measures exist); on
any failure the flag stays off and the problem names the failed step and what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain.distribution import SINGLETON_ID
from shared.domain.errors import ConfigurationMissing, InsightsSetupFailed, NotFound
from shared.domain.key_vault import KeyVaultSettings
from shared.domain.parameters import ClientelingParameters, InsightsParameters
from shared.insights.errors import InvalidInsightsSettings
from shared.insights.settings import InsightsSettings
from shared.insights.setup_check import SetupStep, validate_setup
from shared.secrets.errors import SecretUnavailable
from shared.secrets.reference import InvalidSecretReference, parse_secret_reference
from shared.secrets.resolver import SecretResolver
from shared.services.headquarters import HeadquartersService

SetupCheck = Callable[[InsightsSettings, SecretResolver], list[SetupStep]]


@dataclass(frozen=True)
class SecretHealth:
    name: str
    reference: str
    readable: bool
    enabled: bool | None
    expires_on: str | None
    days_left: int | None
    problem: str | None


def insights_settings(
    parameters: InsightsParameters,
    key_vault: KeyVaultSettings | None,
    app_settings: Mapping[str, str],
    enabled: bool | None = None,
) -> InsightsSettings:
    """The Insights client's settings from a legal entity's parameters and secrets list."""
    missing = [
        name
        for name, value in (
            ("applicationId", parameters.application_id),
            ("tenantId", parameters.tenant_id),
            ("secretName", parameters.secret_name),
            ("alternateCustomerId", parameters.alternate_customer_id),
            ("dataverseUrl", parameters.dataverse_url),
        )
        if not value
    ]
    if missing:
        raise InvalidInsightsSettings(", ".join(missing), "must be set in the parameters")
    reference = (key_vault.secrets if key_vault else {}).get(parameters.secret_name or "")
    if reference is None:
        raise InvalidInsightsSettings(
            "secretName", f"{parameters.secret_name!r} is not in the Key Vault secrets list"
        )
    return InsightsSettings(
        enabled=parameters.enabled if enabled is None else enabled,
        application_id=parameters.application_id or "",
        secret_reference=parse_secret_reference(reference),
        tenant_id=parameters.tenant_id or "",
        alternate_id_property=parameters.alternate_customer_id or "",
        measure_names=tuple(parameters.measures),
        dataverse_url=parameters.dataverse_url,
        authority_host=app_settings.get("INSIGHTS_AUTHORITY_HOST")
        or "https://login.microsoftonline.com",
    )


def _step_json(step: SetupStep) -> dict[str, Any]:
    return {"step": str(step.name), "ok": step.ok, "message": step.message}


class InsightsAdministration:
    def __init__(
        self,
        headquarters: HeadquartersService,
        resolver: SecretResolver,
        app_settings: Mapping[str, str],
        setup_check: SetupCheck,
        now: Callable[[], dt.datetime],
    ) -> None:
        self._hq = headquarters
        self._resolver = resolver
        self._app_settings = app_settings
        self._setup_check = setup_check
        self._now = now

    def enable(self, legal_entity: str) -> tuple[ClientelingParameters, list[dict[str, Any]]]:
        current = self._hq.parameters(legal_entity)
        try:
            settings = insights_settings(
                current.value.insights,
                self._hq.key_vault(legal_entity).value,
                self._app_settings,
                enabled=True,
            )
        except (InvalidInsightsSettings, InvalidSecretReference) as problem:
            step = {"step": "configuration", "ok": False, "message": str(problem)}
            raise InsightsSetupFailed(
                f"Insights stays off: {problem}", steps=[step], failedStep="configuration"
            ) from None
        steps = self._setup_check(settings, self._resolver)
        failed = next((s for s in steps if not s.ok), None)
        if failed is not None:
            raise InsightsSetupFailed(
                f"Insights stays off: the {failed.name} step failed. {failed.message}",
                steps=[_step_json(s) for s in steps],
                failedStep=str(failed.name),
            )
        return self._set_enabled(legal_entity, True), [_step_json(s) for s in steps]

    def disable(self, legal_entity: str) -> ClientelingParameters:
        return self._set_enabled(legal_entity, False)

    def _set_enabled(self, legal_entity: str, enabled: bool) -> ClientelingParameters:
        current = self._hq.parameters(legal_entity)
        insights = current.value.insights.model_copy(update={"enabled": enabled})
        updated = current.value.model_copy(update={"insights": insights})
        # Straight to the document: the plain update route refuses to switch Insights on.
        self._hq.parameters_docs.put(
            legal_entity, SINGLETON_ID, updated, current.etag if current.etag else None
        )
        return updated

    def secret_health(self, legal_entity: str, name: str) -> SecretHealth:
        """Can the app read this secret now, and when does it expire? Never the value."""
        reference = self._hq.key_vault(legal_entity).value.secrets.get(name)
        if reference is None:
            raise NotFound(f"no secret {name!r} in the Key Vault settings of {legal_entity}")
        ref = parse_secret_reference(reference)
        self._resolver.invalidate(ref)
        try:
            secret = self._resolver.get(ref)
        except SecretUnavailable as problem:
            return SecretHealth(name, reference, False, None, None, None, str(problem))
        expires = secret.expires_on
        days_left = (expires - self._now()).days if expires else None
        return SecretHealth(
            name,
            reference,
            True,
            secret.enabled,
            expires.isoformat().replace("+00:00", "Z") if expires else None,
            days_left,
            None if expires else "no expiry date is set: set one so on-call staff are warned",
        )


def require_enabled_settings(
    parameters: ClientelingParameters | None,
    key_vault: KeyVaultSettings | None,
    app_settings: Mapping[str, str],
) -> InsightsSettings | None:
    """Settings for cards when Insights is on and measures are selected, else None."""
    if parameters is None or not parameters.insights.enabled or not parameters.insights.measures:
        return None
    try:
        return insights_settings(parameters.insights, key_vault, app_settings)
    except (InvalidInsightsSettings, InvalidSecretReference) as problem:
        raise ConfigurationMissing(f"Insights is on but misconfigured: {problem}") from None


def default_setup_check(tls_verify: bool | str) -> SetupCheck:
    return lambda settings, resolver: validate_setup(settings, resolver, tls_verify=tls_verify)
