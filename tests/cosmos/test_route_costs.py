"""What the activity and note routes cost in Cosmos DB requests, end to end through the app.

The storage operations' own costs are in test_request_costs.py. A route adds its checks: the
caller's store access asks the published view (a point read of the published version, with
the default PUBLISHED_VERSION_CHECK_SECONDS=0), the customer must exist (a point read), a
write reads the customer's tombstone (a point read), and the activity routes ask the
published view once more for the activity types. A replayed retry answers before any of the
work. docs/cosmos.md states the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shared.settings import CosmosSettings
from tests.cosmos.harness import CosmosTarget, CosmosTestServer
from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.world import World

TIMELINE = activities_path("S1", "UC001")
NOTES = notes_path("S1", "UC001")
ACCESS = {"published read": 1}
KEY = {"Idempotency-Key": "retry-1"}
CHECKS = {"customers read": 1, "published read": 2}  # access + customer + activity types
# A write also asks whether the customer was erased: a point read of their tombstone.
WRITE_CHECKS = {**CHECKS, "memberships read": 1}
# A client-book route asks the published view for store access and for the legal entity's
# clienteling parameters: a point read of the published version each.
SEARCH_CHECKS = {"published read": 2}


@pytest.fixture
def store_settings(
    cosmos_target: CosmosTarget, cosmos_database: CosmosSettings, local_server: CosmosTestServer
) -> dict[str, str]:
    """The app on the local Cosmos DB server, whatever --store says."""
    return cosmos_target.app_settings(cosmos_database.database)


def test_each_route_costs_its_checks_plus_one_request_per_page_or_write(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    alice = world.as_staff("alice")
    for n in range(6):
        world.ok(alice.post(TIMELINE, json=activity_body(subject=f"#{n}")), 201)
        world.ok(alice.post(NOTES, json={"text": f"note {n}"}), 201)
    page = world.ok(alice.get(TIMELINE, params={"pageSize": 5}))
    token = page["continuationToken"]

    def call(send: Callable[[], Any], status: int = 200) -> Callable[[], Any]:
        return lambda: world.ok(send(), status)

    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        (
            "timeline page",
            call(lambda: alice.get(TIMELINE, params={"pageSize": 5})),
            {**CHECKS, "activities query": 1},
        ),
        (
            "timeline page with a continuation token",
            call(lambda: alice.get(TIMELINE, params={"pageSize": 5, "continuationToken": token})),
            {**CHECKS, "activities query": 1},
        ),
        (
            "record an activity",
            call(lambda: alice.post(TIMELINE, json=activity_body()), 201),
            {**WRITE_CHECKS, "activities create": 1},
        ),
        (
            "record an activity with Idempotency-Key",
            call(lambda: alice.post(TIMELINE, json=activity_body(), headers=KEY), 201),
            {
                **WRITE_CHECKS,
                "activities create": 1,
                "idempotency create": 1,
                "idempotency patch": 1,
            },
        ),
        (
            "the same request again (replayed)",
            call(lambda: alice.post(TIMELINE, json=activity_body(), headers=KEY), 201),
            {**ACCESS, "idempotency create": 1, "idempotency read": 1},
        ),
        (
            "notes page",
            call(lambda: alice.get(NOTES, params={"pageSize": 5})),
            {**ACCESS, "customers read": 1, "activities query": 1},
        ),
    ]
    before = local_server.request_counts(cosmos_database.database)
    measured = {}
    for name, action, _ in expected:
        action()
        after = local_server.request_counts(cosmos_database.database)
        measured[name] = dict(after - before)
        before = after
    assert measured == {name: counts for name, _, counts in expected}


def test_a_customer_search_reads_the_stores_key_partitions_and_never_the_customers(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    """Whatever the number of customers: the key page and the cards of each address book of
    the store, then the hits' holders (one memberships query)."""
    alice, carol = world.as_staff("alice"), world.as_staff("carol")
    path = "/api/stores/{}/customers"
    first = world.ok(alice.get(path.format("S1"), params={"search": "customer", "pageSize": 5}))
    token = first["continuationToken"]
    expected: list[tuple[str, Callable[[], Any], dict[str, int]]] = [
        (
            "search, a store of one address book",
            lambda: alice.get(path.format("S1"), params={"search": "customer", "pageSize": 5}),
            {**SEARCH_CHECKS, "search query": 2, "memberships query": 1},
        ),
        (
            "the next page",
            lambda: alice.get(
                path.format("S1"),
                params={"search": "customer", "pageSize": 5, "continuationToken": token},
            ),
            {**SEARCH_CHECKS, "search query": 2, "memberships query": 1},
        ),
        (
            "search, a store of two address books",
            lambda: carol.get(path.format("S2"), params={"search": "customer 01", "pageSize": 5}),
            # a key query and a card query in each book (AB1, AB2)
            {**SEARCH_CHECKS, "search query": 4, "memberships query": 1},
        ),
        (
            "a word no customer has",
            lambda: alice.get(path.format("S1"), params={"search": "zyxwv"}),
            {**SEARCH_CHECKS, "search query": 1},  # no hits: no cards, no holders to read
        ),
    ]
    before = local_server.request_counts(cosmos_database.database)
    measured = {}
    for name, action, _ in expected:
        world.ok(action())
        after = local_server.request_counts(cosmos_database.database)
        measured[name] = dict(after - before)
        before = after
    assert measured == {name: counts for name, _, counts in expected}
