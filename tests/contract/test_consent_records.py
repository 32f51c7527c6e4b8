"""Consent records: created once, replaced only with the current ETag, found by phone key
(and no longer under an earlier one), erased with their lookup, never seen across legal
entities."""

from __future__ import annotations

import pytest

from shared.domain.errors import PreconditionFailed
from shared.ports.consent import PhoneOwner
from shared.ports.storage import Storage

EVENT = {
    "channel": "sms",
    "state": "opted-out",
    "source": "sms-keyword",
    "recordedAt": "2026-03-01T10:00:00Z",
}


def test_a_record_is_created_read_and_replaced_with_its_etag(storage: Storage) -> None:
    assert storage.consent.get("USRT", "UC001") is None

    created = storage.consent.save("USRT", "UC001", [EVENT], "+12065550001", None)
    again = storage.consent.get("USRT", "UC001")

    assert again is not None
    assert again.history == [EVENT] and again.phone_key == "+12065550001"
    assert again.etag == created.etag
    replaced = storage.consent.save("USRT", "UC001", [EVENT, EVENT], "+12065550001", created.etag)
    assert replaced.etag != created.etag
    assert storage.consent.get("USRT", "UC001").history == [EVENT, EVENT]
    assert storage.consent.get("DEMF", "UC001") is None


def test_a_stale_etag_or_a_second_create_is_refused(storage: Storage) -> None:
    created = storage.consent.save("USRT", "UC001", [EVENT], None, None)
    storage.consent.save("USRT", "UC001", [], None, created.etag)

    with pytest.raises(PreconditionFailed):
        storage.consent.save("USRT", "UC001", [EVENT], None, created.etag)
    with pytest.raises(PreconditionFailed):
        storage.consent.save("USRT", "UC001", [EVENT], None, None)
    with pytest.raises(PreconditionFailed):
        storage.consent.save("USRT", "UC002", [EVENT], None, "no-such-etag")
    assert storage.consent.get("USRT", "UC001").history == []
    assert storage.consent.get("USRT", "UC002") is None


def test_many_are_read_at_once(storage: Storage) -> None:
    for customer in ("UC001", "UC002", "UC003"):
        storage.consent.save("USRT", customer, [EVENT], None, None)
    storage.consent.save("DEMF", "UC002", [], None, None)

    found = storage.consent.get_many("USRT", ["UC002", "UC003", "UC404"])

    assert set(found) == {"UC002", "UC003"}
    assert found["UC002"].history == [EVENT]
    assert storage.consent.get_many("USRT", []) == {}


def test_customers_are_found_by_their_current_phone_key_only(storage: Storage) -> None:
    first = storage.consent.save("USRT", "UC001", [], "+4791234567", None)
    storage.consent.save("DEMF", "DC009", [], "+4791234567", None)
    storage.consent.save("USRT", "UC002", [], "+4790000000", None)

    assert storage.consent.owners_of_phone("+4791234567") == [
        PhoneOwner("DEMF", "DC009"),
        PhoneOwner("USRT", "UC001"),
    ]
    storage.consent.save("USRT", "UC001", [], "+4798888888", first.etag, first.phone_key)

    assert storage.consent.owners_of_phone("+4791234567") == [PhoneOwner("DEMF", "DC009")]
    assert storage.consent.owners_of_phone("+4798888888") == [PhoneOwner("USRT", "UC001")]
    assert storage.consent.owners_of_phone("+15550000000") == []


def test_erasure_removes_the_record_and_its_phone_lookup(storage: Storage) -> None:
    storage.consent.save("USRT", "UC001", [EVENT], "+4791234567", None)
    storage.consent.save("USRT", "UC002", [EVENT], "+4791234567", None)

    assert storage.consent.erase("USRT", "UC001") is True
    assert storage.consent.erase("USRT", "UC001") is False

    assert storage.consent.get("USRT", "UC001") is None
    assert storage.consent.owners_of_phone("+4791234567") == [PhoneOwner("USRT", "UC002")]
    assert storage.consent.get("USRT", "UC002") is not None
