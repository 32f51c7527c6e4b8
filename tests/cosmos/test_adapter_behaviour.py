"""What only the Cosmos adapter has to get right: change numbers across partitions, errors
and timeouts at its edge, the shared client, provisioning from the layout, bulk chunking."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from shared.adapters.cosmos import customers as cosmos_customers
from shared.adapters.cosmos import documents as cosmos_documents
from shared.adapters.cosmos.client import ClientConfig, cosmos_client
from shared.adapters.cosmos.containers import LAYOUT
from shared.adapters.cosmos.counters import (
    PENDING_EXPIRY_SECONDS,
    WRITE_BUDGET_SECONDS,
    Allocation,
    ChangeSequence,
)
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.documents import CosmosHeadquartersDocuments
from shared.adapters.cosmos.provisioning import provision
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.errors import DependencyUnavailable
from shared.ports.documents import PublishedDocument
from shared.settings import CosmosSettings, Settings, SettingsError
from tests.cosmos.harness import CosmosTestServer, write_certificate


def test_a_write_still_in_flight_holds_readers_below_its_change_number(
    database: CosmosDatabase,
) -> None:
    container = database.container("headquarters")
    hq = CosmosHeadquartersDocuments(container, ChangeSequence(container))
    slow_writer = ChangeSequence(container)
    with slow_writer.reserved(1) as taken:
        fast = hq.put("USRT", "store", "FAST", {})  # a later number, written first
        assert fast.change_seq > taken.first
        assert hq.changed_since(["store"], 0, 10) == []  # FAST must wait for the slow one
        container.upsert(
            CosmosHeadquartersDocuments._item("USRT", "store", "SLOW", {}, taken.first)
        )
    assert [d.doc_id for d in hq.changed_since(["store"], 0, 10)] == ["SLOW", "FAST"]


def test_an_abandoned_allocation_stops_holding_readers_once_it_expires(
    database: CosmosDatabase,
) -> None:
    container = database.container("headquarters")
    now = [1_000_000.0]
    clocked = ChangeSequence(container, clock=lambda: now[0])
    hq = CosmosHeadquartersDocuments(container, clocked, clock=lambda: now[0])
    clocked.allocate(1)  # a writer that died before it wrote or released
    hq.put("USRT", "store", "S1", {})
    assert hq.changed_since(["store"], 0, 10) == []
    now[0] += PENDING_EXPIRY_SECONDS + 1
    assert [d.doc_id for d in hq.changed_since(["store"], 0, 10)] == ["S1"]


def test_a_writer_past_its_time_budget_does_not_write() -> None:
    taken = Allocation("token", 5, 9, taken_at=100.0)
    taken.check(now=100.0 + WRITE_BUDGET_SECONDS)
    with pytest.raises(DependencyUnavailable):
        taken.check(now=100.0 + WRITE_BUDGET_SECONDS + 1)
    assert list(taken.numbers()) == [5, 6, 7, 8, 9]


def test_bulk_writes_cross_chunk_boundaries_without_losing_or_repeating_any(
    cosmos_storage: CosmosStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cosmos_documents, "CHUNK_SIZE", 7)
    monkeypatch.setattr(cosmos_documents, "LOOKUP_CHUNK", 3)
    monkeypatch.setattr(cosmos_customers, "CHUNK_SIZE", 4)
    hq = cosmos_storage.headquarters
    assert hq.upsert_many("USRT", "store", [(f"S{n:02d}", {"n": n}) for n in range(20)]) == 20
    assert hq.upsert_many("USRT", "store", [(f"S{n:02d}", {"n": n % 10}) for n in range(20)]) == 10
    assert len({d.change_seq for d in hq.list("USRT", "store")}) == 20
    assert hq.exists_elsewhere("DEMF", "store", [f"S{n:02d}" for n in range(25)]) == {
        f"S{n:02d}" for n in range(20)
    }
    people = [{"customerId": f"C{n}", "name": f"N{n}"} for n in range(10)]
    assert cosmos_storage.customers.upsert_many("USRT", people) == 10
    assert cosmos_storage.customers.upsert_many("USRT", people) == 0
    published = [PublishedDocument("USRT", "store", f"S{n}", {}) for n in range(15)]
    assert cosmos_storage.published.publish(published) == 15


def test_throttled_batches_are_sent_again_and_finally_reported_unavailable(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    db = cosmos_storage.database.name
    local_server.inject_fault(db, "batch", 429, times=3)
    assert cosmos_storage.published.publish([PublishedDocument("USRT", "store", "S1", {})]) == 1
    local_server.inject_fault(db, "batch", 429, times=1000)
    with pytest.raises(DependencyUnavailable):
        cosmos_storage.published.publish([PublishedDocument("USRT", "store", "S2", {})])
    assert cosmos_storage.published.version() == 1  # the failed publish moved nothing


def test_an_unavailable_partition_is_reported_as_unavailable(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    local_server.inject_fault(cosmos_storage.database.name, "read", 503, times=1000)
    with pytest.raises(DependencyUnavailable):
        cosmos_storage.headquarters.get("USRT", "store", "S1")


def test_a_server_that_stops_answering_fails_the_call_within_its_timeout(
    cosmos_database: CosmosSettings, local_server: CosmosTestServer
) -> None:
    config = ClientConfig.from_settings(cosmos_database)
    quick = ClientConfig(config.endpoint, config.key, config.ca_bundle, timeout_seconds=1)
    store = CosmosStorage(CosmosDatabase(quick, cosmos_database.database))
    store.ping()  # the client exists and knows the account before the server freezes
    with local_server.paused():
        started = time.monotonic()
        with pytest.raises(DependencyUnavailable):
            store.headquarters.get("USRT", "store", "S1")
        assert time.monotonic() - started < 3


def test_a_server_whose_certificate_we_do_not_trust_is_refused(
    cosmos_database: CosmosSettings, tmp_path: Path
) -> None:
    stranger, _ = write_certificate(tmp_path)
    config = ClientConfig.from_settings(cosmos_database)
    wary = ClientConfig(config.endpoint, config.key, str(stranger), config.timeout_seconds)
    with pytest.raises(DependencyUnavailable):
        CosmosStorage(CosmosDatabase(wary, cosmos_database.database)).ping()


def test_the_store_is_built_without_a_connection_and_fails_calls_plainly() -> None:
    settings = Settings.from_env(
        {
            "STORE_KIND": "cosmos",
            "COSMOS_ENDPOINT": "https://127.0.0.1:9/",
            "COSMOS_KEY": "a2V5",
            "COSMOS_TIMEOUT_SECONDS": "2",
        }
    )
    store = CosmosStorage.from_settings(settings)  # no I/O here
    with pytest.raises(DependencyUnavailable):
        store.headquarters.get("USRT", "store", "S1")
    with pytest.raises(DependencyUnavailable):
        store.ping()


def test_a_key_that_is_not_an_account_key_is_named_as_the_bad_setting() -> None:
    settings = CosmosSettings("https://127.0.0.1:9/", "db", "not a key!", 2)
    with pytest.raises(SettingsError) as refused:
        ClientConfig.from_settings(settings)
    assert refused.value.setting == "COSMOS_KEY"


def test_one_client_serves_every_store_of_an_account(cosmos_database: CosmosSettings) -> None:
    config = ClientConfig.from_settings(cosmos_database)
    assert cosmos_client(config) is cosmos_client(ClientConfig.from_settings(cosmos_database))


def test_containers_are_named_only_by_the_layout(database: CosmosDatabase) -> None:
    assert database.container("headquarters") is database.container("headquarters")
    with pytest.raises(KeyError):
        database.container("headquarter")


def test_provisioning_follows_the_layout_and_can_run_again(
    cosmos_database: CosmosSettings, database: CosmosDatabase
) -> None:
    assert provision(cosmos_database) == [spec.name for spec in LAYOUT.containers]
    for spec in LAYOUT.containers:
        properties = database.proxy().get_container_client(spec.name).read()
        assert properties["partitionKey"]["paths"] == [spec.partition_key]
        policy = properties["indexingPolicy"]
        assert policy["compositeIndexes"] == spec.indexing_policy()["compositeIndexes"]
