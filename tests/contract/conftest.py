"""The `storage` fixture: every contract test runs once per adapter.

A new contract module (say, for client books) needs nothing more than a test taking
`storage`; a repository that one adapter lacks yet fails there, which is the point. Use
`open_storage()` for a second store over the same data (another process, as far as the
adapter can tell), and `cosmos_requests` to state how many requests an operation costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shared.adapters.cosmos.client import ClientConfig
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.storage import CosmosStorage
from shared.adapters.sqlite.storage import SqliteStorage
from shared.ports.storage import Storage
from shared.settings import CosmosSettings

ADAPTERS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("cosmos", id="cosmos", marks=pytest.mark.cosmos),
]

OpenStorage = Callable[[], Storage]


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def open_storage(
    adapter: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[OpenStorage]:
    """Opens stores over one and the same (initially empty) data; all closed at the end."""
    opened: list[Storage] = []
    if adapter == "cosmos":
        settings: CosmosSettings = request.getfixturevalue("cosmos_database")

        def open_one() -> Storage:
            config = ClientConfig.from_settings(settings)
            return CosmosStorage(CosmosDatabase(config, settings.database))
    else:

        def open_one() -> Storage:
            return SqliteStorage(tmp_path / "contract.db")

    def tracked() -> Storage:
        store = open_one()
        opened.append(store)
        return store

    yield tracked
    for store in opened:
        store.close()


@pytest.fixture
def storage(open_storage: OpenStorage) -> Storage:
    return open_storage()
