"""Message templates and outreach settings through the admin routes, published by job 1110,
and the POS preview of a template for one customer."""

from __future__ import annotations

from typing import Any

from tests.support.world import World, pos_path

BASE = "/api/admin/USRT"
SMS_TEMPLATE = {
    "name": "New arrivals",
    "channel": "sms",
    "texts": {
        "en": {"body": "Hi {customer.firstName}, new arrivals at {store.name}! {associate.name}"},
        "de": {"body": "Hallo {customer.firstName}, Neuheiten bei {store.name}!"},
    },
}
EMAIL_TEMPLATE = {
    "name": "Thank you",
    "channel": "email",
    "texts": {
        "en": {
            "subject": "Thank you, {customer.firstName}",
            "body": "Thank you for visiting {store.name}. Call me at {store.phone}.\n"
            "{associate.name} {{your associate}}",
        }
    },
}


def put_template(world: World, template_id: str, body: dict[str, Any], etag: str | None = None):
    headers = {"If-Match": etag} if etag else {}
    return world.admin.put(f"{BASE}/message-templates/{template_id}", json=body, headers=headers)


def publish_1110(world: World) -> None:
    run = world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert run["status"] == "succeeded", run


def preview(world: World, staff: str, customer: str, template_id: str):
    return world.as_staff(staff).get(
        pos_path("S1", f"customers/{customer}/message-templates/{template_id}/preview")
    )


def test_an_unknown_placeholder_is_refused_naming_it(world: World) -> None:
    body = {
        "name": "Oops",
        "channel": "sms",
        "texts": {"en": {"body": "Hi {customer.lastName}"}},
    }

    reply = put_template(world, "OOPS", body)

    assert reply.status == 400, reply
    assert reply.json["errors"][0]["field"] == "texts.en.body"
    assert "{customer.lastName}" in reply.json["errors"][0]["message"]
    assert "{customer.lastName}" in reply.json["detail"]
    assert world.admin.get(f"{BASE}/message-templates/OOPS").status == 404


def test_templates_must_fit_their_channel(world: World) -> None:
    no_subject = {**EMAIL_TEMPLATE, "texts": {"en": {"body": "Hello"}}}
    sms_subject = {**SMS_TEMPLATE, "texts": {"en": {"subject": "Hi", "body": "Hello"}}}
    stray = {**SMS_TEMPLATE, "texts": {"en": {"body": "Hi {customer.firstName"}}}

    assert put_template(world, "A", no_subject).status == 400
    assert put_template(world, "B", sms_subject).status == 400
    assert put_template(world, "C", stray).status == 400


def test_sms_templates_show_their_length_in_segments(world: World) -> None:
    long_gsm = {**SMS_TEMPLATE, "texts": {"en": {"body": "x" * 161}}}
    unicode = {**SMS_TEMPLATE, "texts": {"en": {"body": "Zażółć gęślą jaźń"}}}

    gsm = world.ok(put_template(world, "LONG", long_gsm))["smsLength"]["en"]
    ucs = world.ok(put_template(world, "PL", unicode))["smsLength"]["en"]

    assert gsm == {"encoding": "GSM-7", "units": 161, "segments": 2, "perSegment": 153}
    assert ucs["encoding"] == "UCS-2" and ucs["segments"] == 1 and ucs["perSegment"] == 70


def test_a_template_reaches_the_pos_after_job_1110(world: World) -> None:
    assert put_template(world, "ARRIVALS", SMS_TEMPLATE).status == 200
    listed = pos_path("S1", "message-templates")
    assert world.ok(world.as_staff("alice").get(listed))["templates"] == []

    publish_1110(world)

    templates = world.ok(world.as_staff("alice").get(listed))["templates"]
    assert templates == [
        {
            "templateId": "ARRIVALS",
            "name": "New arrivals",
            "channel": "sms",
            "languages": ["de", "en"],
        }
    ]
    only_email = world.ok(world.as_staff("alice").get(listed, params={"channel": "email"}))
    assert only_email["templates"] == []


def test_a_deactivated_template_leaves_the_pos(world: World) -> None:
    saved = put_template(world, "ARRIVALS", SMS_TEMPLATE)
    assert put_template(world, "ARRIVALS", SMS_TEMPLATE).status == 428  # If-Match needed
    deleted = world.admin.delete(
        f"{BASE}/message-templates/ARRIVALS", headers={"If-Match": saved.etag}
    )
    assert deleted.status == 200 and deleted.json["active"] is False
    publish_1110(world)

    listed = world.ok(world.as_staff("alice").get(pos_path("S1", "message-templates")))
    assert listed["templates"] == []
    assert preview(world, "alice", "UC003", "ARRIVALS").status == 404


def test_the_preview_renders_for_the_customer_associate_and_store(world: World) -> None:
    put_template(world, "ARRIVALS", SMS_TEMPLATE)
    put_template(world, "THANKS", EMAIL_TEMPLATE)
    publish_1110(world)

    sms = world.ok(preview(world, "alice", "UC003", "ARRIVALS"))
    email = world.ok(preview(world, "alice", "UC003", "THANKS"))

    assert sms["body"] == "Hi Customer, new arrivals at Seattle! Alice Archer"
    assert sms["language"] == "en" and sms["subject"] is None
    assert sms["smsLength"]["segments"] == 1
    assert email["subject"] == "Thank you, Customer"
    assert (
        email["body"]
        == "Thank you for visiting Seattle. Call me at .\nAlice Archer {your associate}"
    )
    assert email["smsLength"] is None


def test_the_preview_uses_the_customers_language(world: World) -> None:
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC003",
                "name": "Jürgen Weiß",
                "addressBooks": ["AB1"],
                "language": "de-AT",
            }
        ],
    )
    put_template(world, "ARRIVALS", SMS_TEMPLATE)
    publish_1110(world)

    sms = world.ok(preview(world, "alice", "UC003", "ARRIVALS"))

    assert sms["language"] == "de"
    assert sms["body"] == "Hallo Jürgen, Neuheiten bei Seattle!"


def test_the_preview_is_for_customers_in_the_stores_scope(world: World) -> None:
    put_template(world, "ARRIVALS", SMS_TEMPLATE)
    publish_1110(world)

    assert preview(world, "alice", "UC002", "ARRIVALS").status == 403
    assert preview(world, "alice", "UC003", "NOPE").status == 404
    assert preview(world, "erin", "UC003", "ARRIVALS").status in (403, 404)


def test_outreach_settings_start_off_and_are_validated(world: World) -> None:
    defaults = world.ok(world.admin.get(f"{BASE}/outreach-settings"))
    assert defaults["outreachEnabled"] is False
    assert defaults["activityTypes"] == {"email": "EMAIL", "sms": "SMS"}

    bad = world.admin.put(
        f"{BASE}/outreach-settings",
        json={"quietHours": {"start": "25:00", "end": "08:00"}, "unsubscribeBaseUrl": "http://x"},
    )

    assert bad.status == 400
    assert {e["field"] for e in bad.json["errors"]} == {"quietHours.start", "unsubscribeBaseUrl"}
    saved = world.admin.put(f"{BASE}/outreach-settings", json={"outreachEnabled": True})
    assert saved.status == 200 and saved.json["frequencyCap"] == 3
