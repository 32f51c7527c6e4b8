"""Property, through the routes and the send policy: whatever mix of headquarters imports,
POS captures and SMS keywords a customer's history holds, no message may go after the
customer's latest own opt-out unless the customer opted in again later."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.composition import services
from tests.support.properties import THROUGH_THE_APP
from tests.support.world import World, pos_path

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


def enable_outreach(world: World) -> None:
    path = "/api/admin/USRT/outreach-settings"
    if world.admin.get(path).etag is None:
        world.ok(world.admin.put(path, json={"outreachEnabled": True, "quietHours": None}))
        world.ok(world.admin.post("/api/admin/distribution/1110/run"))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@THROUGH_THE_APP
@given(steps=STEPS)
def test_no_message_after_an_own_opt_out_without_a_later_opt_in(
    world: World, steps: list[tuple[str, Any, Any]]
) -> None:
    enable_outreach(world)
    n = next(_customers)
    customer, phone = f"UP{n:04d}", f"+1206777{n:04d}"
    record = {"customerId": customer, "name": "Prop Erty", "phone": phone, "addressBooks": ["AB1"]}
    world.import_records("USRT", "customers", [record])
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
                assert services().outreach_policy.inbound_sms(
                    from_phone=phone, to_phone="+18005550100", text=value, received_at=now()
                )
            if state == "opted-out":
                opted_out_at, opted_in_since = before, False
            elif opted_out_at is not None:
                opted_in_since = True
    if opted_out_at is None or opted_in_since:
        return
    refused = services().outreach_policy.refusal(
        legal_entity="USRT",
        store_id="S1",
        customer_id=customer,
        channel="sms",
        now=now(),
        sent_last_7_days=0,
    )
    assert refused is not None and refused.problem_type == "consent-missing", steps
