"""The checks run when an admin turns Customer Insights on (the flag stays off if one fails).

Steps, stopping at the first failure: `secret` (the client secret can be read from the
vault), `token` (Entra ID issues a token with it), `measures` (the selected measures exist
on the platform). Each step's message says what was found or what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from shared.insights.client import InsightsClient
from shared.insights.errors import InsightsUnavailable
from shared.insights.settings import InsightsSettings
from shared.secrets.errors import CredentialRejected, SecretUnavailable
from shared.secrets.resolver import SecretResolver

StepName = Literal["secret", "token", "measures"]


@dataclass(frozen=True)
class SetupStep:
    name: StepName
    ok: bool
    message: str


def validate_setup(
    settings: InsightsSettings, resolver: SecretResolver, **client_options: Any
) -> list[SetupStep]:
    """Run the steps in order and return those that ran; the last one failed unless all pass."""
    client = InsightsClient(settings, resolver, **client_options)
    try:
        steps: list[SetupStep] = []
        for check in (_secret_step, _token_step, _measures_step):
            step = check(settings, resolver, client)
            steps.append(step)
            if not step.ok:
                break
        return steps
    finally:
        client.close()


def _secret_step(
    settings: InsightsSettings, resolver: SecretResolver, client: InsightsClient
) -> SetupStep:
    ref = settings.secret_reference
    resolver.invalidate(ref)  # check the vault as it is now, not a cached copy
    try:
        secret = resolver.get(ref)
    except SecretUnavailable as error:
        return SetupStep("secret", False, f"Cannot read {ref}: {error.reason.value}; {error.hint}.")
    if secret.expires_on is None:
        expiry = "it has no expiry date; set one so on-call staff are warned before it lapses"
    elif secret.expires_on <= datetime.now(UTC):
        return SetupStep(
            "secret",
            False,
            f"{ref} expired on {secret.expires_on.date().isoformat()}; put a new client secret "
            "in the vault.",
        )
    else:
        expiry = f"it expires on {secret.expires_on.date().isoformat()}"
    return SetupStep("secret", True, f"{ref} is readable; {expiry}.")


def _token_step(
    settings: InsightsSettings, resolver: SecretResolver, client: InsightsClient
) -> SetupStep:
    try:
        client.token()
    except CredentialRejected:
        return SetupStep(
            "token",
            False,
            f"Entra ID rejected application {settings.application_id} with the secret in "
            f"{settings.secret_reference} (invalid_client). Check the application id, and put "
            "a current client secret of that app registration in the vault.",
        )
    except (InsightsUnavailable, SecretUnavailable) as error:
        return SetupStep(
            "token",
            False,
            f"Could not sign in as application {settings.application_id}: {error}. Check the "
            "tenant id and that the app registration exists.",
        )
    return SetupStep("token", True, f"Signed in as application {settings.application_id}.")


def _measures_step(
    settings: InsightsSettings, resolver: SecretResolver, client: InsightsClient
) -> SetupStep:
    if not settings.measure_names:
        return SetupStep("measures", True, "No measures selected; cards show attributes only.")
    try:
        catalog = client.measures_catalog()
    except (InsightsUnavailable, SecretUnavailable, CredentialRejected) as error:
        return SetupStep(
            "measures",
            False,
            f"Could not read the measures from Customer Insights: {error}. Check the "
            f"Dataverse URL ({settings.dataverse_url}) and that the application is an "
            "application user of that environment with read access.",
        )
    missing = [name for name in settings.measure_names if name not in catalog]
    if missing:
        known = ", ".join(sorted(catalog)[:20]) or "none"
        return SetupStep(
            "measures",
            False,
            f"Measure(s) {', '.join(missing)} not found in Customer Insights. "
            f"Known measures: {known}. Select existing measures or run the measures first.",
        )
    return SetupStep("measures", True, f"Measures found: {', '.join(settings.measure_names)}.")
