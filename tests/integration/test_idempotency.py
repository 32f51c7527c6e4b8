"""Retried creates through the idempotency service over the embedded store."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.sqlite.storage import SqliteStorage
from shared.domain.errors import IdempotencyKeyReused, ValidationFailed
from shared.services.idempotency import IdempotencyService, Result
from tests.support.movable_clock import MovableClock


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SqliteStorage]:
    store = SqliteStorage(tmp_path / "db.sqlite")
    yield store
    store.close()


class Creator:
    """Creates under the id it is given, like the activity store: an id seen twice is kept."""

    def __init__(self) -> None:
        self.created: dict[str, int] = {}
        self.ids = (f"id{n}" for n in itertools.count(1))

    def __call__(self, resource_id: str) -> Result:
        self.created.setdefault(resource_id, len(self.created) + 1)
        return Result(201, {"id": resource_id, "n": self.created[resource_id]})


def test_a_retry_replays_and_another_body_is_refused(storage: SqliteStorage) -> None:
    service, create = IdempotencyService(storage.idempotency, MovableClock()), Creator()
    first = service.run("alice POST /x", "k1", "body-a", lambda: next(create.ids), create)
    again = service.run("alice POST /x", "k1", "body-a", lambda: next(create.ids), create)
    assert (again.status, again.body, again.replayed) == (201, first.body, True)
    assert len(create.created) == 1
    with pytest.raises(IdempotencyKeyReused):
        service.run("alice POST /x", "k1", "body-b", lambda: next(create.ids), create)
    other_caller = service.run("bob POST /x", "k1", "body-a", lambda: next(create.ids), create)
    assert other_caller.body != first.body and not other_caller.replayed


def test_a_retry_while_the_first_attempt_is_unfinished_creates_under_the_same_id(
    storage: SqliteStorage,
) -> None:
    """The first attempt reserved the key and died (or still runs): no second record."""
    service, create = IdempotencyService(storage.idempotency, MovableClock()), Creator()

    def dies_after_writing(resource_id: str) -> Result:
        create(resource_id)
        raise RuntimeError("instance lost")

    with pytest.raises(RuntimeError):
        service.run("alice POST /x", "k1", "body", lambda: next(create.ids), dies_after_writing)
    retry = service.run("alice POST /x", "k1", "body", lambda: next(create.ids), create)
    assert retry.body == {"id": "id1", "n": 1}
    assert create.created == {"id1": 1}


def test_a_refused_request_does_not_hold_its_key(storage: SqliteStorage) -> None:
    service, create = IdempotencyService(storage.idempotency, MovableClock()), Creator()

    def refuses(resource_id: str) -> Result:
        raise ValidationFailed.single("subject", "required")

    with pytest.raises(ValidationFailed):
        service.run("alice POST /x", "k1", "bad body", lambda: next(create.ids), refuses)
    fixed = service.run("alice POST /x", "k1", "good body", lambda: next(create.ids), create)
    assert fixed.status == 201 and not fixed.replayed


def test_keys_expire_after_a_day_and_are_purged(storage: SqliteStorage) -> None:
    clock = MovableClock(dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    service, create = IdempotencyService(storage.idempotency, clock), Creator()
    service.run("alice POST /x", "k1", "body", lambda: next(create.ids), create)
    clock.advance(dt.timedelta(hours=23, minutes=59))
    assert service.run("alice POST /x", "k1", "body", lambda: next(create.ids), create).replayed
    clock.advance(dt.timedelta(minutes=2))
    assert storage.idempotency.purge_expired("2024-06-02T00:01:00.000Z", 10) == 1
    after = service.run("alice POST /x", "k1", "other body", lambda: next(create.ids), create)
    assert not after.replayed and len(create.created) == 2
