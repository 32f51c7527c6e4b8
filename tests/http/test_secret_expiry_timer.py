"""The daily timer alerts on-call staff once per threshold and says when a secret is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.composition import reset_services
from shared.settings import reset_settings
from tests.fakes.alert_receivers import WEBHOOK_PATH, FakeAlertReceivers
from tests.fakes.tls import TlsFiles
from tests.http.test_insights_admin import REFERENCE, SECRET_VALUE, write_secret
from tests.support.api_client import run_timer
from tests.support.world import World


@pytest.fixture
def receivers(tls: TlsFiles) -> Iterator[FakeAlertReceivers]:
    fake = FakeAlertReceivers(tls)
    fake.server.start()
    yield fake
    fake.server.stop()


@pytest.fixture
def alerting_world(
    world: World,
    env: Path,
    receivers: FakeAlertReceivers,
    tls: TlsFiles,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    monkeypatch.setenv("SECRETS_MODE", "local")
    monkeypatch.setenv("LOCAL_SECRETS_FILE", str(env / "secrets.json"))
    monkeypatch.setenv("ALERT_WEBHOOK_URL", receivers.url(WEBHOOK_PATH))
    monkeypatch.setenv("OUTBOUND_TLS_CA_BUNDLE", str(tls.ca_cert))
    monkeypatch.setenv("SECRET_EXPIRY_SCHEDULE", "0 0 7 * * *")
    reset_settings()
    reset_services()
    world.ok(
        world.admin.put("/api/admin/USRT/key-vault", json={"secrets": {"insights": REFERENCE}})
    )
    world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    return world


def test_alerts_once_per_threshold_then_resolves_after_rotation(
    alerting_world: World,
    env: Path,
    receivers: FakeAlertReceivers,
    function_app_module,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets_file = env / "secrets.json"
    write_secret(secrets_file, SECRET_VALUE, days=10)
    caplog.set_level("DEBUG")
    run_timer(function_app_module.app, "secret_expiry_check")
    run_timer(function_app_module.app, "secret_expiry_check")
    alerts = receivers.bodies(WEBHOOK_PATH)
    assert len(alerts) == 1, alerts  # the second run finds the same threshold: no repeat
    text = str(alerts[0])
    assert "insights-client-secret" in text and "kv-contoso" in text and "USRT" in text

    reset_services()  # a restart: the alert state is in the store, not in memory
    run_timer(function_app_module.app, "secret_expiry_check")
    assert len(receivers.bodies(WEBHOOK_PATH)) == 1

    write_secret(secrets_file, SECRET_VALUE, days=365)
    run_timer(function_app_module.app, "secret_expiry_check")
    bodies = receivers.bodies(WEBHOOK_PATH)
    assert len(bodies) == 2 and bodies[1]["action"] == "resolve"
    assert SECRET_VALUE not in caplog.text
    assert any("secret-expiry-finding" in r.getMessage() for r in caplog.records)
