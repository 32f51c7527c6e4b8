"""A store's "today" is its local date: stores in different time zones, at the same instant,
see different upcoming birthdays; the zone comes from the store import, UTC by default."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.movable_clock import MovableClock, install_clock
from tests.support.world import STORES, World, add_to_book, pos_path

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def set_zones(world: World, zones: dict[str, str | None]) -> None:
    """Import USRT's stores again with these zones (None: no timeZone) and publish them."""
    records = []
    for store_id, name, books in STORES["USRT"]:
        record = {"storeId": store_id, "name": name, "addressBooks": books}
        if zones.get(store_id) is not None:
            record["timeZone"] = zones[store_id]
        records.append(record)
    world.import_records("USRT", "stores", records)
    run = world.ok(world.admin.post("/api/admin/distribution/1090/run"))
    assert run["status"] == "succeeded", run


def upcoming_today(world: World, store_id: str) -> list[str]:
    """Bob's book (he works in S1 and S2) as seen from `store_id`: today's dates only."""
    page = world.ok(
        world.as_staff("bob").get(
            pos_path(store_id, "client-book/customers"), params={"upcoming": "1"}
        )
    )
    return [c["customerId"] for c in page["customers"]]


@pytest.fixture
def clock(world: World) -> MovableClock:
    world.import_records(
        "USRT",
        "customers",
        [
            {"customerId": cid, "name": name, "addressBooks": ["AB1"], "birthday": birthday}
            for cid, name, birthday in (
                ("DEC20", "Twentieth December", "1990-12-20"),
                ("DEC21", "Twenty-first December", "1985-12-21"),
                ("DEC31", "New Year's Eve", "1970-12-31"),
                ("JAN01", "New Year's Day", "2000-01-01"),
            )
        ],
    )
    add_to_book(world, "bob", ["DEC20", "DEC21", "DEC31", "JAN01"], "S1")
    moving = MovableClock(utc(2025, 12, 20, 20))
    install_clock(moving)
    return moving


def test_stores_in_auckland_and_los_angeles_see_different_todays(
    world: World, clock: MovableClock
) -> None:
    set_zones(world, {"S1": AUCKLAND, "S2": LOS_ANGELES})
    # 20:00 UTC on 20 December: 09:00 on the 21st in Auckland, 12:00 on the 20th in LA.
    assert upcoming_today(world, "S1") == ["DEC21"]
    assert upcoming_today(world, "S2") == ["DEC20"]


def test_a_store_without_a_time_zone_lives_in_utc(world: World, clock: MovableClock) -> None:
    set_zones(world, {"S2": LOS_ANGELES})
    # 00:30 UTC on the 21st: S1 (no zone) is on the 21st, LA still at 16:30 on the 20th.
    clock.advance(dt.timedelta(hours=4, minutes=30))
    assert upcoming_today(world, "S1") == ["DEC21"]
    assert upcoming_today(world, "S2") == ["DEC20"]


def test_the_year_wraps_at_each_store_s_local_midnight(world: World, clock: MovableClock) -> None:
    set_zones(world, {"S1": AUCKLAND, "S2": LOS_ANGELES})
    clock.advance(utc(2025, 12, 31, 10, 59) - clock.now())  # 23:59 in Auckland (UTC+13)
    assert upcoming_today(world, "S1") == ["DEC31"]
    clock.advance(dt.timedelta(minutes=1))  # midnight in Auckland; 03:00 on the 31st in LA
    assert upcoming_today(world, "S1") == ["JAN01"]
    assert upcoming_today(world, "S2") == ["DEC31"]
    clock.advance(utc(2026, 1, 1, 7, 59) - clock.now())  # 23:59 in LA (UTC-8)
    assert upcoming_today(world, "S2") == ["DEC31"]
    clock.advance(dt.timedelta(minutes=1))
    assert upcoming_today(world, "S2") == ["JAN01"]


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "pacific/auckland", "localtime", "../../etc/passwd", "", 7]
)
def test_an_unknown_time_zone_rejects_the_store_record_naming_the_field(
    world: World, clock: MovableClock, zone: object
) -> None:
    set_zones(world, {"S1": AUCKLAND})
    reply = world.admin.post(
        "/api/admin/USRT/import/stores",
        json=[
            {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"], "timeZone": zone},
            {"storeId": "S9", "name": "Denver", "addressBooks": ["AB9"], "timeZone": "UTC"},
        ],
    )
    report = world.ok(reply)
    assert (report["accepted"], report["rejected"]) == (1, 1)
    [rejection] = report["rejections"]
    assert rejection["index"] == 0
    assert [e["field"] for e in rejection["errors"]] == ["timeZone"]
    if isinstance(zone, str) and zone:
        assert "IANA time zone" in rejection["errors"][0]["message"]
    # The rejected record changed nothing: S1 still lives in Auckland after publishing.
    run = world.ok(world.admin.post("/api/admin/distribution/1090/run"))
    assert run["status"] == "succeeded", run
    assert upcoming_today(world, "S1") == ["DEC21"]


def test_the_openapi_document_describes_the_store_record_with_its_time_zone(
    world: World,
) -> None:
    document = world.ok(world.api.get("/api/openapi.json"))
    body = document["paths"]["/api/admin/{legalEntity}/import/{kind}"]["post"]["requestBody"]
    records = body["content"]["application/json"]["schema"]
    assert records["type"] == "array"
    assert {"$ref": "#/components/schemas/Store"} in records["items"]["oneOf"]
    time_zone = document["components"]["schemas"]["Store"]["properties"]["timeZone"]
    assert (time_zone["type"], time_zone["default"]) == ("string", "UTC")
    assert "IANA" in time_zone["description"]
