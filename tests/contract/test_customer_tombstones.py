"""Tombstones: an erasure leaves one per customer, found singly, in batches and all at once,
kept on a repeat, removed by a restore, and never seen from another legal entity."""

from __future__ import annotations

from shared.ports.storage import Storage


def test_a_tombstone_is_found_for_its_customer_only(storage: Storage) -> None:
    storage.customers.mark_erased("USRT", "UC003", "2026-01-02T03:04:05.000Z")

    assert storage.customers.erased_among("USRT", ["UC003"]) == {"UC003"}
    assert storage.customers.erased_among("USRT", ["UC001", "UC003", "UC004"]) == {"UC003"}
    assert storage.customers.erased_among("USRT", ["UC001"]) == set()
    assert storage.customers.erased_among("USRT", []) == set()
    assert storage.customers.erased_among("DEMF", ["UC003"]) == set()
    assert storage.customers.erased_ids("USRT") == {"UC003"}
    assert storage.customers.erased_ids("DEMF") == set()


def test_erasing_twice_keeps_one_tombstone(storage: Storage) -> None:
    storage.customers.mark_erased("USRT", "UC003", "2026-01-02T03:04:05.000Z")
    storage.customers.mark_erased("USRT", "UC003", "2026-02-02T03:04:05.000Z")
    storage.customers.mark_erased("USRT", "UC004", "2026-02-02T03:04:05.000Z")

    assert storage.customers.erased_ids("USRT") == {"UC003", "UC004"}


def test_a_restore_removes_the_tombstone_and_nothing_else(storage: Storage) -> None:
    for customer in ("UC003", "UC004"):
        storage.customers.mark_erased("USRT", customer, "2026-01-02T03:04:05.000Z")
    storage.customers.mark_erased("DEMF", "UC003", "2026-01-02T03:04:05.000Z")

    storage.customers.restore("USRT", "UC003")
    storage.customers.restore("USRT", "UC999")  # nothing to restore: no error

    assert storage.customers.erased_among("USRT", ["UC003", "UC004"]) == {"UC004"}
    assert storage.customers.erased_ids("DEMF") == {"UC003"}


def test_tombstones_stay_out_of_client_books(storage: Storage) -> None:
    storage.customers.mark_erased("USRT", "UC003", "2026-01-02T03:04:05.000Z")

    assert storage.client_books.holdings_of("USRT", ["UC003"]) == []
    assert storage.client_books.book_of("USRT", "UC003") is None
