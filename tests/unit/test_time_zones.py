"""Store time zones: IANA names only, UTC by default, local dates across DST and midnight."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from shared.domain.organisation import Store
from shared.domain.time_zones import checked_time_zone, local_date


def test_a_store_without_a_time_zone_is_utc_also_when_published_before_zones_existed() -> None:
    store = Store.model_validate({"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]})
    assert store.time_zone == "UTC"
    assert store.to_json()["timeZone"] == "UTC"


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"])
def test_iana_names_are_kept(name: str) -> None:
    assert checked_time_zone(name) == name


@pytest.mark.parametrize(
    "name", ["utc", "Europe/paris", "localtime", "posixrules", "/etc/localtime", "CET+1", "x" * 65]
)
def test_other_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Store.model_validate(
            {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"], "timeZone": name}
        )
    assert caught.value.errors()[0]["loc"] == ("timeZone",)


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        (
            dt.datetime(2025, 12, 31, 10, 59, tzinfo=dt.UTC),
            "Pacific/Auckland",
            dt.date(2025, 12, 31),
        ),
        (dt.datetime(2025, 12, 31, 11, 0, tzinfo=dt.UTC), "Pacific/Auckland", dt.date(2026, 1, 1)),
        # In July Auckland is on standard time (UTC+12): midnight is an hour later in UTC.
        (dt.datetime(2025, 7, 14, 11, 30, tzinfo=dt.UTC), "Pacific/Auckland", dt.date(2025, 7, 14)),
        (dt.datetime(2025, 7, 14, 12, 0, tzinfo=dt.UTC), "Pacific/Auckland", dt.date(2025, 7, 15)),
        (
            dt.datetime(2026, 1, 1, 7, 59, tzinfo=dt.UTC),
            "America/Los_Angeles",
            dt.date(2025, 12, 31),
        ),
        (dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC), "America/Los_Angeles", dt.date(2026, 1, 1)),
        (dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC), "UTC", dt.date(2026, 1, 1)),
    ],
)
def test_local_date_follows_the_zone_s_offset_on_that_day(
    moment: dt.datetime, zone: str, expected: dt.date
) -> None:
    assert local_date(moment, zone) == expected
