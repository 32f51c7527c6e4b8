"""Property, through the routes as a POS, headquarters and ACS would call them: whatever mix of
headquarters imports, POS captures and SMS keywords (posted to the Event Grid webhook) a
customer's history holds, the send route accepts a message only when the customer's consent
reads opted-in, and never after the customer's latest own opt-out unless the customer opted in
again later."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.outreach_fixtures import INBOUND, SMS_NUMBER, Outreach, event, switch_on
from tests.support.properties import THROUGH_THE_APP
from tests.support.world import World, add_to_book, pos_path

_customers = itertools.count(1)

STEPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("import"),
            st.sampled_from(["opted-in", "opted-out"]),
            st.none() | st.integers(-72, 72),
        ),
        st.tuples(st.just("import-flag"), st.none(), st.none()),
        st.tuples(st.just("pos"), st.sampled_from(["opted-in", "opted-out"]), st.none()),
        st.tuples(st.just("sms"), st.sampled_from(["STOP", "start", "Stopp", "UNSTOP"]), st.none()),
    ),
    min_size=1,
    max_size=8,
)


SMS_RECEIVED = "Microsoft.Communication.SMSReceived"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@settings(THROUGH_THE_APP, max_examples=15)  # each example is a dozen requests
@given(steps=STEPS)
def test_no_message_without_consent(
    world: World, outreach: Outreach, steps: list[tuple[str, Any, Any]]
) -> None:
    if world.admin.get("/api/admin/USRT/outreach-settings").etag is None:
        switch_on(world)  # once: the world lives across examples
    n = next(_customers)
    customer, phone = f"UP{n:04d}", f"+1206777{n:04d}"
    record = {"customerId": customer, "name": "Prop Erty", "phone": phone, "addressBooks": ["AB1"]}
    world.import_records("USRT", "customers", [record])
    add_to_book(world, "alice", [customer], "S1")
    opted_out_at: dt.datetime | None = None  # the customer's latest own opt-out
    opted_in_since = False  # an opt-in that counts from after it
    for kind, value, offset in steps:
        before = now()
        if kind == "import":
            given_at = None if offset is None else before + dt.timedelta(hours=offset)
            consent = {"state": value}
            if given_at is not None:
                consent["givenAt"] = given_at.isoformat()
            world.import_records("USRT", "customers", [{**record, "consent": {"sms": consent}}])
            counts_from = None if given_at is None else min(given_at, now())
            if value == "opted-in" and counts_from and opted_out_at and counts_from > opted_out_at:
                opted_in_since = True
        elif kind == "import-flag":
            world.import_records("USRT", "customers", [{**record, "contactConsent": True}])
        else:
            if kind == "pos":
                state = value
                reply = world.as_staff("alice").post(
                    pos_path("S1", f"customers/{customer}/consent"),
                    json={"channel": "sms", "state": value, "confirmationText": "Said so"},
                )
                assert reply.status == 200, reply
            else:
                state = "opted-out" if value.upper() in ("STOP", "STOPP") else "opted-in"
                inbound = {"messageId": f"in-{n}-{before.timestamp()}", "from": phone,
                           "to": SMS_NUMBER, "message": value}  # fmt: skip
                assert outreach.event_grid(INBOUND, [event(SMS_RECEIVED, inbound)]) == 200
            if state == "opted-out":
                opted_out_at, opted_in_since = before, False
            elif opted_out_at is not None:
                opted_in_since = True
    alice = world.as_staff("alice")
    reply = alice.post(
        pos_path("S1", f"customers/{customer}/messages"),
        json={"channel": "sms", "text": "New arrivals are in"},
        headers={"Idempotency-Key": f"property-{n}"},
    )
    consent = world.ok(alice.get(pos_path("S1", f"customers/{customer}/consent")))
    opted_in = consent["consent"]["sms"]["state"] == "opted-in"
    assert reply.status == (202 if opted_in else 409), (reply, consent, steps)
    if opted_out_at is not None and not opted_in_since:
        assert reply.status == 409, steps
    if reply.status == 409:
        assert reply.json["type"] == "urn:clienteling:problem:consent-missing", steps
