"""Create the database and its containers from LAYOUT, for local servers and the emulator.

    python -m shared.adapters.cosmos.provisioning      (make cosmos-provision)

An explicit step, never run on a request path: in Azure, infra/bicep declares the same
containers, and the app's identity has no right to create them. Running it again changes
nothing that exists.
"""

from __future__ import annotations

import sys

from azure.cosmos import PartitionKey

from shared.adapters.cosmos.client import ClientConfig, cosmos_client
from shared.adapters.cosmos.containers import LAYOUT, DatabaseLayout
from shared.adapters.cosmos.errors import translated
from shared.domain.errors import ClientelingError
from shared.settings import CosmosSettings, SettingsError, get_settings


def provision(settings: CosmosSettings, layout: DatabaseLayout = LAYOUT) -> list[str]:
    """Create what is missing; returns the container names in layout order."""
    config = ClientConfig.from_settings(settings)
    timeout = config.timeout_seconds
    with translated(f"provisioning database {settings.database}"):
        client = cosmos_client(config)
        database = client.create_database_if_not_exists(settings.database, timeout=timeout)
        for spec in layout.containers:
            database.create_container_if_not_exists(
                spec.name,
                PartitionKey(path=spec.partition_key),
                indexing_policy=spec.indexing_policy(),
                default_ttl=spec.default_ttl,
                timeout=timeout,
            )
    return [spec.name for spec in layout.containers]


def drop(settings: CosmosSettings) -> None:
    """Delete the whole database (test databases on a local server)."""
    config = ClientConfig.from_settings(settings)
    with translated(f"deleting database {settings.database}"):
        cosmos_client(config).delete_database(settings.database, timeout=config.timeout_seconds)


def main() -> int:
    try:
        settings = get_settings().cosmos
        names = provision(settings)
    except (SettingsError, ClientelingError) as problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"database {settings.database} at {settings.endpoint}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
