"""Customer master data: imports write only what changed; reads are per legal entity."""

from __future__ import annotations

from typing import Any

from shared.ports.storage import Storage


def customer(customer_id: str, name: str = "Ann Archer", **extra: Any) -> dict[str, Any]:
    return {"customerId": customer_id, "name": name, "addressBooks": ["AB1"], **extra}


def test_an_imported_customer_reads_back_with_an_etag(storage: Storage) -> None:
    assert storage.customers.upsert_many("USRT", [customer("C1"), customer("C2", "Bo")]) == 2
    found = storage.customers.get("USRT", "C1")
    assert found.legal_entity == "USRT" and found.customer_id == "C1"
    assert found.body == customer("C1")
    assert found.etag
    assert storage.customers.get("USRT", "C3") is None


def test_an_unchanged_customer_is_not_written_again(storage: Storage) -> None:
    storage.customers.upsert_many("USRT", [customer("C1"), customer("C2")])
    before = storage.customers.get("USRT", "C1")
    written = storage.customers.upsert_many(
        "USRT", [customer("C1"), customer("C2", email="c2@example.com")]
    )
    assert written == 1
    assert storage.customers.get("USRT", "C1") == before
    changed = storage.customers.get("USRT", "C2")
    assert changed.body["email"] == "c2@example.com"
    assert storage.customers.upsert_many("USRT", []) == 0


def test_a_changed_customer_gets_a_new_etag(storage: Storage) -> None:
    storage.customers.upsert_many("USRT", [customer("C1")])
    before = storage.customers.get("USRT", "C1")
    storage.customers.upsert_many("USRT", [customer("C1", "Ann Baker")])
    after = storage.customers.get("USRT", "C1")
    assert after.etag != before.etag and after.body["name"] == "Ann Baker"


def test_customers_are_counted_and_kept_per_legal_entity(storage: Storage) -> None:
    storage.customers.upsert_many("USRT", [customer(f"C{n}") for n in range(12)])
    storage.customers.upsert_many("DEMF", [customer("C1", "Dora")])
    assert storage.customers.count("USRT") == 12
    assert storage.customers.count("DEMF") == 1
    assert storage.customers.count("FRRT") == 0
    assert storage.customers.get("DEMF", "C1").body["name"] == "Dora"
    assert storage.customers.get("USRT", "C1").body["name"] == "Ann Archer"


def test_get_many_answers_the_existing_ones_by_id(storage: Storage) -> None:
    storage.customers.upsert_many(
        "USRT", [{"customerId": c, "name": f"Name {c}"} for c in ("GM1", "GM2", "GM3")]
    )
    storage.customers.upsert_many("DEMF", [{"customerId": "GM4", "name": "Elsewhere"}])
    found = storage.customers.get_many("USRT", ["GM3", "GM1", "NOPE", "GM4", "GM1"])
    assert sorted(found) == ["GM1", "GM3"]
    assert found["GM3"] == storage.customers.get("USRT", "GM3")
    assert storage.customers.get_many("USRT", []) == {}
