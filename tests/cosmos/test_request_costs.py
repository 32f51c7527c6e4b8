"""How many Cosmos DB requests each storage operation costs, counted by the test server.

The table in docs/cosmos.md states the same numbers; a change of cost shows up here first.
Counts are for a warm process (the shared client and its container routing already known).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from shared.adapters.cosmos.storage import CosmosStorage
from shared.domain.activities import Activity, TimelineFilter, TimelineOrder, TimelinePosition
from shared.domain.notes import Authoring, NotePosition, delete_note, edit_note, new_note
from shared.domain.secret_expiry import AlertState
from shared.ports.activities import CustomerKey
from shared.ports.distribution import DistributionRun
from shared.ports.documents import PublishedDocument
from shared.ports.idempotency import IdempotencyRecord
from tests.cosmos.harness import CosmosTestServer


def cost(server: CosmosTestServer, database: str, operation: Callable[[], Any]) -> Counter[str]:
    before = server.request_counts(database)
    operation()
    return server.request_counts(database) - before


def published(doc_id: str, **body: object) -> PublishedDocument:
    return PublishedDocument("USRT", "store", doc_id, dict(body))


def test_each_operation_costs_what_the_documentation_says(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    store, db = cosmos_storage, cosmos_storage.database.name
    hq, pub, dist, customers = (
        store.headquarters,
        store.published,
        store.distribution,
        store.customers,
    )
    # Warm up: the first write also creates the change sequence and the published version.
    hq.put("USRT", "store", "S0", {})
    pub.publish([published("S0")])
    staff = [(f"P{n}", {"n": n}) for n in range(250)]
    people = [{"customerId": f"C{n}", "name": f"N{n}"} for n in range(20)]
    run = DistributionRun("r1", "1040", "2026-01-01T00:00:00.000Z", "timer")

    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        ("hq get", lambda: hq.get("USRT", "store", "S1"), {"headquarters read": 1}),
        (
            "hq put",
            lambda: hq.put("USRT", "store", "S1", {}),
            {"headquarters replace": 1, "headquarters upsert": 1, "headquarters patch": 1},
        ),
        ("hq list", lambda: hq.list("USRT", "store"), {"headquarters query": 1}),
        (
            "hq upsert_many of 250 new",
            lambda: hq.upsert_many("USRT", "staff", staff),
            {
                "headquarters query": 1,
                "headquarters replace": 1,
                "headquarters batch": 3,
                "headquarters patch": 1,
            },
        ),
        (
            "hq upsert_many of 250 unchanged",
            lambda: hq.upsert_many("USRT", "staff", staff),
            {"headquarters query": 1},
        ),
        (
            "hq changed_since",
            lambda: hq.changed_since(["store"], 0, 500),
            {"headquarters read": 1, "headquarters query": 1},
        ),
        (
            "hq exists_elsewhere",
            lambda: hq.exists_elsewhere("DEMF", "store", ["S1"]),
            {"headquarters query": 1},
        ),
        ("published version", pub.version, {"published read": 1}),
        (
            "publish 3 changed",
            lambda: pub.publish([published(f"S{n}", v=1) for n in range(3)]),
            {"published query": 1, "published batch": 1, "published patch": 1},
        ),
        (
            "publish 3 unchanged",
            lambda: pub.publish([published(f"S{n}", v=1) for n in range(3)]),
            {"published query": 1},
        ),
        (
            "published load_all",
            lambda: list(pub.load_all()[1]),
            {"published read": 1, "published query": 1},
        ),
        ("watermark", lambda: dist.watermark("1040"), {"distribution read": 1}),
        ("set_watermark", lambda: dist.set_watermark("1040", 3), {"distribution upsert": 1}),
        (
            "acquire_lease",
            lambda: dist.acquire_lease("1040", "a", 1.0, 60),
            {"distribution read": 1, "distribution create": 1},
        ),
        (
            "release_lease",
            lambda: dist.release_lease("1040", "a"),
            {"distribution read": 1, "distribution delete": 1},
        ),
        ("save_run", lambda: dist.save_run(run), {"distribution upsert": 1}),
        ("runs", lambda: dist.runs("1040", 50), {"distribution query": 1}),
        (
            "customers upsert_many of 20 new",
            lambda: customers.upsert_many("USRT", people),
            {"customers query": 1, "customers upsert": 20},
        ),
        (
            "customers upsert_many of 20 unchanged",
            lambda: customers.upsert_many("USRT", people),
            {"customers query": 1},
        ),
        ("customer get", lambda: customers.get("USRT", "C1"), {"customers read": 1}),
        ("customer count", lambda: customers.count("USRT"), {"customers query": 1}),
    ]
    measured = {name: dict(cost(local_server, db, action)) for name, action, _ in expected}
    assert measured == {name: counts for name, _, counts in expected}


UC001 = CustomerKey("USRT", "UC001")
DAY = "2024-05-01T10:00:00.000Z"
LATER = "2024-05-02T10:00:00.000Z"
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def activity(n: int) -> Activity:
    return Activity(
        "USRT", "UC001", f"a{n:04d}", "VISIT" if n % 2 else "CALL", "Visit", f"#{n}",
        DAY, None, None, None, None, "alice", "Alice", "S1", DAY,
    )  # fmt: skip


def test_customer_records_cost_one_request_per_page_and_per_write(
    cosmos_storage: CosmosStorage, local_server: CosmosTestServer
) -> None:
    store, db = cosmos_storage, cosmos_storage.database.name
    activities, notes, keys = store.activities, store.notes, store.idempotency
    for n in range(12):
        activities.add(activity(n))
    first = notes.add(new_note("first", Authoring("USRT", "UC001", "N1", "alice", "A", "S1", NOW)))
    second, kept = edit_note(first, "second", "alice", "r1", NOW)
    notes.add(new_note("other", Authoring("USRT", "UC001", "N2", "alice", "A", "S1", NOW)))
    other = notes.get(UC001, "N2")
    assert other is not None
    reservation = IdempotencyRecord("alice POST /x", "k1", "fp", "a0100", DAY, LATER)
    keys.reserve(IdempotencyRecord("alice POST /x", "k0", "fp", "a0099", DAY, LATER), DAY)
    position = TimelinePosition(DAY, "a0009")

    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        (
            "timeline page",
            lambda: activities.timeline(UC001, TimelineFilter(), None, 10),
            {"activities query": 1},
        ),
        (
            "timeline page of one type, after a position",
            lambda: activities.timeline(
                UC001, TimelineFilter(activity_type_id="CALL"), position, 5
            ),
            {"activities query": 1},
        ),
        (
            "upcoming page",
            lambda: activities.timeline(
                UC001, TimelineFilter(TimelineOrder.SOONEST_FIRST, start_from=DAY), None, 10
            ),
            {"activities query": 1},
        ),
        ("record an activity", lambda: activities.add(activity(100)), {"activities create": 1}),
        (
            "record an activity again (a retry)",
            lambda: activities.add(activity(100)),
            {"activities create": 1, "activities read": 1},
        ),
        ("notes page", lambda: notes.page(UC001, None, 10), {"activities query": 1}),
        (
            "notes page after a position",
            lambda: notes.page(UC001, NotePosition(first.created_at, "N2"), 10),
            {"activities query": 1},
        ),
        ("note get", lambda: notes.get(UC001, "N1"), {"activities read": 1}),
        (
            "note add",
            lambda: notes.add(new_note("x", Authoring("USRT", "UC001", "N3", "a", "A", "S1", NOW))),
            {"activities create": 1},
        ),
        (
            "note edit",
            lambda: notes.replace(second, 1, kept),
            {"activities read": 1, "activities batch": 1},
        ),
        (
            "note delete",
            lambda: notes.delete(UC001, "N2", delete_note(other, "alice", "r1", NOW)),
            {"activities read": 1, "activities batch": 1},
        ),
        (
            "note history page",
            lambda: notes.history(UC001, "N1", None, 10),
            {"activities query": 1},
        ),
        (
            "idempotency reserve, new key",
            lambda: keys.reserve(reservation, DAY),
            {"idempotency create": 1},
        ),
        (
            "idempotency reserve, held key",
            lambda: keys.reserve(reservation, DAY),
            {"idempotency create": 1, "idempotency read": 1},
        ),
        (
            "idempotency complete",
            lambda: keys.complete("alice POST /x", "k1", 201, {"id": "a0100"}),
            {"idempotency patch": 1},
        ),
        (
            "idempotency release",
            lambda: keys.release("alice POST /x", "k0", "a0099"),
            {"idempotency read": 1, "idempotency delete": 1},
        ),
        (
            "alert state save",
            lambda: store.alert_state.save("kv/secret", AlertState("healthy", NOW)),
            {"operations upsert": 1},
        ),
        ("alert state load", lambda: store.alert_state.load("kv/secret"), {"operations read": 1}),
    ]
    measured = {name: dict(cost(local_server, db, action)) for name, action, _ in expected}
    assert measured == {name: counts for name, _, counts in expected}
