"""Fixtures for the Cosmos-only tests in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.adapters.cosmos.client import ClientConfig
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.storage import CosmosStorage
from shared.settings import CosmosSettings
from tests.cosmos.harness import CosmosTarget, CosmosTestServer

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent == HERE:
            item.add_marker(pytest.mark.cosmos)


@pytest.fixture
def database(cosmos_database: CosmosSettings) -> CosmosDatabase:
    return CosmosDatabase(ClientConfig.from_settings(cosmos_database), cosmos_database.database)


@pytest.fixture
def cosmos_storage(database: CosmosDatabase) -> CosmosStorage:
    return CosmosStorage(database)


@pytest.fixture
def local_server(cosmos_target: CosmosTarget) -> CosmosTestServer:
    """The local test server itself (request counts, injected faults, pausing)."""
    if not isinstance(cosmos_target, CosmosTestServer):
        pytest.skip("needs the local test server, not a real account")
    return cosmos_target
