"""Consent changes at the same moment (an associate's capture, a STOP by SMS, the unsubscribe
link) all land: each is a conditional write of the customer's record, retried on a race."""

from __future__ import annotations

import datetime as dt

from shared.composition import services
from shared.services.unsubscribe_links import UnsubscribeTarget
from tests.support.concurrency import race
from tests.support.world import World, pos_path

CONSENT = pos_path("S1", "customers/UC003/consent")


def test_simultaneous_changes_are_all_recorded(world: World) -> None:
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC003",
                "name": "Customer 003",
                "email": "c3@example.com",
                "phone": "+1 206 555 0003",
                "addressBooks": ["AB1"],
            }
        ],
    )
    alice, bob = world.as_staff("alice"), world.as_staff("bob")
    token = services().consent.links.token(UnsubscribeTarget("USRT", "UC003", "email"))

    def capture(client, channel: str):
        body = {"channel": channel, "state": "opted-in", "confirmationText": "Yes"}
        return lambda: client.post(CONSENT, json=body).status

    results = race(
        [
            capture(alice, "sms"),
            capture(bob, "email"),
            lambda: services().consent.inbound_sms(
                from_phone="+12065550003",
                to_phone="+18005550100",
                text="STOP",
                received_at=dt.datetime.now(dt.UTC),
            ),
            lambda: world.api.post(f"/api/unsubscribe/{token}", body=b"").status,
        ]
    )

    assert results[0] == results[1] == results[3] == 200, results
    assert isinstance(results[2], str), results
    history = world.ok(alice.get(CONSENT))["history"]
    assert sorted(e["source"] for e in history) == [
        "pos",
        "pos",
        "sms-keyword",
        "unsubscribe-link",
    ]
