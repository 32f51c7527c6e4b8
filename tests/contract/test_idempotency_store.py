"""Idempotency records: an atomic reservation per scope and key, the first result, expiry."""

from __future__ import annotations

import dataclasses
import threading

from shared.ports.idempotency import IdempotencyRecord
from shared.ports.storage import Storage

DAY1 = "2024-06-01T10:00:00.000Z"
DAY2 = "2024-06-02T10:00:00.000Z"
SCOPE = "alice USRT POST /api/stores/S1/customers/UC001/activities"


def record(resource_id: str, key: str = "k-1", scope: str = SCOPE, body: str = "fp-a"):
    return IdempotencyRecord(scope, key, body, resource_id, DAY1, DAY2)


def test_a_key_is_reserved_once_and_found_until_it_completes(storage: Storage) -> None:
    store = storage.idempotency
    first = record("id-1")
    assert store.reserve(first, DAY1) == first
    assert store.reserve(record("id-2", body="fp-b"), DAY1) == first  # the record in force
    first_result = {"activityId": "id-1", "subject": "Été", "a": [1, 2], "Z": None}
    store.complete(SCOPE, "k-1", 201, first_result)
    store.complete(SCOPE, "k-1", 500, {"late": "second completion"})
    held = store.reserve(record("id-3"), "2024-06-01T23:00:00.000Z")
    assert held == dataclasses.replace(first, status=201, body=first_result)
    assert list(held.body) == ["activityId", "subject", "a", "Z"]  # replayed as first sent


def test_scopes_and_keys_are_independent_whatever_characters_they_hold(storage: Storage) -> None:
    store = storage.idempotency
    odd_key = "retry #1 / 50% ?é " + "x" * 180
    mine = record("id-1", key=odd_key)
    theirs = record("id-2", key=odd_key, scope=SCOPE.replace("alice", "bob"))
    other_key = record("id-3", key="k-2")
    for candidate in (mine, theirs, other_key):
        assert store.reserve(candidate, DAY1) == candidate
    store.complete(SCOPE, odd_key, 201, {"n": 1})
    assert store.reserve(record("id-9", key=odd_key), DAY1).body == {"n": 1}
    assert store.reserve(dataclasses.replace(theirs, resource_id="id-9"), DAY1) == theirs


def test_release_frees_only_a_pending_reservation_of_the_same_resource(storage: Storage) -> None:
    store = storage.idempotency
    first = record("id-1")
    store.reserve(first, DAY1)
    store.release(SCOPE, "k-1", "id-other")  # not this reservation's resource: kept
    assert store.reserve(record("id-2"), DAY1) == first
    store.release(SCOPE, "k-1", "id-1")
    second = record("id-2", body="fp-b")
    assert store.reserve(second, DAY1) == second
    store.complete(SCOPE, "k-1", 201, {"id": "id-2"})
    store.release(SCOPE, "k-1", "id-2")  # completed: the result stays for retries
    assert store.reserve(record("id-3"), DAY1).status == 201
    store.release(SCOPE, "k-missing", "id-1")  # nothing to release: no error


def test_an_expired_record_is_as_good_as_absent(storage: Storage) -> None:
    store = storage.idempotency
    store.reserve(record("id-1"), DAY1)
    store.complete(SCOPE, "k-1", 201, {"id": "id-1"})
    just_before = "2024-06-02T09:59:59.999Z"
    assert store.reserve(record("id-2"), just_before).resource_id == "id-1"
    store.purge_expired(just_before, 100)  # nothing has expired yet: nothing goes
    assert store.reserve(record("id-2"), just_before).status == 201
    renewed = IdempotencyRecord(SCOPE, "k-1", "fp-b", "id-2", DAY2, "2024-06-03T10:00:00.000Z")
    assert store.reserve(renewed, DAY2) == renewed  # expired at DAY2: taken over
    assert store.reserve(record("id-3"), DAY2) == renewed


def test_an_expired_pending_reservation_is_taken_over_after_a_purge(storage: Storage) -> None:
    store = storage.idempotency
    store.reserve(record("id-1"), DAY1)
    store.purge_expired(DAY2, 100)
    renewed = IdempotencyRecord(SCOPE, "k-1", "fp-a", "id-2", DAY2, "2024-06-03T10:00:00.000Z")
    assert store.reserve(renewed, DAY2) == renewed
    store.complete(SCOPE, "k-1", 201, {"id": "id-2"})
    assert store.reserve(record("id-3"), DAY2).body == {"id": "id-2"}


def test_of_requests_racing_for_one_key_exactly_one_reserves_it(storage: Storage) -> None:
    start = threading.Barrier(5)
    held: dict[int, IdempotencyRecord] = {}

    def reserve(n: int) -> None:
        start.wait()
        held[n] = storage.idempotency.reserve(record(f"id-{n}"), DAY1)

    racers = [threading.Thread(target=reserve, args=(n,)) for n in range(5)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)
    assert len(held) == 5
    assert len({r.resource_id for r in held.values()}) == 1
