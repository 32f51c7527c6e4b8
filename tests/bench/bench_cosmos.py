"""Cosmos DB adapter on the local test server: requests per storage operation, p50 and p95.

    make bench BENCH=cosmos

The request counts are what a real account would receive (the test server counts what it
serves). The times are the SDK plus a Node.js server on this machine: they show the client
side's own cost and compare operations with each other, not Azure's latency, which adds a
network round trip (about 1-10 ms within a region) per request.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.adapters.cosmos.client import ClientConfig, close_clients
from shared.adapters.cosmos.database import CosmosDatabase
from shared.adapters.cosmos.provisioning import drop, provision
from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.activities import Activity, TimelineFilter, TimelinePosition
from shared.domain.notes import Authoring, new_note
from shared.ports.activities import CustomerKey
from shared.ports.documents import PublishedDocument
from shared.ports.idempotency import IdempotencyRecord
from tests.bench.measure import Result, measure, print_table
from tests.cosmos.harness import CosmosTestServer, unavailable_reason

STORES, STAFF, CUSTOMERS = 200, 500, 1000
# One customer with a long history, the case keyset paging is for.
ACTIVITIES, NOTES = 2000, 200
BUSY = CustomerKey("USRT", "C00001")
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def _seed(storage: CosmosStorage) -> None:
    hq = storage.headquarters
    hq.upsert_many(
        "USRT", "store", [(f"S{n:03d}", {"storeId": f"S{n:03d}"}) for n in range(STORES)]
    )
    hq.upsert_many("USRT", "staff", [(f"P{n:03d}", {"staffId": f"P{n:03d}"}) for n in range(STAFF)])
    storage.published.publish(
        [
            PublishedDocument(d.legal_entity, d.kind, d.doc_id, d.body)
            for kind in ("store", "staff")
            for d in hq.list("USRT", kind)
        ]
    )
    storage.customers.upsert_many("USRT", [_customer(n, 0) for n in range(CUSTOMERS)])
    for n in range(ACTIVITIES):
        storage.activities.add(_activity(n, ("VISIT", "CALL", "EMAIL")[n % 3]))
    for n in range(NOTES):
        at = NOW + dt.timedelta(minutes=n)
        authoring = Authoring("USRT", BUSY.customer_id, f"N{n:04d}", "alice", "A", "S001", at)
        storage.notes.add(new_note(f"note {n}", authoring))


def _activity(n: int, type_id: str) -> Activity:
    """The busy customer's activities, on 400 distinct days: pages cross runs of ties."""
    start = (NOW - dt.timedelta(days=n % 400)).strftime("%Y-%m-%dT10:00:00.000Z")
    return Activity(
        "USRT", BUSY.customer_id, f"{n:07d}", type_id, "Visit", "Tried on the spring collection",
        start, None, None, None, None, "alice", "Alice Archer", "S001", start,
    )  # fmt: skip


def _customer(n: int, version: int) -> dict[str, Any]:
    return {
        "customerId": f"C{n:05d}",
        "name": f"Customer {n}",
        "addressBooks": ["AB1"],
        "attributes": {"visits": version},
    }


def _operations(storage: CosmosStorage) -> list[tuple[str, Callable[[int], Any], int]]:
    """(name, action(i), runs): cheap operations run more often than bulk ones."""
    hq, pub = storage.headquarters, storage.published
    dist, customers = storage.distribution, storage.customers
    etag = [hq.put("USRT", "parameters", "current", {"run": -1}).etag]
    dist.set_watermark("1040", 1)

    def put_if_match(i: int) -> None:
        etag[0] = hq.put("USRT", "parameters", "current", {"run": i}, if_match=etag[0]).etag

    def lease(i: int) -> None:
        dist.acquire_lease("1040", f"run-{i}", float(i), 60)
        dist.release_lease("1040", f"run-{i}")

    middle = TimelinePosition("2024-01-01T10:00:00.000Z", "")
    recorded = iter(range(10**6, 2 * 10**6))

    def record_with_key(i: int) -> None:
        """What POST .../activities with an Idempotency-Key asks of the store."""
        activity = _activity(next(recorded), "VISIT")
        key, now, expires = f"k{i}", "2024-06-01T00:00:00.000Z", "2024-06-02T00:00:00.000Z"
        reservation = IdempotencyRecord("alice", key, "fp", activity.activity_id, now, expires)
        storage.idempotency.reserve(reservation, now)
        storage.activities.add(activity)
        storage.idempotency.complete("alice", key, 201, {"activityId": activity.activity_id})

    return [
        ("headquarters get (point read)", lambda i: hq.get("USRT", "store", "S001"), 300),
        ("headquarters put", lambda i: hq.put("USRT", "store", "S001", {"run": i}), 200),
        ("headquarters put with If-Match", put_if_match, 200),
        (f"headquarters list ({STORES} stores)", lambda i: hq.list("USRT", "store"), 100),
        (
            "headquarters upsert_many, 100 changed",
            lambda i: hq.upsert_many(
                "USRT", "staff", [(f"P{n:03d}", {"run": i}) for n in range(100)]
            ),
            30,
        ),
        (
            "headquarters upsert_many, 100 unchanged",
            lambda i: hq.upsert_many(
                "USRT", "store", [(f"S{n:03d}", {"storeId": f"S{n:03d}"}) for n in range(100, 200)]
            ),
            100,
        ),
        (
            "headquarters changed_since (limit 500)",
            lambda i: hq.changed_since(["store", "staff"], 0, 500),
            50,
        ),
        (
            "headquarters exists_elsewhere (1 id)",
            lambda i: hq.exists_elsewhere("DEMF", "store", ["S001"]),
            200,
        ),
        ("published version (every POS request)", lambda i: pub.version(), 300),
        (
            "publish 50, all changed",
            lambda i: pub.publish(
                [PublishedDocument("USRT", "store", f"S{n:03d}", {"run": i}) for n in range(50)]
            ),
            30,
        ),
        (
            "publish 50, none changed",
            lambda i: pub.publish(
                [
                    PublishedDocument("USRT", "staff", f"P{n:03d}", {"staffId": f"P{n:03d}"})
                    for n in range(50)
                ]
            ),
            100,
        ),
        (f"published load_all ({STORES + STAFF} documents)", lambda i: list(pub.load_all()[1]), 30),
        ("distribution lease taken and released", lease, 200),
        ("distribution watermark", lambda i: dist.watermark("1040"), 300),
        ("customer get (point read)", lambda i: customers.get("USRT", "C00001"), 300),
        (
            "customers upsert_many, 100 changed",
            lambda i: customers.upsert_many("USRT", [_customer(n, i + 1) for n in range(100)]),
            20,
        ),
        (
            "customers upsert_many, 100 unchanged",
            lambda i: customers.upsert_many("USRT", [_customer(n, 0) for n in range(100, 200)]),
            100,
        ),
        (f"customers count ({CUSTOMERS})", lambda i: customers.count("USRT"), 100),
        (
            f"timeline page of 50 ({ACTIVITIES} activities)",
            lambda i: storage.activities.timeline(BUSY, TimelineFilter(), None, 50),
            100,
        ),
        (
            "timeline page of 50, deep in the history",
            lambda i: storage.activities.timeline(BUSY, TimelineFilter(), middle, 50),
            100,
        ),
        (
            "timeline page of 50, one type",
            lambda i: storage.activities.timeline(
                BUSY, TimelineFilter(activity_type_id="EMAIL"), None, 50
            ),
            100,
        ),
        (
            "record an activity",
            lambda i: storage.activities.add(_activity(next(recorded), "CALL")),
            200,
        ),
        ("record an activity with Idempotency-Key", record_with_key, 200),
        (
            f"notes page of 50 ({NOTES} notes)",
            lambda i: storage.notes.page(BUSY, None, 50),
            100,
        ),
    ]


def _requests_note(counts: Counter[str], calls: int) -> str:
    total = sum(counts.values()) / calls
    parts = ", ".join(f"{name} {n / calls:g}" for name, n in sorted(counts.items()))
    return f"{total:g} request{'' if total == 1 else 's'}: {parts}"


def run(server: CosmosTestServer) -> list[Result]:
    settings = server.cosmos_settings(f"bench-{uuid.uuid4().hex[:8]}")
    provision(settings)
    try:
        storage = CosmosStorage(
            CosmosDatabase(ClientConfig.from_settings(settings), settings.database)
        )
        _seed(storage)
        results = []
        for name, action, runs in _operations(storage):
            warmup = max(3, runs // 20)
            before = server.request_counts(settings.database)
            result = measure(name, action, runs=runs, warmup=warmup)
            spent = server.request_counts(settings.database) - before
            result.note = _requests_note(spent, runs + warmup)
            results.append(result)
        return results
    finally:
        drop(settings)


def main() -> None:
    reason = unavailable_reason()
    if reason is not None:
        print(f"\n## Cosmos DB adapter (local server)\n\nnot measured: {reason}")
        return
    with tempfile.TemporaryDirectory() as workdir:
        server = CosmosTestServer(Path(workdir)).start()
        try:
            results = run(server)
        finally:
            close_clients()
            server.stop()
    print_table("Cosmos DB adapter (local server)", results)
