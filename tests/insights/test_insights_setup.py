from dataclasses import replace
from datetime import UTC, datetime

from shared.insights.setup_check import validate_setup
from shared.secrets.reference import parse_secret_reference
from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.keyvault import FakeKeyVault
from tests.fakes.server import FakeResponse
from tests.insights.insights_scenario import APP_ID, SECRET_REF


def test_a_complete_setup_passes_all_three_steps(
    make_settings, resolver, client_options, platform: FakeCustomerInsights
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1, LifetimeSpend=10)

    steps = validate_setup(make_settings(), resolver, **client_options)

    assert [(s.name, s.ok) for s in steps] == [
        ("secret", True),
        ("token", True),
        ("measures", True),
    ]
    assert "no expiry date" in steps[0].message
    assert steps[2].message == "Measures found: ChurnRisk, LifetimeSpend."


def test_an_unreadable_secret_stops_at_the_first_step_and_says_what_to_do(
    make_settings, resolver, client_options, identity: FakeIdentityProvider
) -> None:
    missing = parse_secret_reference("vault://kv-contoso/not-there")
    settings = replace(make_settings(), secret_reference=missing)

    steps = validate_setup(settings, resolver, **client_options)

    assert [(s.name, s.ok) for s in steps] == [("secret", False)]
    assert "vault://kv-contoso/not-there" in steps[0].message
    assert "create the secret" in steps[0].message
    assert identity.token_requests() == []


def test_a_secret_the_app_registration_does_not_accept_fails_the_token_step(
    make_settings, resolver, client_options, identity: FakeIdentityProvider
) -> None:
    identity.accepted_secrets = {"some-other-secret"}

    steps = validate_setup(make_settings(), resolver, **client_options)

    assert [(s.name, s.ok) for s in steps] == [("secret", True), ("token", False)]
    assert APP_ID in steps[1].message and "invalid_client" in steps[1].message
    # The secret was read again once before giving up, in case it had just been rotated.
    assert len(identity.token_requests()) == 2


def test_a_measure_the_platform_does_not_have_is_named(
    make_settings, resolver, client_options, platform: FakeCustomerInsights
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1, LifetimeSpend=10)
    settings = make_settings(measures=("ChurnRisk", "Loyalty"))

    steps = validate_setup(settings, resolver, **client_options)

    assert [(s.name, s.ok) for s in steps][-1] == ("measures", False)
    assert "Loyalty not found" in steps[-1].message
    assert "Known measures: ChurnRisk, LifetimeSpend" in steps[-1].message


def test_an_expired_secret_fails_the_secret_step(
    make_settings, resolver, client_options, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret(
        SECRET_REF.vault,
        SECRET_REF.name,
        "client-secret-1",
        expires_on=datetime(2020, 1, 1, tzinfo=UTC),
    )

    steps = validate_setup(make_settings(), resolver, **client_options)

    assert [(s.name, s.ok) for s in steps] == [("secret", False)]
    assert "expired on 2020-01-01" in steps[0].message


def test_an_unreachable_platform_fails_the_measures_step(
    make_settings, resolver, client_options, platform: FakeCustomerInsights
) -> None:
    platform.server.enqueue(FakeResponse(403, {"error": {"message": "no access"}}))

    steps = validate_setup(make_settings(), resolver, **client_options)

    assert (steps[-1].name, steps[-1].ok) == ("measures", False)
    assert "HTTP 403" in steps[-1].message and "read access" in steps[-1].message
