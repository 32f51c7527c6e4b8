"""Fixtures shared by every test: an isolated embedded store, signing key and app per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.composition import reset_services
from shared.settings import reset_settings
from tests.fakes.tls import TlsFiles, make_tls_files
from tests.support.api_client import ApiClient
from tests.support.world import World

# --store and the Cosmos DB fixtures (store_settings, cosmos_target, cosmos_database); Azurite
# and the ACS stand-in for outreach (azurite, outreach).
pytest_plugins = ["tests.cosmos.fixtures", "tests.support.outreach_fixtures"]


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A test certificate authority and server certificate for the local HTTPS stand-ins."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_settings: dict[str, str]
) -> Iterator[Path]:
    """App settings for an isolated local app: its own store (--store) and keys under tmp_path."""
    values = {
        **store_settings,
        "AUTH_MODE": "local",
        "AUTH_LOCAL_KEY_DIR": str(tmp_path / "keys"),
        "LOCAL_STATE_DIR": str(tmp_path),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    for name in ("AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CONTINUATION_TOKEN_KEY"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    reset_services()
    yield tmp_path
    reset_services()
    reset_settings()


@pytest.fixture
def signing_key(env: Path) -> LocalSigningKey:
    return LocalSigningKey.load_or_create(env / "keys")


@pytest.fixture(scope="session")
def function_app_module():
    import function_app

    return function_app


@pytest.fixture
def api(env: Path, function_app_module) -> ApiClient:
    return ApiClient(function_app_module.app)


@pytest.fixture
def world(api: ApiClient, signing_key: LocalSigningKey) -> World:
    """The standard two-legal-entity world, configured, imported and published."""
    return World(api, signing_key).build()


@pytest.fixture
def bare_world(api: ApiClient, signing_key: LocalSigningKey) -> World:
    """Tokens and an admin client, with nothing configured yet."""
    return World(api, signing_key)
