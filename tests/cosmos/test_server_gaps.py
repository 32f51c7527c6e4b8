"""Where the local test server differs from Cosmos DB, pinned down so a new server version
that changes any of it is noticed. docs/cosmos.md lists each gap and how it is handled."""

from __future__ import annotations

import pytest
from azure.core import MatchConditions
from azure.cosmos import ContainerProxy, PartitionKey
from azure.cosmos.exceptions import (
    CosmosBatchOperationError,
    CosmosHttpResponseError,
    CosmosResourceNotFoundError,
)

from shared.adapters.cosmos.database import CosmosDatabase
from tests.cosmos.harness import CosmosTestServer


@pytest.fixture
def items(database: CosmosDatabase, local_server: CosmosTestServer) -> ContainerProxy:
    """A container partitioned by /legalEntity, with one item in USRT."""
    container = database.proxy().get_container_client("headquarters")
    container.create_item({"id": "a", "legalEntity": "USRT", "n": 1, "m": 1})
    return container


def query(container: ContainerProxy, sql: str, **options: object) -> list[dict]:
    return list(container.query_items(sql, **options))  # type: ignore[arg-type]


# Fixed by server.js, so that the adapter sees what Cosmos DB would answer.


def test_fixed_a_missing_item_answers_404(items: ContainerProxy) -> None:
    with pytest.raises(CosmosResourceNotFoundError):
        items.read_item("missing", "USRT")


def test_fixed_etags_are_quoted_as_cosmos_writes_them(items: ContainerProxy) -> None:
    etag = items.read_item("a", "USRT")["_etag"]
    assert etag.startswith('"') and etag.endswith('"')
    replaced = items.replace_item(
        "a",
        {"id": "a", "legalEntity": "USRT"},
        etag=etag,
        match_condition=MatchConditions.IfNotModified,
    )
    assert replaced["_etag"] != etag


def test_fixed_batches_take_the_partition_key_from_the_request(items: ContainerProxy) -> None:
    results = items.execute_item_batch(
        [("upsert", ({"id": "b", "legalEntity": "USRT"},)), ("read", ("a",))], "USRT"
    )
    assert [r["statusCode"] for r in results] == [201, 200]


def test_fixed_an_order_by_in_reverse_of_a_composite_index_is_served(
    database: CosmosDatabase, local_server: CosmosTestServer
) -> None:
    """distribution has (startedAt DESC, runId DESC); Cosmos DB serves the reverse too."""
    runs = database.proxy().get_container_client("distribution")
    for run_id, started in [("r1", "t1"), ("r2", "t2"), ("r0", "t1")]:
        runs.create_item({"id": run_id, "jobId": "1040", "startedAt": started, "runId": run_id})
    found = query(
        runs,
        "SELECT c.runId FROM c WHERE c.jobId = '1040' ORDER BY c.startedAt ASC, c.runId ASC",
        partition_key="1040",
    )
    assert [r["runId"] for r in found] == ["r0", "r1", "r2"]
    with pytest.raises(CosmosHttpResponseError):  # mixed directions: no index serves them
        query(
            runs,
            "SELECT c.runId FROM c WHERE c.jobId = '1040' ORDER BY c.startedAt ASC, c.runId DESC",
            partition_key="1040",
        )


def test_fixed_a_query_builds_its_rows_in_linear_time(
    items: ContainerProxy, local_server: CosmosTestServer
) -> None:
    """The library builds a query's rows by copying them once per item (minutes for a search
    container of tens of thousands of items); server.js rewrites that into a linear build.
    Checked by the rewrite being applied and the answer being the same, not by a clock."""
    for start in range(0, 300, 100):
        batch = [
            ("create", ({"id": f"i{n:03d}", "legalEntity": "BULK", "n": n % 10},))
            for n in range(start, start + 100)
        ]
        items.execute_item_batch(batch, "BULK")  # type: ignore[arg-type]
    before = local_server.linear_rewrites()
    found = query(
        items,
        "SELECT c.id FROM c WHERE c.legalEntity = 'BULK' AND c.n = 7 ORDER BY c.id",
        partition_key="BULK",
    )
    assert [f["id"] for f in found] == [f"i{n:03d}" for n in range(7, 300, 10)]
    assert local_server.linear_rewrites() > before


# Gaps the harness leaves as they are: production code must not depend on them.


def test_gap_a_failed_batch_keeps_the_operations_before_the_failure(items: ContainerProxy) -> None:
    with pytest.raises(CosmosBatchOperationError):
        items.execute_item_batch(
            [
                ("create", ({"id": "new", "legalEntity": "USRT"},)),
                ("create", ({"id": "a", "legalEntity": "USRT"},)),
            ],
            "USRT",
        )
    assert items.read_item("new", "USRT")  # Cosmos DB would have rolled this back


def test_gap_a_query_ignores_its_partition_key_argument(items: ContainerProxy) -> None:
    found = query(
        items,
        "SELECT * FROM c WHERE c.legalEntity = 'USRT' OR c.legalEntity = 'DEMF'",
        partition_key="DEMF",
    )
    assert [i["id"] for i in found] == ["a"]  # Cosmos DB would search DEMF only
    with pytest.raises(CosmosHttpResponseError):  # so the key must be in WHERE as well
        query(items, "SELECT * FROM c WHERE c.n = 1", partition_key="USRT")


def test_gap_a_conditional_read_never_answers_not_modified(items: ContainerProxy) -> None:
    etag = items.read_item("a", "USRT")["_etag"]
    again = items.read_item("a", "USRT", etag=etag, match_condition=MatchConditions.IfModified)
    assert again["_etag"] == etag  # Cosmos DB answers 304


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM c OFFSET 0 LIMIT 1",
        "SELECT DISTINCT c.n FROM c",
        "SELECT c.n, COUNT(1) AS k FROM c GROUP BY c.n",
    ],
)
def test_gap_some_query_clauses_are_rejected(items: ContainerProxy, sql: str) -> None:
    with pytest.raises(CosmosHttpResponseError) as rejected:
        query(items, sql, enable_cross_partition_query=True)
    assert rejected.value.status_code == 400


def test_like_cosmos_ordering_by_two_fields_needs_a_composite_index(
    database: CosmosDatabase, local_server: CosmosTestServer
) -> None:
    plain = database.proxy().create_container("plain", PartitionKey("/legalEntity"))
    plain.create_item({"id": "a", "legalEntity": "USRT", "n": 1, "m": 1})
    with pytest.raises(CosmosHttpResponseError):
        query(plain, "SELECT * FROM c ORDER BY c.n, c.m", enable_cross_partition_query=True)
