"""CONTINUATION_TOKEN_KEY fails closed: an unresolved Key Vault reference (the platform passes
the reference text itself when the secret is missing) or too short a key is never used as a
key. The routes that page answer 503 setting-unavailable naming the setting, health says so,
and every other route keeps working."""

from __future__ import annotations

import base64

import pytest

from shared.composition import reset_services
from shared.settings import reset_settings
from tests.support.world import World, add_to_book, pos_path

UNRESOLVED = "@Microsoft.KeyVault(VaultName=kv-clienteling;SecretName=continuation-token-key)"
SHORT = base64.b64encode(b"sixteen-byte-key").decode()


def restart_with_key(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CONTINUATION_TOKEN_KEY", value)
    reset_settings()
    reset_services()


@pytest.mark.parametrize("value", [UNRESOLVED, SHORT, "not a base64 key at all!"])
def test_routes_that_page_answer_503_naming_the_setting(
    world: World, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    restart_with_key(monkeypatch, value)
    alice = world.as_staff("alice")

    for path, params in (
        (pos_path("S1", "client-book/customers"), {"pageSize": 2}),
        (pos_path("S1", "store-client-book/customers"), {}),
        (pos_path("S1", "customers"), {"search": "customer"}),
    ):
        reply = alice.get(path, params=params)
        assert reply.status == 503, (path, reply)
        assert reply.json["type"] == "urn:clienteling:problem:setting-unavailable"
        assert reply.json["setting"] == "CONTINUATION_TOKEN_KEY"
        assert "CONTINUATION_TOKEN_KEY" in reply.json["detail"]
        assert value not in reply.body.decode() and "kv-clienteling" not in reply.body.decode()

    # Routes that do not page are unaffected.
    assert alice.get(pos_path("S1", "customers/UC001")).status == 200
    add_to_book(world, "alice", ["UC004"], "S1")


def test_health_names_the_unusable_setting(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert world.api.get("/api/health").json["missingSettings"] == []
    restart_with_key(monkeypatch, UNRESOLVED)

    reply = world.api.get("/api/health")

    assert reply.status == 503
    assert reply.json["status"] == "degraded"
    assert reply.json["storage"] == "ok"
    assert reply.json["missingSettings"] == ["CONTINUATION_TOKEN_KEY"]
    assert "kv-clienteling" not in reply.body.decode()


def test_a_token_issued_under_one_key_is_refused_under_another(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    restart_with_key(monkeypatch, base64.b64encode(bytes(range(48))).decode())
    path = pos_path("S1", "client-book/customers")
    token = world.as_staff("alice").get(path, params={"pageSize": 2}).json["continuationToken"]
    assert token

    restart_with_key(monkeypatch, base64.b64encode(bytes(range(1, 49))).decode())  # rotated
    reply = world.as_staff("alice").get(path, params={"pageSize": 2, "continuationToken": token})

    assert reply.status == 400
    assert reply.json["type"] == "urn:clienteling:problem:invalid-continuation-token"
