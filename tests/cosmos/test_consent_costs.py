"""What consent costs on Cosmos DB, request by request (docs/cosmos.md keeps these numbers):
the check before a message is point reads only, an inbound STOP one query in the number's own
partition, never a scan of the customers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from shared.composition import services
from shared.settings import CosmosSettings
from tests.cosmos.harness import CosmosTarget, CosmosTestServer
from tests.support.world import World, pos_path

CONSENT = pos_path("S1", "customers/UC003/consent")
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def store_settings(
    cosmos_target: CosmosTarget, cosmos_database: CosmosSettings, local_server: CosmosTestServer
) -> dict[str, str]:
    """The app on the local Cosmos DB server, whatever --store says."""
    return cosmos_target.app_settings(cosmos_database.database)


def test_consent_operations_cost_point_reads_and_one_partition(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    alice = world.as_staff("alice")
    world.ok(
        world.admin.put(
            "/api/admin/USRT/outreach-settings", json={"outreachEnabled": True, "quietHours": None}
        )
    )
    world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    policy = services().outreach_policy
    assert policy is not None
    capture = {"channel": "sms", "state": "opted-in", "confirmationText": "Yes"}

    # As the send route and the Event Grid function call them: inside one request's look at
    # the published view.
    def refusal() -> Any:
        with services().published.one_request():
            return policy.refusal(
                legal_entity="USRT",
                store_id="S1",
                customer_id="UC003",
                channel="sms",
                now=NOW,
                sent_last_7_days=0,
            )

    def stop() -> Any:
        with services().published.one_request():
            return policy.inbound_sms(
                from_phone="+12065550003",
                to_phone="+18005550100",
                text="STOP",
                received_at=dt.datetime.now(dt.UTC),
            )

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("capture (an imported customer)", lambda: world.ok(alice.post(CONSENT, json=capture))),
        ("read consent", lambda: world.ok(alice.get(CONSENT))),
        ("send check", refusal),
        ("inbound STOP", stop),
    ]
    world.ok(alice.get(CONSENT))  # the first request after a run loads the published view
    before = local_server.request_counts(cosmos_database.database)
    measured = {}
    for name, action in steps:
        action()
        after = local_server.request_counts(cosmos_database.database)
        measured[name] = dict(after - before)
        before = after

    assert measured == {
        # published version; customer twice (exists and not erased, then the store's scope,
        # which reads `books` only for a customer outside the address books); its tombstone;
        # the consent record; its conditional replace
        "capture (an imported customer)": {
            "published read": 1,
            "customers read": 2,
            "books read": 1,
            "consent read": 1,
            "consent replace": 1,
        },
        "read consent": {"published read": 1, "customers read": 1, "consent read": 1},
        # the customer (address and language) and the consent record: point reads only
        "send check": {"published read": 1, "customers read": 1, "consent read": 1},
        # the number's lookup partition; per customer found (here one in each legal entity):
        # its record and a conditional replace; the first customer's language
        "inbound STOP": {
            "published read": 1,
            "consent query": 1,
            "consent read": 2,
            "consent replace": 2,
            "customers read": 1,
        },
    }
