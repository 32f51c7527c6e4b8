"""Properties of import bodies and records: every record is written or rejected, never a 500.

Records are drawn as realistic ones with any field replaced by any JSON value (numbers of
hundreds of digits, texts with control and bidi characters, far dates), for every import
kind, and run through the one import path over the embedded store.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.adapters.sqlite.storage import SqliteStorage
from shared.domain.distribution import SINGLETON_ID, Kind
from shared.domain.errors import ImportStopped, MalformedRequest
from shared.domain.json_numbers import OUT_OF_RANGE, decoder, out_of_range_numbers
from shared.services.imports import ImportService
from shared.services.record_stream import records
from tests.support.properties import FORBIDDEN_IN_TEXT, QUICK, THROUGH_THE_APP, json_values
from tests.support.world import ATTRIBUTE_GROUP

LEGAL_ENTITY = "USRT"
GOOD = {
    "stores": {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]},
    "permission-sets": {"permissionSetId": "p", "name": "P", "operations": ["view-client-book"]},
    "staff": {
        "staffId": "zed",
        "name": "Zed",
        "objectId": "zed",
        "stores": ["S1"],
        "permissionSetId": "associate",
    },
    "customers": {
        "customerId": "C1",
        "name": "Zoë Ågren",
        "email": "zoe@example.com",
        "addressBooks": ["AB1"],
        "birthday": "1980-02-29",
        "attributes": {"lifetimeValue": 12.5, "visits": 3, "preferredBrand": "Brand\tA"},
    },
}
odd_values = st.one_of(
    json_values,
    st.integers(min_value=-(10**450), max_value=10**450),
    # Beyond what a double holds: float() of these raises OverflowError.
    st.integers(min_value=10**309, max_value=10**450).flatmap(lambda n: st.sampled_from([n, -n])),
    st.text(alphabet=st.sampled_from(FORBIDDEN_IN_TEXT + list("ab ")), max_size=6),
    st.sampled_from(["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"]),
)


def _field_paths(record: dict[str, Any]) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for key, value in record.items():
        paths.append((key,))
        if isinstance(value, dict):
            # Nested values (attributes) twice: they have the most rules to get wrong.
            paths.extend((key, inner) for inner in value for _ in range(2))
    return paths


@st.composite
def altered_records(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """A good record of `kind` with a few fields (or attribute values) replaced by anything."""
    record = json.loads(json.dumps(GOOD[kind]))
    for path in draw(st.lists(st.sampled_from(_field_paths(record)), max_size=3)):
        target = record
        for key in path[:-1]:
            target = target[key]
        if isinstance(target, dict):  # an earlier change may have replaced the parent
            target[path[-1]] = draw(odd_values)
    return record


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImportService]:
    storage = SqliteStorage(tmp_path_factory.mktemp("imports") / "db.sqlite")
    hq = storage.headquarters
    hq.put(LEGAL_ENTITY, Kind.ATTRIBUTE_GROUP, "CLIENTBOOK", ATTRIBUTE_GROUP)
    hq.put(LEGAL_ENTITY, Kind.PARAMETERS, SINGLETON_ID, {"attributeGroupId": "CLIENTBOOK"})
    hq.put(LEGAL_ENTITY, Kind.STORE, "S1", GOOD["stores"])
    hq.put(LEGAL_ENTITY, Kind.PERMISSION_SET, "associate", {"permissionSetId": "associate"})
    yield ImportService(storage)
    storage.close()


def _body(items: list[Any]) -> str:
    return json.dumps(items, ensure_ascii=False)


@THROUGH_THE_APP
@given(st.data())
@pytest.mark.parametrize("kind", sorted(GOOD))
def test_every_record_is_accepted_or_rejected_and_the_report_adds_up(
    service: ImportService, kind: str, data: st.DataObject
) -> None:
    batch = data.draw(
        st.lists(st.one_of(altered_records(kind), json_values), min_size=1, max_size=4)
    )
    report = service.run(LEGAL_ENTITY, kind, records(_body(batch), ndjson=False))
    assert report.received == len(batch)
    assert report.accepted + report.rejected == report.received
    assert report.written <= report.accepted
    for rejection in report.rejections:
        assert 0 <= rejection["index"] < len(batch)
        assert all(error["field"] and error["message"] for error in rejection["errors"])


@THROUGH_THE_APP
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from([a["name"] for a in ATTRIBUTE_GROUP["attributes"]] + ["nope"]),
            odd_values,
            max_size=6,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_customer_records_with_any_attribute_values_are_accepted_or_rejected(
    service: ImportService, attribute_sets: list[dict[str, Any]]
) -> None:
    batch = [
        dict(GOOD["customers"], customerId=f"A{n}", attributes=values)
        for n, values in enumerate(attribute_sets)
    ]
    report = service.run(LEGAL_ENTITY, "customers", records(_body(batch), ndjson=False))
    assert report.accepted + report.rejected == report.received == len(batch)
    for rejection in report.rejections:
        assert all(e["field"].startswith("attributes.") for e in rejection["errors"])


def test_an_oversized_number_is_its_records_rejection_naming_the_field(
    service: ImportService,
) -> None:
    good = json.loads(json.dumps(GOOD["customers"]))
    text = f'[{{"customerId": "C2", "name": "N", "attributes": {{"lifetimeValue": {"9" * 400}}}}},'
    text += (
        f' {{"customerId": "C3", "name": "N", "contactConsent": {"1" * 5000}}}, {_body([good])[1:]}'
    )
    report = service.run(LEGAL_ENTITY, "customers", records(text, ndjson=False))
    assert (report.received, report.accepted, report.rejected) == (3, 1, 2)
    fields = [r["errors"][0]["field"] for r in report.rejections]
    assert fields == ["attributes.lifetimeValue", "contactConsent"]


@QUICK
@given(st.lists(json_values, max_size=5), st.booleans())
@example([{"name": "a\u2028b", "x": "\x85"}], True)
def test_bodies_read_back_record_by_record(items: list[Any], ndjson: bool) -> None:
    text = "\n".join(json.dumps(i) for i in items) if ndjson else _body(items)
    assert [record for _, record in records(text, ndjson)] == items


@QUICK
@given(st.text(max_size=40), st.booleans())
def test_any_body_is_records_or_a_malformed_request(text: str, ndjson: bool) -> None:
    with contextlib.suppress(MalformedRequest):  # anything else fails the test
        list(records(text, ndjson))


@QUICK
@given(st.lists(st.sampled_from(["1" * 5000, "-" + "9" * 400, "1e400", "-1e999", "7", "0.5"])))
def test_numbers_of_any_size_are_read_and_each_too_large_one_is_named(numbers: list[str]) -> None:
    document = decoder.decode(
        "{" + ", ".join(f'"n{i}": [{n}]' for i, n in enumerate(numbers)) + "}"
    )
    named = {e["field"] for e in out_of_range_numbers(document) if e["message"] == OUT_OF_RANGE}
    too_large = {f"n{i}.0" for i, n in enumerate(numbers) if len(n) > 20 or "e" in n}
    assert named == too_large
    for i in range(len(numbers)):
        if f"n{i}.0" not in too_large:
            assert math.isfinite(document[f"n{i}"][0])


def test_a_body_that_breaks_off_reports_what_was_written(service: ImportService) -> None:
    good = [dict(GOOD["customers"], customerId=f"B{n}") for n in range(3)]
    text = _body(good)[:-1] + ", {broken"
    with pytest.raises(ImportStopped) as stopped:
        service.run(LEGAL_ENTITY, "customers", records(text, ndjson=False))
    report = stopped.value.extensions["report"]
    assert (report["received"], report["accepted"], report["stoppedAt"]) == (3, 3, 3)
    assert "record 3" in stopped.value.detail
