"""The send policy, asked before a message is accepted and again before it leaves
(shared/ports/outreach.py): kill switch, consent, address, quiet hours in the store's own time
zone, frequency cap, and rendering with the signed unsubscribe link. Set up through the routes,
asked as the send route asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shared.composition import services
from shared.domain.errors import ValidationFailed
from tests.support.world import World, pos_path

BASE = "/api/admin/USRT"
NOON_UTC = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def configure(world: World, **settings: Any) -> None:
    body = {"outreachEnabled": True, "unsubscribeBaseUrl": "https://clienteling.example.com"}
    body.update(settings)
    path = f"{BASE}/outreach-settings"
    current = world.admin.get(path)
    headers = {"If-Match": current.etag} if current.etag else {}
    world.ok(world.admin.put(path, json=body, headers=headers))
    world.ok(world.admin.post("/api/admin/distribution/1110/run"))


def opt_in(world: World, customer: str = "UC003", channel: str = "sms") -> None:
    reply = world.as_staff("alice").post(
        pos_path("S1", f"customers/{customer}/consent"),
        json={"channel": channel, "state": "opted-in", "confirmationText": "Yes please"},
    )
    assert reply.status == 200, reply


def refusal(customer: str = "UC003", channel: str = "sms", **kw: Any) -> str | None:
    args = {"store_id": "S1", "now": NOON_UTC, "sent_last_7_days": 0, **kw}
    found = services().outreach_policy.refusal(
        legal_entity="USRT", customer_id=customer, channel=channel, **args
    )
    return found.problem_type if found else None


def test_nothing_goes_until_outreach_is_switched_on(world: World) -> None:
    opt_in(world)
    assert refusal() == "outreach-disabled"

    configure(world, quietHours=None)
    assert refusal() is None

    configure(world, outreachEnabled=False)
    assert refusal() == "outreach-disabled"


def test_only_an_opted_in_customer_may_be_messaged(world: World) -> None:
    configure(world, quietHours=None)

    assert refusal() == "consent-missing"  # unknown
    opt_in(world)
    assert refusal() is None
    assert refusal(channel="email") == "consent-missing"


def test_stop_by_sms_then_send_is_refused(world: World) -> None:
    configure(world, quietHours=None)
    opt_in(world)

    answer = services().outreach_policy.inbound_sms(
        from_phone="+12065550003",
        to_phone="+18005550100",
        text=" stop ",
        received_at=dt.datetime.now(dt.UTC),
    )

    assert answer is not None and "unsubscribed" in answer
    assert refusal() == "consent-missing"


def test_a_customer_without_an_address_is_refused(world: World) -> None:
    configure(world, quietHours=None)
    world.import_records(
        "USRT", "customers", [{"customerId": "UC003", "name": "No Phone", "addressBooks": ["AB1"]}]
    )
    opt_in(world)

    assert refusal() == "contact-missing"
    recipient = services().outreach_policy.recipient(
        legal_entity="USRT", customer_id="UC003", channel="sms"
    )
    assert recipient is None


def test_quiet_hours_are_the_stores_own_local_time(world: World) -> None:
    world.import_records(
        "USRT",
        "stores",
        [
            {
                "storeId": "S1",
                "name": "Seattle",
                "addressBooks": ["AB1"],
                "timeZone": "America/Los_Angeles",
            },
            {
                "storeId": "S2",
                "name": "Portland",
                "addressBooks": ["AB1", "AB2"],
                "timeZone": "Europe/Berlin",
            },
        ],
    )
    world.ok(world.admin.post("/api/admin/distribution/1090/run"))
    configure(world, quietHours={"start": "21:00", "end": "08:00"})
    opt_in(world)
    # 16:00 UTC: 09:00 in Seattle (open), 18:00 in Berlin (open)
    afternoon = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC)
    # 05:00 UTC: 22:00 in Seattle (quiet), 07:00 in Berlin (quiet)
    early = dt.datetime(2026, 6, 1, 5, 0, tzinfo=dt.UTC)
    # 14:30 UTC: 07:30 in Seattle (quiet), 16:30 in Berlin (open)
    split = dt.datetime(2026, 6, 1, 14, 30, tzinfo=dt.UTC)

    assert refusal(store_id="S1", now=afternoon) is None
    assert refusal(store_id="S2", now=afternoon) is None
    assert refusal(store_id="S1", now=early) == "quiet-hours"
    assert refusal(store_id="S2", now=early) == "quiet-hours"
    assert refusal(store_id="S1", now=split) == "quiet-hours"
    assert refusal(store_id="S2", now=split) is None


def test_the_frequency_cap_counts_the_rolling_week(world: World) -> None:
    configure(world, quietHours=None, frequencyCap=2)
    opt_in(world)

    assert refusal(sent_last_7_days=1) is None
    assert refusal(sent_last_7_days=2) == "frequency-cap"


def render(world: World, **kw: Any):
    args = {
        "legal_entity": "USRT",
        "store_id": "S1",
        "customer_id": "UC003",
        "associate_id": "alice",
        "template_id": None,
        "subject": None,
        **kw,
    }
    return services().outreach_policy.render(**args)


def test_free_text_is_checked_and_rendered(world: World) -> None:
    configure(world)

    sms = render(world, channel="sms", text="Hi {customer.firstName}, {associate.name} here")
    email = render(world, channel="email", text="Hello", subject="For {customer.firstName}")

    assert sms.body == "Hi Customer, Alice Archer here" and sms.subject is None
    assert sms.activity_type == "SMS" and sms.unsubscribe_url is None
    assert email.subject == "For Customer" and email.activity_type == "EMAIL"
    assert email.unsubscribe_url.startswith("https://clienteling.example.com/api/unsubscribe/")
    assert "UC003" not in email.unsubscribe_url and "USRT" not in email.unsubscribe_url
    for bad in (
        {"channel": "sms", "text": "Hi {customer.email}"},
        {"channel": "sms", "text": "Hi", "subject": "no"},
        {"channel": "email", "text": "Hi"},
        {"channel": "sms", "text": None},
        {"channel": "sms", "text": None, "template_id": "NOPE"},
    ):
        with pytest.raises(ValidationFailed):
            render(world, **bad)


def test_email_needs_the_unsubscribe_base_url(world: World) -> None:
    configure(world, unsubscribeBaseUrl=None)

    with pytest.raises(ValidationFailed) as refused:
        render(world, channel="email", text="Hello", subject="Hi")

    assert refused.value.errors[0]["field"] == "unsubscribeBaseUrl"


def test_activity_types_come_from_the_settings(world: World) -> None:
    configure(world, activityTypes={"email": "MAIL", "sms": "TEXT"})

    assert render(world, channel="sms", text="Hi").activity_type == "TEXT"
