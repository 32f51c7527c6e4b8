"""Sending messages to customers: the POS route, the delivery queue function and ACS's events,
against the ACS stand-in (HTTPS, real SDKs) and Azurite, with the app's own send policy:
outreach settings and templates published by job 1110, consent captured at the POS."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from shared.composition import reset_services
from shared.domain.instants import instant_text
from shared.messaging.storage_queue import StorageDeliveryQueue
from tests.support.api_client import ApiClient
from tests.support.outreach_fixtures import (
    INBOUND,
    REPORTS,
    SMS_NUMBER,
    UNSUBSCRIBE_BASE,
    Outreach,
    capture,
    event,
    switch_on,
)
from tests.support.world import World, add_to_book, pos_path, use_clock

CUSTOMER = "UC003"  # in address book AB1 (stores S1 and S2)
CUSTOMER_EMAIL = "customer3@example.com"
CUSTOMER_PHONE = "+12065550003"
MESSAGES = pos_path("S1", f"customers/{CUSTOMER}/messages")
EMAIL_REPORT = "Microsoft.Communication.EmailDeliveryReportReceived"
SMS_REPORT = "Microsoft.Communication.SMSDeliveryReportReceived"
SMS_RECEIVED = "Microsoft.Communication.SMSReceived"


def send(
    client: ApiClient, key: str, path: str = MESSAGES, **body: Any
) -> Any:  # the reply, whatever its status
    payload = {"channel": "email", "text": "Your order is ready, {customer.firstName}.", **body}
    if payload["channel"] == "email" and payload["text"] is not None:
        payload.setdefault("subject", "Your order")
    return client.post(path, json=payload, headers={"Idempotency-Key": key})


def timeline(world: World, staff: str = "alice") -> list[dict[str, Any]]:
    reply = world.as_staff(staff).get(pos_path("S1", f"customers/{CUSTOMER}/activities"))
    assert reply.status == 200, reply
    return reply.json["activities"]


@pytest.fixture
def alice(world: World, outreach: Outreach) -> ApiClient:
    """Outreach is on; Alice has the customer in her book; the customer opted in to email and
    SMS at her till."""
    switch_on(world)
    add_to_book(world, "alice", [CUSTOMER], "S1")
    capture(world, CUSTOMER, "email")
    capture(world, CUSTOMER, "sms")
    return world.as_staff("alice")


def test_an_email_is_accepted_queued_sent_once_and_shown_on_the_timeline(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    reply = send(alice, "k-1")
    assert reply.status == 202, reply
    accepted = reply.json
    assert accepted["status"] == "queued" and accepted["channel"] == "email"
    assert outreach.queued() == 1
    assert outreach.acs.sent == []  # nothing goes out from the request itself

    assert outreach.deliver_all() == [True]

    [email] = outreach.acs.emails()
    assert email.to == CUSTOMER_EMAIL
    assert email.body == "Your order is ready, Customer."
    # RFC 8058 one-click unsubscribe on every email.
    assert email.headers["List-Unsubscribe"].startswith(f"<{UNSUBSCRIBE_BASE}/api/unsubscribe/")
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [activity] = timeline(world)
    assert activity["activityId"] == accepted["messageId"]
    assert activity["activityTypeId"] == "EMAIL" and activity["activityTypeName"] == "Email"
    assert activity["channel"] == "email" and activity["deliveryStatus"] == "sent"
    assert activity["description"] == "Your order is ready, Customer."
    assert activity["staffId"] == "alice" and activity["storeId"] == "S1"
    status = alice.get(f"{MESSAGES}/{accepted['messageId']}")
    assert status.json["status"] == "sent"


def test_without_consent_the_send_is_refused_and_nothing_is_stored_or_queued(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    capture(world, CUSTOMER, "email", "opted-out")
    reply = send(alice, "k-1")
    assert reply.status == 409, reply
    assert reply.json["type"] == "urn:clienteling:problem:consent-missing"
    assert reply.content_type.startswith("application/problem+json")
    assert outreach.queued() == 0 and timeline(world) == []


def test_the_kill_switch_refuses_sends_and_stops_messages_already_accepted(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    assert send(alice, "k-1").status == 202
    switch_on(world, outreachEnabled=False)
    refused = send(alice, "k-2")
    assert refused.status == 409, refused
    assert refused.json["type"] == "urn:clienteling:problem:outreach-disabled"
    assert outreach.deliver_all() == [True]  # handled: refused at delivery, not retried
    assert outreach.acs.sent == []
    [activity] = timeline(world)
    assert activity["deliveryStatus"] == "failed"


def test_quiet_hours_are_each_stores_own_local_time(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    stores = [
        {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"],
         "timeZone": "America/Los_Angeles"},
        {"storeId": "S2", "name": "Portland", "addressBooks": ["AB1", "AB2"],
         "timeZone": "Europe/Berlin"},
    ]  # fmt: skip
    world.import_records("USRT", "stores", stores)
    world.ok(world.admin.post("/api/admin/distribution/1090/run"))
    switch_on(world, quietHours={"start": "21:00", "end": "08:00"})
    bob = world.as_staff("bob")  # manages the store client books of S1 and S2
    in_berlin = pos_path("S2", f"customers/{CUSTOMER}/messages")
    # 14:30 UTC: 07:30 in Seattle (quiet), 16:30 in Berlin (open)
    use_clock(dt.datetime(2026, 6, 1, 14, 30, tzinfo=dt.UTC))
    seattle = send(bob, "k-1")
    assert seattle.status == 409, seattle
    assert seattle.json["type"] == "urn:clienteling:problem:quiet-hours"
    assert seattle.json["sendAfter"] == "08:00"  # the store's local time, for the POS's words
    assert send(bob, "k-2", path=in_berlin).status == 202
    # 05:00 UTC: 22:00 in Seattle and 07:00 in Berlin, both quiet
    use_clock(dt.datetime(2026, 6, 2, 5, 0, tzinfo=dt.UTC))
    assert send(bob, "k-3").json["type"] == "urn:clienteling:problem:quiet-hours"
    assert send(bob, "k-4", path=in_berlin).json["type"] == "urn:clienteling:problem:quiet-hours"
    # 16:00 UTC: 09:00 in Seattle, 18:00 in Berlin, both open
    use_clock(dt.datetime(2026, 6, 2, 16, 0, tzinfo=dt.UTC))
    assert send(bob, "k-5").status == 202
    assert send(bob, "k-6", path=in_berlin).status == 202
    assert len(timeline(world)) == 3  # refused messages are not stored


def test_the_frequency_cap_counts_every_message_of_the_rolling_week(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    switch_on(world, frequencyCap=2)
    start = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    use_clock(start)
    assert send(alice, "k-1").status == 202
    # Bob, from the other store: the cap protects the customer, whoever sends.
    in_portland = pos_path("S2", f"customers/{CUSTOMER}/messages")
    assert (
        send(world.as_staff("bob"), "k-2", path=in_portland, channel="sms", text="Hi").status == 202
    )
    capped = send(alice, "k-3")
    assert capped.status == 409, capped
    assert capped.json["type"] == "urn:clienteling:problem:frequency-cap"
    use_clock(start + dt.timedelta(days=7, seconds=1))  # the first one left the week
    assert send(alice, "k-4").status == 202


def test_stop_by_sms_is_confirmed_and_then_sending_is_refused(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    inbound = {
        "messageId": "Incoming_20260501100000_1",
        "from": CUSTOMER_PHONE,
        "to": "+18005550199",  # another number of the resource: the reply comes from it
        "message": "Stop",
        # After the opt-in captured at the till (ACS's timestamp has milliseconds): the later
        # word counts.
        "receivedTimestamp": instant_text(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)),
    }
    assert outreach.event_grid(INBOUND, [event(SMS_RECEIVED, inbound)]) == 200
    # Event Grid delivers at least once: the same event again texts nobody twice.
    assert outreach.event_grid(INBOUND, [event(SMS_RECEIVED, inbound)]) == 200
    [confirmation] = outreach.acs.texts()
    assert confirmation.to == CUSTOMER_PHONE and confirmation.sender == "+18005550199"
    assert "unsubscribed" in confirmation.body

    reply = send(alice, "k-1", channel="sms", text="New arrivals!")
    assert reply.status == 409, reply
    assert reply.json["type"] == "urn:clienteling:problem:consent-missing"
    assert outreach.queued() == 0


def test_stop_between_acceptance_and_delivery_sends_nothing(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    assert send(alice, "k-1", channel="sms", text="New arrivals!").status == 202
    stop = {"messageId": "in-2", "from": CUSTOMER_PHONE, "to": SMS_NUMBER, "message": "STOP"}
    assert outreach.event_grid(INBOUND, [event(SMS_RECEIVED, stop)]) == 200
    outreach.deliver_all()
    [confirmation] = outreach.acs.texts()  # the STOP's confirmation, not the message
    assert confirmation.body.startswith("Your store: You are unsubscribed")
    assert timeline(world)[0]["deliveryStatus"] == "failed"


def test_a_retried_request_and_a_redelivered_queue_message_send_once(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    first = send(alice, "k-1", channel="sms", text="See you Saturday")
    again = send(alice, "k-1", channel="sms", text="See you Saturday")
    assert first.status == again.status == 202
    assert again.json["messageId"] == first.json["messageId"]
    assert again.headers.get("idempotency-replayed") == "true"
    # The queue may hold it twice (the retry re-enqueues nothing, but a host can redeliver):
    # put a copy on the queue as a redelivery would.
    outreach.queue().send_message(
        _base64(json.dumps({"legalEntity": "USRT", "customerId": CUSTOMER,
                            "messageId": first.json["messageId"]}))
    )  # fmt: skip
    assert outreach.deliver_all() == [True, True]
    assert len(outreach.acs.texts()) == 1
    assert len(timeline(world)) == 1


def test_a_crash_between_acceptance_and_queueing_delivers_once(
    world: World, outreach: Outreach, alice: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = dt.datetime(2026, 5, 1, 15, 0, tzinfo=dt.UTC)
    use_clock(start)

    def lost(self: StorageDeliveryQueue, payload: str) -> None:
        raise ConnectionError("the process lost the queue")

    with monkeypatch.context() as patched:
        patched.setattr(StorageDeliveryQueue, "put", lost)
        reply = send(alice, "k-1")
    assert reply.status == 202 and reply.json["status"] == "accepted"
    assert outreach.queued() == 0
    # A new process, half a minute later: the relay timer finds the outbox entry.
    reset_services()
    use_clock(start + dt.timedelta(seconds=31))
    relay = outreach.function_app.app
    _run_timer(relay, "outreach_outbox_relay")
    _run_timer(relay, "outreach_outbox_relay")  # again: nothing more to move
    assert outreach.queued() == 1
    assert outreach.deliver_all() == [True]
    assert len(outreach.acs.emails()) == 1
    [activity] = timeline(world)
    assert activity["deliveryStatus"] == "sent"


def test_delivery_reports_settle_the_status_on_the_timeline(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    # Templates published by job 1110, as the POS would pick them.
    email_id = send(alice, "k-1", templateId="WELCOME", text=None).json["messageId"]
    sms_id = send(alice, "k-2", channel="sms", templateId="NEWS", text=None).json["messageId"]
    outreach.deliver_all()
    email = outreach.acs.emails()[0].provider_id
    sms = outreach.acs.texts()[0].provider_id
    delivered = {"messageId": email, "status": "Delivered", "sender": "x", "recipient": "y"}
    failed = {"messageId": sms, "deliveryStatus": "Failed", "deliveryStatusDetails": "No route"}
    assert outreach.event_grid(REPORTS, [event(EMAIL_REPORT, delivered)]) == 200
    assert outreach.event_grid(REPORTS, [event(SMS_REPORT, failed)]) == 200
    # A late, contradicting report moves nothing back.
    late = {"messageId": sms, "deliveryStatus": "Delivered"}
    assert outreach.event_grid(REPORTS, [event(SMS_REPORT, late)]) == 200
    statuses = {a["activityId"]: a["deliveryStatus"] for a in timeline(world)}
    assert statuses == {email_id: "delivered", sms_id: "failed"}
    assert alice.get(f"{MESSAGES}/{sms_id}").json["statusDetail"] == "No route"


def test_after_every_retry_fails_the_message_goes_to_poison_marked_failed_with_an_alert(
    world: World, outreach: Outreach, alice: ApiClient, monkeypatch: pytest.MonkeyPatch, tls: Any
) -> None:
    from tests.fakes.alert_receivers import WEBHOOK_PATH, FakeAlertReceivers

    receivers = FakeAlertReceivers(tls)
    receivers.server.start()
    monkeypatch.setenv("ALERT_WEBHOOK_URL", receivers.url(WEBHOOK_PATH))
    from shared.settings import reset_settings

    reset_settings()
    reset_services()
    try:
        message_id = send(alice, "k-1").json["messageId"]
        outreach.acs.fail_next(100, 503)
        assert outreach.deliver_all() == [False] * 5  # host.json maxDequeueCount
        assert outreach.queued() == 0
        assert outreach.poisoned() == [
            {"legalEntity": "USRT", "customerId": CUSTOMER, "messageId": message_id}
        ]
        assert outreach.acs.sent == []
        [activity] = timeline(world)
        assert activity["deliveryStatus"] == "failed"
        [alert] = receivers.bodies(WEBHOOK_PATH)
        assert alert["finding"] == "outreach-poison"
        assert message_id in alert["secretName"]
        assert CUSTOMER_EMAIL not in json.dumps(alert)  # ids only, no personal data
    finally:
        receivers.server.stop()


def test_throttling_is_retried_honouring_retry_after(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    send(alice, "k-1")
    outreach.acs.fail_next(1, 429, retry_after=0)
    assert outreach.deliver_all() == [True]
    assert len(outreach.acs.emails()) == 1


def test_templates_are_rendered_in_the_customers_language_with_the_senders_words(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    assert send(alice, "k-1", templateId="WELCOME", text=None).status == 202
    assert send(alice, "k-2", channel="sms", templateId="NEWS", text=None).status == 202
    wrong_channel = send(alice, "k-3", channel="sms", templateId="WELCOME", text=None)
    assert wrong_channel.status == 400, wrong_channel
    outreach.deliver_all()
    [email] = outreach.acs.emails()
    assert email.subject == "Welcome, Customer"
    assert email.body == "Hello Customer, this is Alice Archer at Seattle."
    assert [t.body for t in outreach.acs.texts()] == ["New arrivals are in, Customer."]


def test_only_a_customer_of_my_book_or_with_the_store_book_permission(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    carol_path = pos_path("S2", f"customers/{CUSTOMER}/messages")
    refused = send(world.as_staff("carol"), "k-1", path=carol_path)
    assert refused.status == 403, refused
    # Bob manages the store client books of S1 and S2, where Alice's book is.
    allowed = send(world.as_staff("bob"), "k-1", path=carol_path)
    assert allowed.status == 202, allowed


def test_bad_requests_are_refused_before_anything_is_stored(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    no_key = alice.post(MESSAGES, json={"channel": "email", "text": "Hi"})
    assert no_key.status == 400 and "Idempotency-Key" in json.dumps(no_key.json)
    both = send(alice, "k-1", templateId="WELCOME")
    assert both.status == 400, both
    sms_subject = send(alice, "k-2", channel="sms", subject="Hi")
    assert sms_subject.status == 400, sms_subject
    assert outreach.queued() == 0 and timeline(world) == []


def _base64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def _run_timer(app: Any, name: str) -> None:
    from azure.functions.timer import TimerRequest

    from shared.localhost.function_catalog import indexed_functions

    [function] = [f for f in indexed_functions(app) if f.get_function_name() == name]
    function.get_user_function()(TimerRequest())


def test_an_erasure_deletes_the_messages_and_the_queue_then_sends_nothing(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    message_id = send(alice, "k-1").json["messageId"]
    erase = f"/api/admin/USRT/customers/{CUSTOMER}/erase"
    erasure = world.ok(world.admin.post(erase, json={"confirmCustomerId": CUSTOMER}))
    assert erasure["counts"]["messages"] == 1 and erasure["counts"]["activities"] == 1
    assert outreach.deliver_all() == [True]  # the queue message finds nothing to send
    assert outreach.acs.sent == []
    assert alice.get(f"{MESSAGES}/{message_id}").status == 404


def test_the_unsubscribe_link_of_a_sent_email_opts_out_in_one_click(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    send(alice, "k-1")
    outreach.deliver_all()
    [email] = outreach.acs.emails()
    link = email.headers["List-Unsubscribe"].strip("<>")
    assert CUSTOMER not in link and CUSTOMER_EMAIL not in link  # nothing personal in the URL
    # What a mail client does with RFC 8058's List-Unsubscribe-Post (anonymous).
    one_click = world.api.post(
        link.removeprefix(UNSUBSCRIBE_BASE),
        body=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status == 200, one_click
    consent = world.ok(alice.get(pos_path("S1", f"customers/{CUSTOMER}/consent")))
    assert consent["consent"]["email"]["state"] == "opted-out"
    assert consent["consent"]["email"]["source"] == "unsubscribe-link"
    refused = send(alice, "k-2")
    assert refused.status == 409, refused
    assert refused.json["type"] == "urn:clienteling:problem:consent-missing"
    assert send(alice, "k-3", channel="sms", text="Hi").status == 202  # SMS is its own consent


def _sms_state(client: ApiClient, store_id: str, customer_id: str) -> str:
    reply = client.get(pos_path(store_id, f"customers/{customer_id}/consent"))
    assert reply.status == 200, reply
    return reply.json["consent"]["sms"]["state"]


def test_a_stop_to_a_legal_entitys_own_number_opts_out_there_only(
    world: World, outreach: Outreach, alice: ApiClient
) -> None:
    # The same phone is on a customer of each legal entity (a shared family phone, or one
    # person who shops with both retailers); DEMF texts from a number of its own.
    german = "DC003"  # +1 206 555 0003, like CUSTOMER
    dated = {"state": "opted-in", "givenAt": "2026-01-01T00:00:00Z"}
    world.import_records(
        "DEMF",
        "customers",
        [{"customerId": german, "name": "Kunde Drei", "phone": CUSTOMER_PHONE,
          "addressBooks": ["DE1"], "consent": {"sms": dated}}],
    )  # fmt: skip
    switch_on(world, smsNumbers=[SMS_NUMBER])
    switch_on(world, "DEMF", smsNumbers=["+4930555000100"])
    erin = world.as_staff("erin")

    def stop(to: str, message_id: str) -> None:
        inbound = {"messageId": message_id, "from": CUSTOMER_PHONE, "to": to, "message": "STOP"}
        assert outreach.event_grid(INBOUND, [event(SMS_RECEIVED, inbound)]) == 200

    stop(SMS_NUMBER, "in-1")  # USRT's number: USRT's customer only
    assert _sms_state(alice, "S1", CUSTOMER) == "opted-out"
    assert _sms_state(erin, "D1", german) == "opted-in"
    stop("+18005550777", "in-2")  # a number no legal entity lists: everyone on the phone
    assert _sms_state(erin, "D1", german) == "opted-out"


def test_the_openapi_document_names_the_send_routes_refusals(world: World) -> None:
    document = world.api.get("/api/openapi.json").json
    send_route = document["paths"]["/api/stores/{storeId}/customers/{customerId}/messages"]
    refusals = send_route["post"]["responses"]["409"]["description"]
    for slug in ("outreach-disabled", "consent-missing", "contact-missing", "quiet-hours"):
        assert f"urn:clienteling:problem:{slug}" in refusals
    assert "urn:clienteling:problem:frequency-cap" in refusals
    assert "202" in send_route["post"]["responses"]
