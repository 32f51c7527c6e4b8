"""Consent through the routes: headquarters imports it, the POS captures it for a customer in
the store's scope (capture-consent), the card of customer details shows it per channel, and
erasure removes it."""

from __future__ import annotations

from typing import Any

from tests.support.world import World, pos_path

# World: S1 serves AB1; UC003 is in AB1 (in alice's scope), UC002 in AB3 (S3 only). vic works
# in S1 without capture-consent.


def capture(world: World, staff: str, customer: str, **body: Any):
    payload = {"channel": "sms", "state": "opted-out", "confirmationText": "No texts please"}
    payload.update(body)
    return world.as_staff(staff).post(pos_path("S1", f"customers/{customer}/consent"), json=payload)


def card_consent(world: World, customer: str) -> dict:
    details = world.ok(world.as_staff("alice").get(pos_path("S1", f"customers/{customer}")))
    return details["card"]["consent"]


def import_customer(world: World, customer: str, **fields: Any) -> None:
    record = {
        "customerId": customer,
        "name": "Customer 003",
        "phone": "+1 206 555 0003",
        "email": "customer3@example.com",
        "addressBooks": ["AB1"],
        **fields,
    }
    world.import_records("USRT", "customers", [record])


def test_the_legacy_flag_imports_as_opted_in_on_both_channels(world: World) -> None:
    import_customer(world, "UC003", contactConsent=True)

    consent = card_consent(world, "UC003")

    assert consent["email"]["state"] == consent["sms"]["state"] == "opted-in"
    assert consent["sms"]["source"] == "headquarters-import"
    assert card_consent(world, "UC006")["email"] == {
        "state": "unknown",
        "source": None,
        "givenAt": None,
        "recordedAt": None,
        "staffId": None,
    }


def test_an_associate_captures_an_opt_out_with_the_customers_words(world: World) -> None:
    import_customer(world, "UC003", contactConsent=True)

    reply = capture(world, "alice", "UC003", confirmationText="Please stop texting me")

    assert reply.status == 200, reply
    assert reply.json["consent"]["sms"]["state"] == "opted-out"
    assert reply.json["consent"]["email"]["state"] == "opted-in"
    last = reply.json["history"][-1]
    assert last["source"] == "pos" and last["staffId"] == "alice" and last["storeId"] == "S1"
    assert last["confirmationText"] == "Please stop texting me"
    assert card_consent(world, "UC003")["sms"]["staffId"] == "alice"


def test_an_import_older_than_the_opt_out_does_not_opt_the_customer_back_in(world: World) -> None:
    assert capture(world, "alice", "UC003").status == 200
    older = {"sms": {"state": "opted-in", "givenAt": "2020-01-01T00:00:00Z"}}

    import_customer(world, "UC003", consent=older)
    import_customer(world, "UC003", contactConsent=True)

    assert card_consent(world, "UC003")["sms"]["state"] == "opted-out"
    newer = {"sms": {"state": "opted-in", "givenAt": "2099-01-01T00:00:00Z"}}
    import_customer(world, "UC003", consent=newer)  # counts from when it was recorded
    assert card_consent(world, "UC003")["sms"]["state"] == "opted-in"


def test_resending_an_import_adds_no_history(world: World) -> None:
    for _ in range(3):
        import_customer(world, "UC003", contactConsent=True)

    history = world.ok(world.as_staff("alice").get(pos_path("S1", "customers/UC003/consent")))

    assert len(history["history"]) == 2  # email and sms, once


def test_capturing_needs_the_operation(world: World) -> None:
    reply = capture(world, "vic", "UC003")

    assert reply.status == 403, reply
    assert reply.json["operation"] == "capture-consent"
    assert card_consent(world, "UC003")["sms"]["state"] == "unknown"


def test_a_customer_outside_the_stores_scope_is_refused(world: World) -> None:
    reply = capture(world, "alice", "UC002")

    assert reply.status == 403, reply
    assert reply.json["customerId"] == "UC002"


def test_consent_needs_the_customers_confirmation_and_a_known_channel(world: World) -> None:
    assert capture(world, "alice", "UC003", confirmationText="").status == 400
    reply = capture(world, "alice", "UC003", channel="fax")
    assert reply.status == 400 and reply.json["errors"][0]["field"] == "channel"
    assert capture(world, "alice", "UC003", state="unknown").status == 400
    assert capture(world, "alice", "UC999").status == 404


def test_erasure_removes_the_consent_history(world: World) -> None:
    assert capture(world, "alice", "UC003").status == 200
    erase = world.admin.post(
        "/api/admin/USRT/customers/UC003/erase", json={"confirmCustomerId": "UC003"}
    )
    assert erase.status == 200, erase

    export = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/export"))
    log = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/erasures"))

    assert export["consent"] == []
    assert "No texts please" not in str(log)
    assert capture(world, "alice", "UC003").status == 409  # customer-erased


def test_the_export_holds_the_consent_history(world: World) -> None:
    assert capture(world, "alice", "UC003").status == 200

    export = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/export"))

    assert [e["confirmationText"] for e in export["consent"]] == ["No texts please"]
