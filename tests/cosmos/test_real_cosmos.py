"""Behaviour the local server cannot show: run against a real account or the emulator by
setting COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY (and COSMOS_TEST_CA_BUNDLE for the
emulator's certificate). Other repositories rely on these guarantees."""

from __future__ import annotations

import pytest

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.database import CosmosDatabase
from shared.domain.errors import Conflict
from tests.cosmos.harness import CosmosTarget

pytestmark = pytest.mark.real_cosmos


@pytest.fixture(autouse=True)
def real_account(cosmos_target: CosmosTarget) -> None:
    if not cosmos_target.is_real:
        pytest.skip(
            "needs a real Cosmos DB account or the emulator: set COSMOS_TEST_ENDPOINT and"
            " COSMOS_TEST_KEY (the local test server's batches are not atomic)"
        )


def test_a_batch_with_one_failing_operation_changes_nothing(database: CosmosDatabase) -> None:
    container = database.container("memberships")
    container.create({"id": "held", "legalEntity": "USRT"})
    with pytest.raises(Conflict) as refused:
        container.batch(
            "USRT",
            [
                batches.create({"id": "new", "legalEntity": "USRT"}),
                batches.create({"id": "held", "legalEntity": "USRT"}),
            ],
        )
    assert refused.value.batch_index == 1  # type: ignore[attr-defined]
    assert container.read("new", "USRT") is None


def test_a_query_with_a_partition_key_sees_only_that_partition(database: CosmosDatabase) -> None:
    container = database.container("memberships")
    container.create({"id": "a", "legalEntity": "USRT"})
    found = container.query(
        "SELECT * FROM c WHERE c.legalEntity = 'USRT' OR c.legalEntity = 'DEMF'",
        partition_key="DEMF",
    )
    assert list(found) == []
