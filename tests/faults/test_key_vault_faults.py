"""Key Vault unreachable while an admin turns Insights on: the answer names the failed step,
Insights stays off, and the parameters document is exactly as it was."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from shared.composition import reset_services, services
from shared.secrets.keyvault import KeyVaultSecretResolver
from shared.services.insights_configuration import InsightsAdministration, default_setup_check
from tests.fakes.keyvault import FakeKeyVault, StaticTokenCredential, loopback_dns
from tests.fakes.tls import make_tls_files
from tests.support.world import World

BASE = "/api/admin/USRT"
INSIGHTS = {
    "applicationId": "00000000-0000-4000-8000-0000000000a1",
    "tenantId": "00000000-0000-4000-8000-0000000000b2",
    "secretName": "insights",
    "dataverseUrl": "https://contoso.crm.dynamics.com",
    "alternateCustomerId": "RetailCustomerId",
    "measures": [],
}


def _unreachable_vault(tmp_path, monkeypatch: pytest.MonkeyPatch) -> KeyVaultSecretResolver:
    """A resolver whose vault resolves to a loopback port nothing listens on any more."""
    (tmp_path / "tls").mkdir()
    tls = make_tls_files(tmp_path / "tls")
    loopback_dns(monkeypatch)
    vault = FakeKeyVault(tls)
    vault.server.start()
    suffix = vault.dns_suffix
    vault.server.stop()
    return KeyVaultSecretResolver(
        dns_suffix=suffix,
        credential=StaticTokenCredential(FakeKeyVault.token),
        client_options={"connection_verify": str(tls.ca_cert), "retry_total": 0},
    )


def _use_resolver(resolver: KeyVaultSecretResolver) -> None:
    current = services()
    admin = InsightsAdministration(
        current.headquarters,
        resolver,
        current.settings.raw,
        default_setup_check(True),
        current.clock.now,
    )
    reset_services(dataclasses.replace(current, secrets=resolver, insights_admin=admin))


def _configure(world: World) -> dict[str, Any]:
    reference = {"insights": "vault://kv-contoso/insights-client-secret"}
    world.ok(world.admin.put(f"{BASE}/key-vault", json={"secrets": reference}))
    current = world.admin.get(f"{BASE}/parameters")
    body = {**current.json, "insights": {**current.json["insights"], **INSIGHTS}}
    saved = world.admin.put(f"{BASE}/parameters", json=body, headers={"If-Match": current.etag})
    world.ok(saved)
    return {"etag": saved.etag, "body": saved.json}


def test_enable_with_key_vault_unreachable_names_the_secret_step_and_changes_nothing(
    world: World, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _configure(world)
    _use_resolver(_unreachable_vault(tmp_path, monkeypatch))

    reply = world.admin.post(f"{BASE}/insights/enable")

    assert reply.status == 422, reply
    assert reply.json["failedStep"] == "secret"
    assert [s["step"] for s in reply.json["steps"]] == ["secret"]
    assert "unreachable" in reply.json["steps"][0]["message"]
    after = world.admin.get(f"{BASE}/parameters")
    assert after.etag == before["etag"] and after.json == before["body"]
    assert after.json["insights"]["enabled"] is False
