"""Per-book refiner tallies, kept in the same transactional batches as the memberships.

A whole book's refiners (no search, refinement, range or date filter) must not read the book:
a store client book holds some 20,000 memberships. So every book has one tally item
`tally:<ownerStaffId>` in the book's own partition, next to its memberships:

    {"type": "tally", "ownerStaffId": ..., "members": 2000,
     "counts": {"tier": {"\"gold\"": 120, "\"silver\"": 300}, "vip": {"true": 80}, ...},
     "extremes": {"lifetimeValue": {"low": {"12.5": 1, ...}, "high": {...}, "middle": 1900}}}

`counts` holds, per attribute, how many members have each scalar value (the value JSON-encoded
as the key, so `true`, `1` and `"1"` stay apart). Every attribute is counted, not only the
refinable ones: which attributes refine is configuration that changes without touching books.
Numbers and dates are counted per exact value too, so a minimum or maximum stays exact when
its last holder leaves (the smallest key with a count left).

An attribute with more than `MAX_TALLY_VALUES` distinct values in one book (an amount, a
recent date, free text) keeps only its `EXTREME_VALUES` smallest and largest values with
their counts, and how many members hold a value in between (`extremes`): enough for an exact
minimum and maximum. A value joins `low` only if it is not above low's largest (else it
would skip values counted in `middle`), and the largest of `low` moves to `middle` when low
is full; `high` mirrors it. Only when removals empty one side while `middle` still counts
members is that bound unknown: the summary then reads the rows, and the next change of the
book counts its tally from its rows again. Value counts of such an attribute (a text
refiner over more than 200 values) read the rows too. So a tally stays a few KB per
attribute, and `/counts/*` and `/extremes/*` are not indexed: rewriting it costs little.

Each change rides in the batch that changes the memberships: the tally of every book the
batch touches is replaced If-Match its `_etag` (or created), as the batch's first
operations. Two writers of one book cannot lose counts: the second batch fails on the tally
(412, or 409 for two creates) before any membership of it is written, and is sent again
with the tally read afresh. A reader therefore sees a book's tally and memberships agree
after every batch: a POS reads its own write (session consistency, one partition). A
writer's batches go to one book's partition: a change touching two books (a move) is two
writers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.book_items import book_key
from shared.adapters.cosmos.database import CosmosContainer, Operation
from shared.domain.errors import Conflict, DependencyUnavailable, NotFound, PreconditionFailed

TALLY = "tally"
MEMBERSHIP = "membership"
# Distinct values per attribute a book's tally counts; beyond, only its extremes.
MAX_TALLY_VALUES = 200
# Smallest and largest values kept per attribute beyond MAX_TALLY_VALUES.
EXTREME_VALUES = 25
# Writers of one book in the same moment each need one more round; ten is far past that.
TALLY_ATTEMPTS = 10
# Room left in a batch's 2 MB for its tallies (each bounded by MAX_TALLY_VALUES per attribute).
TALLY_RESERVE_BYTES = 600_000


def tally_id(owner_staff_id: str) -> str:
    return f"{TALLY}:{owner_staff_id}"


def empty_tally(legal_entity: str, owner_staff_id: str) -> dict[str, Any]:
    return {
        "id": tally_id(owner_staff_id),
        "partitionKey": book_key(legal_entity, owner_staff_id),
        "legalEntity": legal_entity,
        "type": TALLY,
        "ownerStaffId": owner_staff_id,
        "members": 0,
        "counts": {},
        "extremes": {},
    }


def value_key(value: Any) -> str | None:
    """The key a value is counted under; None for what never refines (null, object, list)."""
    if value is None or isinstance(value, dict | list):
        return None
    return json.dumps(value)


@dataclass
class TallyDelta:
    """What a change does to one book's tally."""

    members: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, attributes: Mapping[str, Any] | None, sign: int) -> None:
        """One member with these attribute values joins (+1) or leaves (-1)."""
        self.members += sign
        for name, value in (attributes or {}).items():
            key = value_key(value)
            if key is not None:
                self.counts.setdefault(name, Counter())[key] += sign

    def merge(self, other: TallyDelta) -> None:
        self.members += other.members
        for name, changes in other.counts.items():
            mine = self.counts.setdefault(name, Counter())
            for key, change in changes.items():
                mine[key] += change

    def is_empty(self) -> bool:
        return self.members == 0 and not any(
            change for changes in self.counts.values() for change in changes.values()
        )


def order(key: str) -> tuple[int, Any]:
    """Values in their natural order (booleans, then numbers, then text and dates)."""
    value = json.loads(key)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (1, value)
    return (2, str(value))


def applied(tally: Mapping[str, Any], delta: TallyDelta) -> dict[str, Any]:
    """The tally after the change (a new item, without system properties)."""
    item = {k: v for k, v in tally.items() if not k.startswith("_")}
    counts = {name: dict(values) for name, values in item["counts"].items()}
    extremes = {name: _copied(ends) for name, ends in (item.get("extremes") or {}).items()}
    item["members"] = item["members"] + delta.members
    for name, changes in delta.counts.items():
        if name in extremes:
            for key, change in changes.items():
                _change_extremes(extremes[name], key, change)
            continue
        values = counts.setdefault(name, {})
        for key, change in changes.items():
            left = values.get(key, 0) + change
            if left > 0:
                values[key] = left
            else:
                values.pop(key, None)
        if len(values) > MAX_TALLY_VALUES:
            extremes[name] = _extremes_of(values)
            del counts[name]
        elif not values:
            del counts[name]
    item["counts"] = counts
    item["extremes"] = extremes
    return item


def _copied(ends: Mapping[str, Any]) -> dict[str, Any]:
    return {"low": dict(ends["low"]), "high": dict(ends["high"]), "middle": ends["middle"]}


def _extremes_of(values: Mapping[str, int]) -> dict[str, Any]:
    ranked = sorted(values, key=order)
    low, high = ranked[:EXTREME_VALUES], ranked[-EXTREME_VALUES:]
    middle = ranked[EXTREME_VALUES:-EXTREME_VALUES]
    return {
        "low": {k: values[k] for k in low},
        "high": {k: values[k] for k in high},
        "middle": sum(values[k] for k in middle),
    }


def _change_extremes(ends: dict[str, Any], key: str, change: int) -> None:
    low, high = ends["low"], ends["high"]
    for side in (low, high):
        if key in side:
            left = side[key] + change
            if left > 0:
                side[key] = left
            else:
                del side[key]
            return
    if change < 0:
        ends["middle"] += change  # it was counted in between
        return
    # A new value may join a side only where no value counted in `middle` lies beyond it.
    empty_ends = not ends["middle"]
    if (low and order(key) < order(max(low, key=order))) or (not low and empty_ends):
        low[key] = change
        if len(low) > EXTREME_VALUES:
            last = max(low, key=order)
            ends["middle"] += low.pop(last)
    elif (high and order(key) > order(min(high, key=order))) or (not high and empty_ends):
        high[key] = change
        if len(high) > EXTREME_VALUES:
            first = min(high, key=order)
            ends["middle"] += high.pop(first)
    else:
        ends["middle"] += change


def bounds_known(ends: Mapping[str, Any]) -> bool:
    """Are the minimum and maximum among the kept values (none hidden in `middle`)?"""
    return not ends["middle"] or bool(ends["low"] and ends["high"])


def stale(tally: Mapping[str, Any]) -> bool:
    return not all(bounds_known(ends) for ends in (tally.get("extremes") or {}).values())


def tally_of_members(
    legal_entity: str, owner_staff_id: str, attribute_sets: Iterable[Mapping[str, Any] | None]
) -> dict[str, Any]:
    """A tally counted from a book's memberships (a book written before tallies existed)."""
    delta = TallyDelta()
    for attributes in attribute_sets:
        delta.count(attributes, +1)
    return applied(empty_tally(legal_entity, owner_staff_id), delta)


def read_tallies(
    container: CosmosContainer, legal_entity: str, owners: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The tallies of these owners' books that exist (a point read in each book's partition)."""
    found = {o: container.read(tally_id(o), book_key(legal_entity, o)) for o in owners}
    return {owner: item for owner, item in found.items() if item is not None}


def counted_from_rows(
    container: CosmosContainer, legal_entity: str, owner_staff_id: str
) -> dict[str, Any]:
    """Count a book's tally from its memberships (one query reading the whole book, once)."""
    rows = container.query(
        f"SELECT c.attributes FROM c WHERE c.partitionKey = @pk AND c.type = '{MEMBERSHIP}'",
        {"@pk": book_key(legal_entity, owner_staff_id)},
        partition_key=book_key(legal_entity, owner_staff_id),
    )
    return tally_of_members(legal_entity, owner_staff_id, (r.get("attributes") for r in rows))


@dataclass
class Change:
    """Operations that must land in one batch (a customer's membership change and its audit
    entry) and what they do to the tallies of the books they touch, by owner."""

    operations: list[Operation]
    deltas: dict[str, TallyDelta] = field(default_factory=dict)

    def touch(self, owner_staff_id: str) -> TallyDelta:
        return self.deltas.setdefault(owner_staff_id, TallyDelta())


class PartlyWritten(Exception):
    """A batch after the first failed: `written` changes before it are stored."""

    def __init__(self, cause: Exception, written: int) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.written = written


def _packed(changes: Sequence[Change]) -> list[list[Change]]:
    """Consecutive changes per batch: their operations plus one tally per book touched
    within 100 operations and the byte budget; a change is never split."""
    packs: list[list[Change]] = []
    pack: list[Change] = []
    owners: set[str] = set()
    operations = size = 0
    for change in changes:
        more_owners = {o for o, d in change.deltas.items() if not d.is_empty()} - owners
        more_size = sum(batches.size_of(op) for op in change.operations)
        if pack and (
            operations + len(change.operations) + len(owners) + len(more_owners)
            > batches.MAX_OPERATIONS
            or size + more_size > batches.MAX_BATCH_BYTES - TALLY_RESERVE_BYTES
        ):
            packs.append(pack)
            pack, owners, operations, size = [], set(), 0, 0
            more_owners = {o for o, d in change.deltas.items() if not d.is_empty()}
        pack.append(change)
        owners |= more_owners
        operations += len(change.operations)
        size += more_size
    if pack:
        packs.append(pack)
    return packs


class TallyWriter:
    """Writes changes to one book's partition in batches, each carrying the book's tally.

    `known` holds tallies already read (with `_etag`: replaced If-Match), new empty ones
    (no `_etag`: created) or None (missing: counted from the book's rows, then created).
    """

    def __init__(
        self,
        container: CosmosContainer,
        legal_entity: str,
        owner_staff_id: str,
        known: dict[str, dict[str, Any] | None],
        rows_of: Callable[[str], dict[str, Any]] | None = None,
    ) -> None:
        self._container = container
        self._legal_entity = legal_entity
        self._owner = owner_staff_id
        self._partition = book_key(legal_entity, owner_staff_id)
        self._tallies = known
        self._rows_of = rows_of or (lambda owner: counted_from_rows(container, legal_entity, owner))

    def write(self, changes: Sequence[Change]) -> None:
        written = 0
        for pack in _packed(changes):
            try:
                self._write_pack(pack)
            except Exception as error:
                if written:
                    raise PartlyWritten(error, written) from error
                raise
            written += len(pack)

    def _write_pack(self, pack: Sequence[Change]) -> None:
        deltas: dict[str, TallyDelta] = {}
        for change in pack:
            for owner, delta in change.deltas.items():
                deltas.setdefault(owner, TallyDelta()).merge(delta)
        owners = [o for o, d in deltas.items() if not d.is_empty()]
        if set(owners) - {self._owner}:
            raise ValueError(f"a change to another book than {self._owner}'s: {owners}")
        operations = [op for change in pack for op in change.operations]
        for _ in range(TALLY_ATTEMPTS):
            tally_operations = [self._tally_operation(o, deltas[o]) for o in owners]
            try:
                results = self._container.batch(self._partition, tally_operations + operations)
            except (PreconditionFailed, Conflict, NotFound) as error:
                index = getattr(error, "batch_index", None)
                if index is None or index >= len(tally_operations):
                    raise
                # Another batch changed (or someone removed) a tally first: count on top
                # of what is there now.
                fresh = read_tallies(self._container, self._legal_entity, owners)
                self._tallies.update({o: fresh.get(o) for o in owners})
                continue
            for position, owner in enumerate(owners):
                self._tallies[owner] = results[position].get("resourceBody")
            return
        raise DependencyUnavailable("a client book is being changed by many at once; try again")

    def _tally_operation(self, owner: str, delta: TallyDelta) -> Operation:
        current = self._tallies.get(owner)
        if current is None:
            current = self._rows_of(owner)
            self._tallies[owner] = current
        elif stale(current):
            # Removals emptied a side of some extremes: count the book again, once.
            current = {**self._rows_of(owner), "_etag": current["_etag"]}
            self._tallies[owner] = current
        if "_etag" not in current:
            return batches.create(applied(current, delta))
        return batches.replace(applied(current, delta), current["_etag"])
