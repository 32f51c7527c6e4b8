"""The embedded store locked by another writer: callers get a 503 problem they can retry,
never a 500, and nothing of the refused request is written."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from shared.composition import services
from tests.support.world import World, customers, pos_path

ACTIVITY = {"activityTypeId": "VISIT", "subject": "Fitting", "startTime": "2026-11-20T15:00:00Z"}


@contextmanager
def locked_for_writes() -> Iterator[None]:
    """Another process's write transaction holds the file; this app waits only briefly."""
    db = services().storage.db
    db.connection().execute("PRAGMA busy_timeout=50")  # requests run on this thread
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _is_retryable_problem(reply) -> bool:
    return (
        reply.status == 503
        and reply.content_type.startswith("application/problem+json")
        and reply.json["type"] == "urn:clienteling:problem:dependency-unavailable"
    )


def test_an_add_refused_by_a_locked_store_is_a_503_and_leaves_no_trace(world: World) -> None:
    alice = world.as_staff("alice")
    path = pos_path("S1", "client-book/customers")
    with locked_for_writes():
        refused = alice.post(path, json={"customerIds": ["UC001", "UC002"]})

    assert _is_retryable_problem(refused), refused
    assert alice.get(path).json["customers"] == []
    assert world.ok(alice.post(path, json={"customerIds": ["UC001", "UC002"]}))["added"]


def test_an_activity_refused_by_a_locked_store_can_be_retried_with_its_key(
    world: World,
) -> None:
    alice = world.as_staff("alice")
    path = pos_path("S1", "customers/UC001/activities")
    key = {"Idempotency-Key": "visit-1"}
    with locked_for_writes():
        refused = alice.post(path, json=ACTIVITY, headers=key)

    assert _is_retryable_problem(refused), refused
    assert alice.get(path).json["activities"] == []
    # The refused attempt left no claim on its key: the retry records the activity, once.
    created = alice.post(path, json=ACTIVITY, headers=key)
    assert created.status == 201, created
    replayed = alice.post(path, json=ACTIVITY, headers=key)
    assert replayed.json["activityId"] == created.json["activityId"]
    assert len(alice.get(path).json["activities"]) == 1


def test_an_import_the_store_refuses_says_what_was_written_and_where_to_resend(
    world: World,
) -> None:
    records = customers("USRT", 3, ["AB1"])
    for record in records:
        record["name"] += " (renamed)"  # changed, so the import has something to write
    with locked_for_writes():
        refused = world.admin.post("/api/admin/USRT/import/customers", json=records)

    assert _is_retryable_problem(refused), refused
    report = refused.json["report"]
    assert (report["received"], report["written"], report["stoppedAt"]) == (3, 0, 0)
    resent = world.ok(world.admin.post("/api/admin/USRT/import/customers", json=records))
    assert resent["written"] == 3


@contextmanager
def failing_customer_writes(customer_id: str) -> Iterator[None]:
    """A fault the store does not classify (a constraint nobody expects) on one customer."""
    db = services().storage.db
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute(
        "CREATE TRIGGER fail_one BEFORE UPDATE ON customers"
        f" WHEN NEW.customer_id = '{customer_id}' BEGIN SELECT RAISE(ABORT, 'unforeseen'); END"
    )
    try:
        yield
    finally:
        other.execute("DROP TRIGGER fail_one")
        other.close()


def test_an_import_chunk_failing_unexpectedly_still_says_what_was_written(world: World) -> None:
    records = customers("USRT", 1500, ["AB1"])
    for record in records:
        del record["attributes"]
    assert world.admin.post("/api/admin/USRT/import/customers", json=records).status == 200
    for record in records:
        record["name"] += " (renamed)"  # changed, so every chunk has something to write
    with failing_customer_writes(records[1200]["customerId"]):
        failed = world.admin.post("/api/admin/USRT/import/customers", json=records)

    assert failed.status == 500, failed
    assert failed.content_type.startswith("application/problem+json")
    assert failed.json["type"] == "urn:clienteling:problem:import-interrupted"
    report = failed.json["report"]
    assert (report["received"], report["written"], report["stoppedAt"]) == (1500, 1000, 1000)
    stored = services().storage.customers
    assert stored.get("USRT", records[999]["customerId"]).body["name"].endswith("(renamed)")
    assert not stored.get("USRT", records[1200]["customerId"]).body["name"].endswith("(renamed)")
