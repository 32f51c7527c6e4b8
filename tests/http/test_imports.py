"""Bulk imports validate each record and report what was accepted and rejected."""

from __future__ import annotations

import json

from shared.composition import services
from tests.support.world import World, customers

BASE = "/api/admin/USRT/import"


def _import(world: World, kind: str, records, **kwargs) -> dict:
    reply = world.admin.post(f"{BASE}/{kind}", json=records, **kwargs)
    assert reply.status == 200, reply
    return reply.json


def test_each_record_is_validated_and_reported(world: World) -> None:
    report = _import(
        world,
        "stores",
        [
            {"storeId": "S9", "name": "Denver", "addressBooks": ["AB9"]},
            {"storeId": "S10", "name": "No books", "addressBooks": []},
            {"storeId": "bad id!", "name": "X", "addressBooks": ["AB1"]},
            "not an object",
            {"storeId": "S9", "name": "Twice", "addressBooks": ["AB9"]},
            {"storeId": "D1", "name": "Berlin again", "addressBooks": ["AB1"]},
        ],
    )
    assert (report["received"], report["accepted"], report["rejected"]) == (6, 1, 5)
    by_index = {r["index"]: r for r in report["rejections"]}
    assert by_index[1]["errors"][0]["field"] == "addressBooks"
    assert by_index[2]["errors"][0]["field"] == "storeId"
    assert by_index[3]["errors"][0]["message"] == "must be a JSON object"
    assert by_index[4]["errors"][0]["message"] == "appears twice in this import"
    assert by_index[5]["errors"][0]["message"] == "belongs to another legal entity"


def test_staff_must_reference_known_stores_and_permission_sets(world: World) -> None:
    report = _import(
        world,
        "staff",
        [
            {
                "staffId": "zed",
                "name": "Zed",
                "objectId": "zed",
                "stores": ["S1", "S99"],
                "permissionSetId": "associate",
            },
            {
                "staffId": "yan",
                "name": "Yan",
                "objectId": "yan",
                "stores": ["S1"],
                "permissionSetId": "nope",
            },
            {
                "staffId": "xu",
                "name": "Xu",
                "objectId": "alice",
                "stores": ["S1"],
                "permissionSetId": "associate",
            },
        ],
    )
    assert report["accepted"] == 0
    messages = [e["message"] for r in report["rejections"] for e in r["errors"]]
    assert "no store 'S99' in USRT" in messages
    assert "no such permission set" in messages
    assert "already used by another staff id" in messages


def test_customer_attributes_are_checked_against_the_client_book_group(world: World) -> None:
    good, bad = customers("USRT", 2, ["AB1"])
    bad["attributes"] = {"favoriteCategory": "Hats", "visits": "many", "shoeSize": 9}
    report = _import(world, "customers", [good, bad])
    assert report["accepted"] == 1
    fields = {e["field"] for e in report["rejections"][0]["errors"]}
    assert fields == {
        "attributes.favoriteCategory",
        "attributes.visits",
        "attributes.shoeSize",
    }


def test_reimporting_unchanged_records_writes_nothing(world: World) -> None:
    records = customers("USRT", 5, ["AB1", "AB2", "AB3"])
    assert _import(world, "customers", records)["written"] == 0  # the world has them already
    records[0]["name"] = "Renamed Customer"
    assert _import(world, "customers", records)["written"] == 1


def test_ndjson_imports_stream_many_customers(bare_world: World) -> None:
    records = customers("USRT", 2500, ["AB1", "AB2"])
    for record in records:
        del record["attributes"]  # nothing is configured yet, so no attribute is known
    body = "\n".join(json.dumps(r) for r in records).encode()
    reply = bare_world.admin.request(
        "POST",
        f"{BASE}/customers",
        body=body,
        headers={"Content-Type": "application/x-ndjson"},
    )
    assert reply.status == 200, reply
    assert reply.json["accepted"] == 2500
    assert services().storage.customers.count("USRT") == 2500


def test_a_broken_array_is_a_400_naming_the_record(bare_world: World) -> None:
    reply = bare_world.admin.request(
        "POST",
        f"{BASE}/stores",
        body=b'[{"storeId": "S1", "name": "a", "addressBooks": ["A"]}, {"storeId": ',
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 400
    assert "record 1" in reply.json["detail"]


def test_unknown_import_kinds_are_404(bare_world: World) -> None:
    reply = bare_world.admin.post(f"{BASE}/products", json=[])
    assert reply.status == 404
    assert "stores, staff, permission-sets, customers" in reply.json["detail"]
