"""The embedded store keeps activities and notes per customer in the domain's order."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.adapters.sqlite.storage import SqliteStorage
from shared.domain.activities import (
    Activity,
    TimelineFilter,
    TimelineOrder,
    TimelinePosition,
    matches,
    timeline_sort_key,
)
from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.notes import Authoring, NoteRevision, RevisionChange, edit_note, new_note
from shared.ports.activities import CustomerKey

UC001 = CustomerKey("USRT", "UC001")
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
BY_ALICE = Authoring("USRT", "UC001", "N1", "alice", "Alice Archer", "S1", NOW)


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SqliteStorage]:
    store = SqliteStorage(tmp_path / "db.sqlite")
    yield store
    store.close()


def _activity(customer: CustomerKey, n: int, start: str, type_id: str) -> Activity:
    return Activity(
        customer.legal_entity, customer.customer_id, f"a{n:04d}", type_id, "Visit", f"#{n}",
        start, None, None, None, None, "alice", "Alice", "S1", start,
    )  # fmt: skip


@pytest.fixture
def filled(storage: SqliteStorage) -> list[Activity]:
    """300 activities of UC001 on few distinct times (many ties), plus neighbours' ones."""
    rng = random.Random(11)
    days = [f"2024-05-{d:02d}T10:00:00.000Z" for d in (1, 2, 3, 10, 20)]
    mine = []
    for n in range(300):
        activity = _activity(UC001, n, rng.choice(days), rng.choice(["VISIT", "CALL"]))
        mine.append(storage.activities.add(activity))
    for other in (CustomerKey("USRT", "UC002"), CustomerKey("DEMF", "UC001")):
        for n in range(20):
            storage.activities.add(_activity(other, 1000 + n, days[0], "VISIT"))
    return mine


def _all_pages(
    storage: SqliteStorage, selection: TimelineFilter, size: int
) -> Iterator[list[Activity]]:
    after = None
    while True:
        page = storage.activities.timeline(UC001, selection, after, size)
        yield page.items
        if not page.has_more:
            return
        after = TimelinePosition(page.items[-1].start_time, page.items[-1].activity_id)


@pytest.mark.parametrize(
    "selection",
    [
        TimelineFilter(),
        TimelineFilter(TimelineOrder.SOONEST_FIRST),
        TimelineFilter(activity_type_id="CALL"),
        TimelineFilter(
            start_from="2024-05-02T10:00:00.000Z", start_before="2024-05-20T10:00:00.000Z"
        ),
        TimelineFilter(TimelineOrder.SOONEST_FIRST, "VISIT", "2024-05-03T10:00:00.000Z"),
    ],
)
def test_paging_the_store_gives_the_domain_order(
    storage: SqliteStorage, filled: list[Activity], selection: TimelineFilter
) -> None:
    expected = sorted(
        (a for a in filled if matches(a, selection)),
        key=timeline_sort_key,
        reverse=selection.order is TimelineOrder.NEWEST_FIRST,
    )
    pages = list(_all_pages(storage, selection, size=23))
    assert [a for page in pages for a in page] == expected
    assert all(len(page) == 23 for page in pages[:-1])


def test_an_activity_added_twice_is_stored_once(storage: SqliteStorage) -> None:
    first = _activity(UC001, 1, "2024-05-01T10:00:00.000Z", "VISIT")
    again = _activity(UC001, 1, "2024-05-01T10:00:00.000Z", "CALL")
    storage.activities.add(first)
    assert storage.activities.add(again) == first
    assert storage.activities.timeline(UC001, TimelineFilter(), None, 10).items == [first]


@pytest.mark.parametrize("type_filter", [None, "VISIT"])
@pytest.mark.parametrize("after", [None, ("2024-05-01T10:00:00.000Z", "a0001")])
def test_a_timeline_page_reads_an_index_range_and_never_sorts(
    storage: SqliteStorage, type_filter: str | None, after: tuple[str, str] | None
) -> None:
    """What keeps a page cheap for a customer with tens of thousands of activities."""
    storage.activities.timeline(UC001, TimelineFilter(activity_type_id=type_filter), None, 5)
    sql = [
        "SELECT body FROM activities",
        " INDEXED BY activities_by_type" if type_filter else "",
        " WHERE legal_entity=? AND customer_id=?",
        " AND activity_type_id=?" if type_filter else "",
        " AND (start_time, activity_id) < (?, ?)" if after else "",
        " ORDER BY start_time DESC, activity_id DESC LIMIT 51",
    ]
    args = ["USRT", "UC001", *([type_filter] if type_filter else []), *(after or ())]
    plan = storage.db.connection().execute("EXPLAIN QUERY PLAN " + "".join(sql), args)
    details = " ".join(row["detail"] for row in plan)
    assert "TEMP B-TREE" not in details, details
    assert "SCAN" not in details, details


def _revision(note_revision: int, text: str, change: RevisionChange) -> NoteRevision:
    return NoteRevision(
        "USRT", "UC001", "N1", note_revision, text, "t1", "t2", "alice", change
    )  # fmt: skip


def test_a_note_edit_is_conditional_and_keeps_the_old_text(storage: SqliteStorage) -> None:
    note = storage.notes.add(new_note("first", BY_ALICE))
    edited, replaced = edit_note(note, "second", "alice", note.etag, NOW + dt.timedelta(minutes=1))
    storage.notes.replace(edited, 1, replaced)
    with pytest.raises(PreconditionFailed):
        storage.notes.replace(edited, 1, replaced)  # a second writer who read revision 1
    assert storage.notes.get(UC001, "N1") == edited
    assert [r.text for r in storage.notes.history(UC001, "N1", None, 10).items] == ["first"]


def test_a_note_deletion_is_conditional_and_keeps_the_last_text(storage: SqliteStorage) -> None:
    storage.notes.add(new_note("only", BY_ALICE))
    with pytest.raises(PreconditionFailed):
        storage.notes.delete(UC001, "N1", _revision(2, "only", RevisionChange.DELETED))
    storage.notes.delete(UC001, "N1", _revision(1, "only", RevisionChange.DELETED))
    assert storage.notes.get(UC001, "N1") is None
    with pytest.raises(NotFound):
        storage.notes.delete(UC001, "N1", _revision(1, "only", RevisionChange.DELETED))
    history = storage.notes.history(UC001, "N1", None, 10).items
    assert [(r.text, r.change) for r in history] == [("only", RevisionChange.DELETED)]
