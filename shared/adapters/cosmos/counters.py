"""The two numbers the Cosmos adapter keeps: the headquarters change sequence and the
published version.

The change sequence is the subtle one. Cosmos DB has no transaction across partitions, so a
headquarters write takes its number first and writes the document second. Taking numbers in
order is not enough: writer A takes 5, writer B takes 6 and finishes first, distribution
reads 6 and moves its watermark past 5 before A's document lands, and A's change is never
published. So every allocation is recorded as *pending* on the counter item until its writer
releases it, and readers only trust numbers below the oldest pending allocation (the
horizon). A writer that dies leaves its allocation pending; it expires after
PENDING_EXPIRY_SECONDS, and writers stop writing with an allocation long before that. The
reasoning and its costs are in docs/cosmos.md.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import PUBLISHED_META_PARTITION, SEQUENCE_PARTITION
from shared.domain.errors import (
    ClientelingError,
    Conflict,
    DependencyUnavailable,
    NotFound,
    PreconditionFailed,
)

log = logging.getLogger(__name__)

PENDING_EXPIRY_SECONDS = 300.0
# A writer must finish its writes well inside the expiry, or stop (see Allocation.check).
WRITE_BUDGET_SECONDS = PENDING_EXPIRY_SECONDS / 2
ALLOCATION_ATTEMPTS = 60


@dataclass(frozen=True)
class Allocation:
    """Consecutive change numbers first..last, reserved for one writer."""

    token: str
    first: int
    last: int
    taken_at: float

    def numbers(self) -> range:
        return range(self.first, self.last + 1)

    def check(self, now: float) -> None:
        """Refuse to write with an allocation that readers may soon stop waiting for."""
        if now - self.taken_at > WRITE_BUDGET_SECONDS:
            raise DependencyUnavailable(
                "the database was too slow to finish this write in time; send it again"
            )


class ChangeSequence:
    """Globally increasing numbers for headquarters writes, safe to read in order."""

    ITEM_ID = "hq-change"

    def __init__(self, container: CosmosContainer, clock: Callable[[], float] = time.time):
        self._container = container
        self._clock = clock
        # The last state seen, so a lone writer allocates with one request, not two.
        self._last_seen: dict[str, Any] | None = None

    @contextmanager
    def reserved(self, count: int) -> Iterator[Allocation]:
        """Allocate `count` numbers for the block's writes; released however the block ends."""
        allocation = self.allocate(count)
        try:
            yield allocation
        finally:
            self.release(allocation)

    def allocate(self, count: int) -> Allocation:
        token = uuid.uuid4().hex
        state = self._last_seen
        for attempt in range(ALLOCATION_ATTEMPTS):
            if state is None:
                state = self._container.read(self.ITEM_ID, SEQUENCE_PARTITION)
            now = self._clock()
            try:
                stored, first = self._write_allocation(state, token, count, now)
            except (PreconditionFailed, Conflict, NotFound):
                state = None  # someone else allocated or released meanwhile: read again
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            self._last_seen = stored
            return Allocation(token, first, first + count - 1, now)
        raise DependencyUnavailable("too many concurrent headquarters writes; try again")

    def _write_allocation(
        self, state: dict[str, Any] | None, token: str, count: int, now: float
    ) -> tuple[dict[str, Any], int]:
        value = int(state["value"]) if state else 0
        pending = {
            key: entry
            for key, entry in (state or {}).get("pending", {}).items()
            if not self._expired(entry, now)
        }
        pending[token] = {"first": value + 1, "last": value + count, "at": now}
        item = {
            "id": self.ITEM_ID,
            "legalEntity": SEQUENCE_PARTITION,
            "value": value + count,
            "pending": pending,
        }
        if state is None:
            return self._container.create(item), value + 1
        return self._container.replace(item, etag=state["_etag"]), value + 1

    def release(self, allocation: Allocation) -> None:
        """Let readers past this allocation. Best effort: an unreleased one expires."""
        try:
            self._last_seen = self._container.patch(
                self.ITEM_ID,
                SEQUENCE_PARTITION,
                [{"op": "remove", "path": f"/pending/{allocation.token}"}],
            )
        except ClientelingError as problem:
            self._last_seen = None
            log.warning(
                "change numbers %d..%d stay pending until they expire: %s",
                allocation.first,
                allocation.last,
                problem,
            )

    def horizon(self) -> int:
        """The highest number below which no write can still land."""
        state = self._container.read(self.ITEM_ID, SEQUENCE_PARTITION)
        if state is None:
            return 0
        self._last_seen = state
        now = self._clock()
        live = [
            int(entry["first"])
            for entry in state.get("pending", {}).values()
            if not self._expired(entry, now)
        ]
        return min(live) - 1 if live else int(state["value"])

    @staticmethod
    def _expired(entry: dict[str, Any], now: float) -> bool:
        return now - float(entry["at"]) > PENDING_EXPIRY_SECONDS


class PublishedVersion:
    """One number that moves on every publish, read by every POS request's cache check."""

    ITEM_ID = "version"

    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def current(self) -> int:
        item = self._container.read(self.ITEM_ID, PUBLISHED_META_PARTITION)
        return int(item["value"]) if item else 0

    def bump(self) -> int:
        """Add one atomically (a patch, so concurrent publishers never lose a bump)."""
        for _ in range(3):
            try:
                item = self._container.patch(
                    self.ITEM_ID,
                    PUBLISHED_META_PARTITION,
                    [{"op": "incr", "path": "/value", "value": 1}],
                )
                return int(item["value"])
            except NotFound:
                pass
            try:
                first = {"id": self.ITEM_ID, "legalEntity": PUBLISHED_META_PARTITION, "value": 1}
                return int(self._container.create(first)["value"])
            except Conflict:
                continue  # another publisher created it first: increment theirs
        raise DependencyUnavailable("could not move the published version; try again")
