"""Input a POS or an admin tool may send by mistake gets a 400 naming what is wrong, never a 500.

Query values take ASCII digits only (Unicode digits such as "²" or "٣" are not numbers to a
client), numbers beyond the attribute's range are that field's error, and texts refuse the
control and bidi characters that hide or reorder what a colleague reads.
"""

from __future__ import annotations

import json

import pytest

from shared.composition import services
from tests.support.world import World, customers, pos_path

NOT_ASCII_NUMBERS = ["²", "٣", "\uff11", "5" * 5000, "1e3", " 7", "+7", "0x10", "-1", ""]
ATTRIBUTES = pos_path("S1", "customers/UC003/attributes")
NOTES = pos_path("S1", "customers/UC003/notes")
IMPORT = "/api/admin/USRT/import/customers"
BIDI_OVERRIDE = "\u202e"
NINES = "9" * 400


def _field_error(reply, field: str) -> str:
    assert reply.status == 400, reply
    assert reply.content_type.startswith("application/problem+json"), reply
    fields = {e["field"]: e["message"] for e in reply.json["errors"]}
    assert field in fields, reply.json
    return fields[field]


@pytest.mark.parametrize("value", NOT_ASCII_NUMBERS, ids=lambda v: repr(v)[:12])
@pytest.mark.parametrize(
    ("path", "parameter", "staff"),
    [
        (pos_path("S1", "client-book/customers"), "pageSize", "alice"),
        (pos_path("S1", "client-book/customers"), "upcoming", "alice"),
        (pos_path("S1", "store-client-book/customers"), "pageSize", "bob"),
        (pos_path("S1", "customers/UC003/activities"), "pageSize", "alice"),
        (pos_path("S1", "customers/UC003/notes"), "pageSize", "alice"),
        ("/api/admin/distribution/runs", "limit", "admin"),
        ("/api/admin/USRT/client-book-audit", "pageSize", "admin"),
    ],
)
def test_numbers_in_the_query_are_ascii_digits_within_bounds(
    world: World, path: str, parameter: str, staff: str, value: str
) -> None:
    client = world.admin if staff == "admin" else world.as_staff(staff)
    reply = client.get(path, params={parameter: value})
    if value == "" and parameter in ("pageSize", "limit"):
        assert reply.status == 200, reply  # empty means "the default", as before
        return
    assert "whole number" in _field_error(reply, parameter)


@pytest.mark.parametrize(
    "value", ["²", "٣", "1" * 5000, "1e999", "nan", "9" * 40], ids=lambda v: repr(v)[:12]
)
def test_range_and_refine_values_are_ascii_numbers_within_range(world: World, value: str) -> None:
    client = world.as_staff("alice")
    for params, field in (
        ({"visits.min": value}, "visits.min"),
        ({"lifetimeValue.max": value}, "lifetimeValue.max"),
        ({"refine": f"visits:{value}"}, "refine"),
    ):
        _field_error(client.get(pos_path("S1", "client-book/customers"), params=params), field)


def _patch(world: World, changes: dict | bytes, staff: str = "alice"):
    client = world.as_staff(staff)
    etag = client.get(pos_path("S1", "customers/UC003")).etag
    headers = {"If-Match": etag, "Content-Type": "application/json"}
    if isinstance(changes, bytes):
        return client.request("PATCH", ATTRIBUTES, body=changes, headers=headers)
    return client.patch(ATTRIBUTES, json={"attributes": changes}, headers=headers)


@pytest.mark.parametrize(
    "raw",
    [NINES, f"-{NINES}", "9" * 5000, "1e400", f"{NINES}.5"],
    ids=["400 nines", "minus 400 nines", "5000 digits", "1e400", "400 nines and a half"],
)
def test_an_oversized_number_in_a_patch_names_the_field(world: World, raw: str) -> None:
    body = f'{{"attributes": {{"lifetimeValue": {raw}}}}}'.encode()
    assert _field_error(_patch(world, body), "attributes.lifetimeValue")
    body = f'{{"attributes": {{"visits": {raw}}}}}'.encode()
    assert _field_error(_patch(world, body), "attributes.visits")


def test_one_oversized_decimal_is_that_records_rejection_and_the_rest_is_written(
    bare_world: World,
) -> None:
    world = bare_world
    world.configure("USRT")
    records = customers("USRT", 1002, ["AB1"])
    text = json.dumps(records)
    # The 1,002nd record's lifetime value: 400 nines, sent as the number it is.
    marker = '"lifetimeValue": 100200.0'
    assert text.count(marker) == 1
    text = text.replace(marker, f'"lifetimeValue": {NINES}')
    reply = world.admin.request(
        "POST", IMPORT, body=text.encode(), headers={"Content-Type": "application/json"}
    )
    assert reply.status == 200, reply
    report = reply.json
    assert (report["received"], report["accepted"], report["rejected"]) == (1002, 1001, 1)
    assert report["written"] == 1001
    rejection = report["rejections"][0]
    assert rejection["index"] == 1001
    assert rejection["errors"][0]["field"] == "attributes.lifetimeValue"
    assert services().storage.customers.count("USRT") == 1001


@pytest.mark.parametrize(
    "value",
    ["1" * 5000, "1" * 5000 + ".5", "1e400", "-1e400"],
    ids=["5000 digits", "5000 digits and a half", "1e400", "-1e400"],
)
def test_numbers_json_can_carry_but_we_cannot_are_rejections_of_their_record(
    bare_world: World, value: str
) -> None:
    world = bare_world
    world.configure("USRT")
    first, second, third = customers("USRT", 3, ["AB1"])
    body = (
        f'[{json.dumps(first)}, {json.dumps(second)[:-1]}, "contactConsent": {value}}},'
        f" {json.dumps(third)}]"
    )
    reply = world.admin.request(
        "POST", IMPORT, body=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert reply.status == 200, reply
    report = reply.json
    assert (report["accepted"], report["rejected"], report["written"]) == (2, 1, 2)
    assert report["rejections"][0]["index"] == 1
    assert report["rejections"][0]["errors"][0]["field"] == "contactConsent"


def test_an_import_that_breaks_off_says_which_records_were_written(bare_world: World) -> None:
    world = bare_world
    world.configure("USRT")
    records = customers("USRT", 1500, ["AB1"])
    for record in records:
        del record["attributes"]
    body = json.dumps(records)[:-1] + ", {not json}]"
    reply = world.admin.request(
        "POST", IMPORT, body=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert reply.status == 400, reply
    problem = reply.json
    assert problem["type"].endswith(":import-stopped")
    assert "record 1500" in problem["detail"]
    report = problem["report"]
    assert (report["received"], report["accepted"], report["written"]) == (1500, 1500, 1500)
    assert report["stoppedAt"] == 1500
    assert services().storage.customers.count("USRT") == 1500


@pytest.mark.parametrize(
    "kind,record,field",
    [
        (
            "stores",
            {"storeId": "S9", "name": f"Den{BIDI_OVERRIDE}ver", "addressBooks": ["A"]},
            "name",
        ),
        ("stores", {"storeId": "S9", "name": "Den\x00ver", "addressBooks": ["A"]}, "name"),
        (
            "staff",
            {
                "staffId": "zed",
                "name": "Zed\u2066Admin",
                "objectId": "zed",
                "stores": ["S1"],
                "permissionSetId": "associate",
            },
            "name",
        ),
        ("permission-sets", {"permissionSetId": "p", "name": "P\x1b[31m"}, "name"),
        (
            "customers",
            {"customerId": "C9", "name": "Eve\nAdmin", "addressBooks": ["AB1"]},
            "name",
        ),
        ("customers", {"customerId": "C9", "name": "Eve", "birthday": "1899-12-31"}, "birthday"),
        (
            "customers",
            {"customerId": "C9", "name": "Eve", "anniversary": "2101-01-01"},
            "anniversary",
        ),
        (
            "customers",
            {"customerId": "C9", "name": "Eve", "attributes": {"preferredBrand": "A\u202eB"}},
            "attributes.preferredBrand",
        ),
        (
            "customers",
            {"customerId": "C9", "name": "Eve", "attributes": {"lastVisit": "1800-01-01"}},
            "attributes.lastVisit",
        ),
        (
            "customers",
            {"customerId": "C9", "name": "Eve", "address": {"city": "Sea\x07ttle"}},
            "address.city",
        ),
    ],
)
def test_import_records_with_hidden_characters_or_far_dates_are_rejected(
    world: World, kind: str, record: dict, field: str
) -> None:
    reply = world.admin.post(f"/api/admin/USRT/import/{kind}", json=[record])
    assert reply.status == 200, reply
    report = reply.json
    assert report["rejected"] == 1, report
    assert field in {e["field"] for e in report["rejections"][0]["errors"]}


@pytest.mark.parametrize(
    "text", [f"call {BIDI_OVERRIDE}gnp.exe", "a\x00b", "ring\x07", "x\u2069", "\x1b[2J"]
)
def test_notes_refuse_control_and_bidi_characters(world: World, text: str) -> None:
    alice = world.as_staff("alice")
    _field_error(alice.post(NOTES, json={"text": text}), "text")
    assert world.ok(alice.get(NOTES))["notes"] == []
    note = alice.post(NOTES, json={"text": "Prefers email"})
    path = f"{NOTES}/{note.json['noteId']}"
    _field_error(alice.put(path, json={"text": text}, headers={"If-Match": note.etag}), "text")
    assert world.ok(alice.get(path))["text"] == "Prefers email"


def test_notes_keep_tabs_and_line_breaks_windows_ones_too(world: World) -> None:
    text = "Sizes:\tshoes 9\r\nbags: large\nprefers email"
    note = world.ok(world.as_staff("alice").post(NOTES, json={"text": text}), 201)
    assert note["text"] == text


def test_attribute_texts_and_dates_are_checked_in_a_patch(world: World) -> None:
    message = _field_error(
        _patch(world, {"preferredBrand": "Gu\u202ecci"}), "attributes.preferredBrand"
    )
    assert "bidi" in message or "control" in message
    _field_error(_patch(world, {"lastVisit": "2101-01-01"}), "attributes.lastVisit")
    _field_error(_patch(world, {"lastVisit": "0001-01-01"}), "attributes.lastVisit")
    reply = _patch(world, {"preferredBrand": "Brand\tA", "lastVisit": "2100-12-31"})
    assert reply.status == 200, reply


def test_activity_texts_refuse_control_and_bidi_characters(world: World) -> None:
    reply = world.as_staff("alice").post(
        pos_path("S1", "customers/UC003/activities"),
        json={
            "activityTypeId": "VISIT",
            "subject": f"Fitting {BIDI_OVERRIDE}",
            "description": "ok\x00",
            "startTime": "2024-05-31T17:30:00+02:00",
        },
    )
    _field_error(reply, "subject")
    _field_error(reply, "description")


def test_activity_times_are_within_1900_and_2100(world: World) -> None:
    reply = world.as_staff("alice").post(
        pos_path("S1", "customers/UC003/activities"),
        json={"activityTypeId": "VISIT", "subject": "Later", "startTime": "2101-01-01T10:00:00Z"},
    )
    _field_error(reply, "startTime")


def test_admin_names_refuse_control_and_bidi_characters(world: World) -> None:
    reply = world.admin.put(
        "/api/admin/USRT/activity-types/VISIT", json={"name": f"Visit{BIDI_OVERRIDE}"}
    )
    _field_error(reply, "name")
