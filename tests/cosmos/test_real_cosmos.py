"""Behaviour the local server cannot show: run against a real account or the emulator by
setting COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY (and COSMOS_TEST_CA_BUNDLE for the
emulator's certificate). Other repositories rely on these guarantees."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.book_tally import tally_id
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.notes import revision_item_id
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.book_filters import BookFilters
from shared.domain.errors import Conflict, PreconditionFailed
from shared.domain.notes import Authoring, delete_note, edit_note, new_note
from shared.ports.activities import CustomerKey
from shared.ports.client_books import BookScope, HeldElsewhere
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
    container = database.container("books")
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
    container = database.container("books")
    container.create({"id": "a", "legalEntity": "USRT"})
    found = container.query(
        "SELECT * FROM c WHERE c.legalEntity = 'USRT' OR c.legalEntity = 'DEMF'",
        partition_key="DEMF",
    )
    assert list(found) == []


def test_a_note_edit_or_deletion_whose_revision_cannot_be_kept_changes_nothing(
    cosmos_storage: CosmosStorage, database: CosmosDatabase
) -> None:
    """The note and its revision are one batch: no edit ever loses the text it replaced."""
    customer = CustomerKey("USRT", "UC001")
    at = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    note = cosmos_storage.notes.add(
        new_note("first", Authoring("USRT", "UC001", "N1", "alice", "Alice", "S1", at))
    )
    # A revision 1 already in the way makes the batch's second operation fail.
    database.container("activities").create(
        {"id": revision_item_id("N1", 1), "customerKey": customer.partition_key, "type": "x"}
    )
    second, kept = edit_note(note, "second", "alice", "r1", at)
    with pytest.raises(PreconditionFailed):
        cosmos_storage.notes.replace(second, 1, kept)
    with pytest.raises(PreconditionFailed):
        cosmos_storage.notes.delete(customer, "N1", delete_note(note, "alice", "r1", at))
    assert cosmos_storage.notes.get(customer, "N1") == note


def test_a_refused_add_to_a_client_book_adds_nobody(
    cosmos_storage: CosmosStorage, database: CosmosDatabase
) -> None:
    cosmos_storage.customers.upsert_many(
        "USRT",
        [{"customerId": c, "name": c, "addressBooks": ["AB1"]} for c in ("C1", "C2", "C3")],
    )
    books = cosmos_storage.client_books
    books.add_to_book("USRT", "alice", ["C2"], True, str, "2026-01-05T10:00:00.000Z")
    with pytest.raises(HeldElsewhere):
        # C1 is created before C2 is refused: the batch undoes it.
        books.add_to_book("USRT", "bob", ["C1", "C2", "C3"], True, str, "2026-01-05T10:00:00.000Z")
    assert books.holdings_of("USRT", ["C1", "C3"]) == []
    # The book's tally opened the batch: it is undone with it.
    summary = books.summarize_book(BookScope("USRT", ("bob",)), BookFilters(), [])
    assert summary.total_count == 0
    tally = database.container("books").read(tally_id("bob"), "USRT")
    assert tally is None or tally["members"] == 0
