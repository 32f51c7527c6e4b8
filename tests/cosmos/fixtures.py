"""Pytest fixtures that choose the store a test runs on (a plugin: tests/conftest.py loads it).

- `--store cosmos` (or TEST_STORE_KIND=cosmos) makes the app-level `env` fixture use a fresh
  Cosmos database per test instead of a SQLite file: `make test-cosmos` runs tests/http so.
- `cosmos_target`: the session's Cosmos DB (the local test server, or a real account named
  by COSMOS_TEST_ENDPOINT / COSMOS_TEST_KEY). Without Node or the installed server the Cosmos
  tests are skipped with the reason, unless COSMOS_TESTS_REQUIRED is set (CI), when they fail.
- `cosmos_database`: a new, provisioned database for one test, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.cosmos.client import close_clients
from shared.adapters.cosmos.provisioning import drop, provision
from shared.settings import CosmosSettings
from tests.cosmos.harness import (
    CosmosTarget,
    CosmosTestServer,
    RealCosmos,
    unavailable_reason,
)

STORES = ("sqlite", "cosmos")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=STORES,
        default=os.environ.get("TEST_STORE_KIND", "sqlite"),
        help="store behind the app in HTTP-level tests (default: TEST_STORE_KIND or sqlite)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cosmos: runs against Cosmos DB (the local test server)")


@pytest.fixture(scope="session")
def cosmos_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CosmosTarget]:
    real = RealCosmos.from_environment()
    if real is not None:
        yield real
        close_clients()
        return
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("COSMOS_TESTS_REQUIRED"):
            pytest.fail(f"Cosmos DB tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    server = CosmosTestServer(tmp_path_factory.mktemp("cosmos-server")).start()
    try:
        yield server
    finally:
        close_clients()
        server.stop()


@pytest.fixture
def cosmos_database(cosmos_target: CosmosTarget) -> Iterator[CosmosSettings]:
    """A fresh database with every container of the layout, for this test only."""
    settings = cosmos_target.cosmos_settings(f"test-{uuid.uuid4().hex[:12]}")
    provision(settings)
    yield settings
    drop(settings)


@pytest.fixture
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """App settings selecting the store for app-level tests (see --store)."""
    if request.config.getoption("store") == "cosmos":
        database: CosmosSettings = request.getfixturevalue("cosmos_database")
        target: CosmosTarget = request.getfixturevalue("cosmos_target")
        return target.app_settings(database.database)
    return {"STORE_KIND": "sqlite", "SQLITE_PATH": str(tmp_path / "clienteling.db")}
