"""Inbound SMS keywords (what Event Grid hands over from ACS as SMSReceived):
STOP and START change SMS consent of every customer filed under the sender's number, found by
its E.164 key; the answer is the carrier-style confirmation in the customer's language."""

from __future__ import annotations

import datetime as dt

from shared.composition import services
from tests.support.world import World, pos_path


def sms(text: str, sender: str = "+12065550003") -> str | None:
    return services().outreach_policy.inbound_sms(
        from_phone=sender,
        to_phone="+18005550100",
        text=text,
        received_at=dt.datetime.now(dt.UTC),
    )


def sms_state(world: World, customer: str = "UC003", store: str = "S1", staff: str = "alice"):
    reply = world.as_staff(staff).get(pos_path(store, f"customers/{customer}/consent"))
    return world.ok(reply)["consent"]["sms"]["state"]


def test_stop_then_start_by_sms(world: World) -> None:
    assert sms("STOP") is not None
    assert sms_state(world) == "opted-out"

    answer = sms("start")

    assert answer is not None and "subscribed" in answer
    assert sms_state(world) == "opted-in"
    history = world.ok(world.as_staff("alice").get(pos_path("S1", "customers/UC003/consent")))
    assert [e["source"] for e in history["history"]] == ["sms-keyword", "sms-keyword"]


def test_other_messages_change_nothing(world: World) -> None:
    assert sms("stop texting me") is None
    assert sms("HELP") is not None  # answered, but nothing changes

    assert sms_state(world) == "unknown"


def test_every_customer_with_that_number_is_opted_out(world: World) -> None:
    # Another customer of USRT and one of DEMF share the number (a family phone).
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC006",
                "name": "Partner",
                "phone": "+1 (206) 555-0003",
                "addressBooks": ["AB1"],
            }
        ],
    )
    world.import_records(
        "DEMF",
        "customers",
        [
            {
                "customerId": "DC001",
                "name": "Kunde",
                "phone": "001 206 555 0003",
                "addressBooks": ["DE1"],
                "language": "de",
            }
        ],
    )

    sms("Stopp")

    assert sms_state(world, "UC003") == sms_state(world, "UC006") == "opted-out"
    assert sms_state(world, "DC001", "D1", "erin") == "opted-out"
    assert sms_state(world, "UC009") == "unknown"


def test_national_numbers_need_the_legal_entitys_calling_code(world: World) -> None:
    world.ok(world.admin.put("/api/admin/USRT/outreach-settings", json={"defaultCallingCode": "1"}))
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC006",
                "name": "Local",
                "phone": "(206) 555-0666",
                "addressBooks": ["AB1"],
            }
        ],
    )

    sms("STOP", sender="+12065550666")

    assert sms_state(world, "UC006") == "opted-out"


def test_a_changed_phone_number_no_longer_finds_the_customer(world: World) -> None:
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC003",
                "name": "Moved",
                "phone": "+1 206 555 9999",
                "addressBooks": ["AB1"],
            }
        ],
    )

    sms("STOP")  # the old number
    assert sms_state(world) == "unknown"
    sms("STOP", sender="+12065559999")
    assert sms_state(world) == "opted-out"


def test_the_confirmation_is_in_the_customers_language(world: World) -> None:
    world.import_records(
        "DEMF",
        "customers",
        [
            {
                "customerId": "DC001",
                "name": "Kunde",
                "phone": "+49 30 1234567",
                "addressBooks": ["DE1"],
                "language": "de",
            }
        ],
    )

    answer = sms("STOP", sender="+49301234567")

    assert answer is not None and "abgemeldet" in answer


def test_an_erased_customer_is_not_found_by_number(world: World) -> None:
    world.ok(
        world.admin.post(
            "/api/admin/USRT/customers/UC003/erase", json={"confirmCustomerId": "UC003"}
        )
    )

    sms("STOP")

    export = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/export"))
    assert export["consent"] == []


def test_start_undoes_a_stop_by_sms_only(world: World) -> None:
    sms("START")  # never asked: nothing to undo
    assert sms_state(world) == "unknown"
    world.ok(
        world.as_staff("alice").post(
            pos_path("S1", "customers/UC003/consent"),
            json={"channel": "sms", "state": "opted-out", "confirmationText": "No texts"},
        )
    )

    sms("START")  # said no in the store: a text to the number does not undo that

    assert sms_state(world) == "opted-out"
    sms("STOP")
    sms("START")
    assert sms_state(world) == "opted-in"
