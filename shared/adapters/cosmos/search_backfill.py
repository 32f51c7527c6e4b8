"""Write the search items of customers stored before the `search` container existed.

    python -m shared.adapters.cosmos.search_backfill [LEGAL_ENTITY ...]

Run once after the container is provisioned on an account that already holds customers, and
before the app that searches it takes traffic: until then a search finds only the customers
imported since. It only upserts (one batch per customer and address book), so running it
again, or while imports run, changes nothing that is already right.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from shared.adapters.cosmos.client import ClientConfig
from shared.adapters.cosmos.customer_search import CosmosCustomerSearch
from shared.adapters.cosmos.database import CosmosContainer, CosmosDatabase
from shared.domain.errors import ClientelingError
from shared.settings import SettingsError, get_settings

PAGE = 1000


def backfill(
    customers: CosmosContainer, search: CosmosCustomerSearch, legal_entities: Sequence[str] = ()
) -> int:
    """Index every stored customer (of these legal entities, or all); returns how many."""
    if legal_entities:
        sql = "SELECT * FROM c WHERE ARRAY_CONTAINS(@les, c.legalEntity)"
        parameters = {"@les": list(legal_entities)}
    else:
        sql, parameters = "SELECT * FROM c", {}
    indexed = 0
    for item in customers.query(sql, parameters, page_size=PAGE):
        search.index(item["legalEntity"], None, item)
        indexed += 1
    return indexed


def main(argv: Sequence[str]) -> int:
    try:
        settings = get_settings().cosmos
        database = CosmosDatabase(ClientConfig.from_settings(settings), settings.database)
        count = backfill(
            database.container("customers"),
            CosmosCustomerSearch(database.container("search")),
            argv,
        )
    except (SettingsError, ClientelingError) as problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"search items written for {count} customers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
