"""Admins check secrets and turn Customer Insights on, through the real client and sign-in
against local stand-ins of Entra ID and Dataverse."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.composition import reset_services
from shared.settings import reset_settings
from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import TENANT, FakeIdentityProvider
from tests.fakes.tls import TlsFiles
from tests.insights.insights_scenario import ALTERNATE_ID, APP_ID
from tests.support.world import World

BASE = "/api/admin/USRT"
SECRET_VALUE = "s3cr3t-value-never-shown"
REFERENCE = "vault://kv-contoso/insights-client-secret"


@pytest.fixture
def identity(tls: TlsFiles) -> Iterator[FakeIdentityProvider]:
    provider = FakeIdentityProvider(tls, APP_ID, {SECRET_VALUE})
    provider.server.start()
    yield provider
    provider.server.stop()


@pytest.fixture
def platform(tls: TlsFiles, identity: FakeIdentityProvider) -> Iterator[FakeCustomerInsights]:
    fake = FakeCustomerInsights(tls, identity, ALTERNATE_ID)
    fake.server.start()
    fake.add("UC003", "ci-3", ChurnRisk=0.7, LifetimeSpend=1200)
    yield fake
    fake.server.stop()


@pytest.fixture
def secrets_file(env: Path) -> Path:
    return env / "secrets.json"


def write_secret(path: Path, value: str | None, days: int | None, enabled: bool = True) -> None:
    entry: dict = {"enabled": enabled}
    if value is not None:
        entry["value"] = value
    if days is not None:
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days, hours=1)
        entry["expiresOn"] = expires.isoformat()
    path.write_text(json.dumps({"kv-contoso/insights-client-secret": entry}))


@pytest.fixture
def insights_world(
    world: World,
    secrets_file: Path,
    identity: FakeIdentityProvider,
    tls: TlsFiles,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    monkeypatch.setenv("SECRETS_MODE", "local")
    monkeypatch.setenv("LOCAL_SECRETS_FILE", str(secrets_file))
    monkeypatch.setenv("INSIGHTS_AUTHORITY_HOST", identity.authority_host)
    monkeypatch.setenv("OUTBOUND_TLS_CA_BUNDLE", str(tls.ca_cert))
    reset_settings()
    reset_services()
    write_secret(secrets_file, SECRET_VALUE, days=90)
    world.ok(world.admin.put(f"{BASE}/key-vault", json={"secrets": {"insights": REFERENCE}}))
    return world


def configure_insights(world: World, platform: FakeCustomerInsights, measures: list[str]) -> None:
    current = world.admin.get(f"{BASE}/parameters")
    body = current.json
    body["insights"] = {
        "applicationId": APP_ID,
        "tenantId": TENANT,
        "secretName": "insights",
        "dataverseUrl": platform.org_url,
        "alternateCustomerId": ALTERNATE_ID,
        "measures": measures,
    }
    world.ok(world.admin.put(f"{BASE}/parameters", json=body, headers={"If-Match": current.etag}))


def insights_enabled(world: World) -> bool:
    return world.admin.get(f"{BASE}/parameters").json["insights"]["enabled"]


def test_validating_a_secret_reports_expiry_never_the_value(insights_world: World) -> None:
    reply = insights_world.admin.post(f"{BASE}/key-vault/secrets/insights/validate")
    assert reply.status == 200, reply
    assert reply.json["readable"] is True
    assert reply.json["daysLeft"] == 90
    assert reply.json["reference"] == REFERENCE
    assert SECRET_VALUE not in reply.body.decode()


def test_an_unreadable_secret_is_reported_not_raised(
    insights_world: World, secrets_file: Path
) -> None:
    write_secret(secrets_file, SECRET_VALUE, days=10, enabled=False)
    reply = insights_world.admin.post(f"{BASE}/key-vault/secrets/insights/validate")
    assert reply.status == 200
    assert reply.json["readable"] is False and "disabled" in reply.json["problem"]
    assert insights_world.admin.post(f"{BASE}/key-vault/secrets/other/validate").status == 404


def test_enabling_succeeds_end_to_end(
    insights_world: World, platform: FakeCustomerInsights
) -> None:
    configure_insights(insights_world, platform, ["ChurnRisk", "LifetimeSpend"])
    reply = insights_world.admin.post(f"{BASE}/insights/enable")
    assert reply.status == 200, reply
    assert [s["step"] for s in reply.json["steps"]] == ["secret", "token", "measures"]
    assert insights_enabled(insights_world)
    assert insights_world.admin.post(f"{BASE}/insights/disable").status == 200
    assert not insights_enabled(insights_world)


def test_enabling_with_incomplete_parameters_fails_at_configuration(
    insights_world: World,
) -> None:
    reply = insights_world.admin.post(f"{BASE}/insights/enable")
    assert reply.status == 422
    assert reply.json["type"] == "urn:clienteling:problem:insights-setup-failed"
    assert reply.json["failedStep"] == "configuration"
    assert "applicationId" in reply.json["detail"]
    assert not insights_enabled(insights_world)


def test_enabling_without_a_dataverse_url_names_it(
    insights_world: World, platform: FakeCustomerInsights
) -> None:
    configure_insights(insights_world, platform, ["ChurnRisk"])
    current = insights_world.admin.get(f"{BASE}/parameters")
    body = current.json
    body["insights"]["dataverseUrl"] = None
    insights_world.ok(
        insights_world.admin.put(
            f"{BASE}/parameters", json=body, headers={"If-Match": current.etag}
        )
    )

    reply = insights_world.admin.post(f"{BASE}/insights/enable")

    assert reply.status == 422
    assert reply.json["failedStep"] == "configuration"
    assert "dataverseUrl: must be set" in reply.json["detail"]
    assert platform.data_requests() == []


def test_the_retired_api_mode_is_gone_from_the_parameters(
    insights_world: World, platform: FakeCustomerInsights
) -> None:
    configure_insights(insights_world, platform, ["ChurnRisk"])
    insights = insights_world.admin.get(f"{BASE}/parameters").json["insights"]
    schema = json.dumps(insights_world.admin.get("/api/openapi.json").json)

    assert "mode" not in insights and "environmentInstanceId" not in insights
    assert "environmentInstanceId" not in schema


@pytest.mark.parametrize(
    ("secret", "measures", "failed_step"),
    [
        ({"value": SECRET_VALUE, "days": 90, "enabled": False}, ["ChurnRisk"], "secret"),
        ({"value": "a-rotated-away-secret", "days": 90}, ["ChurnRisk"], "token"),
        ({"value": SECRET_VALUE, "days": 90}, ["NoSuchMeasure"], "measures"),
    ],
)
def test_enabling_fails_at_each_step_and_stays_off(
    insights_world: World,
    platform: FakeCustomerInsights,
    secrets_file: Path,
    secret: dict,
    measures: list[str],
    failed_step: str,
) -> None:
    configure_insights(insights_world, platform, measures)
    write_secret(secrets_file, secret["value"], secret["days"], secret.get("enabled", True))
    reply = insights_world.admin.post(f"{BASE}/insights/enable")
    assert reply.status == 422, reply
    assert reply.json["failedStep"] == failed_step
    assert reply.json["steps"][-1]["ok"] is False
    assert not insights_enabled(insights_world)
    assert SECRET_VALUE not in reply.body.decode()
