"""Activities: the timeline in the domain's order, paged by keyset, one customer at a time."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from shared.domain.activities import (
    Activity,
    TimelineFilter,
    TimelineOrder,
    TimelinePosition,
    matches,
    timeline_sort_key,
)
from shared.ports.activities import CustomerKey, Page
from shared.ports.storage import Storage

UC001 = CustomerKey("USRT", "UC001")
NEIGHBOURS = (CustomerKey("USRT", "UC002"), CustomerKey("DEMF", "UC001"))
DAYS = [f"2024-05-{d:02d}T10:00:00.000Z" for d in (1, 2, 3, 10, 20)]
MAX_PAGES = 100  # a position that does not move on would page forever: fail instead


def activity(customer: CustomerKey, n: int, start: str, type_id: str = "VISIT") -> Activity:
    return Activity(
        customer.legal_entity, customer.customer_id, f"a{n:04d}", type_id, "Visit", f"#{n}",
        start, None, None, None, None, "alice", "Alice", "S1", start,
    )  # fmt: skip


def pages(
    storage: Storage, selection: TimelineFilter, size: int, customer: CustomerKey = UC001
) -> Iterator[Page[Activity]]:
    after = None
    for _ in range(MAX_PAGES):
        page = storage.activities.timeline(customer, selection, after, size)
        yield page
        if not page.has_more:
            return
        last = page.items[-1]
        after = TimelinePosition(last.start_time, last.activity_id)
    pytest.fail(f"still more after {MAX_PAGES} pages: the position does not move on")


def every_item(storage: Storage, selection: TimelineFilter, size: int) -> list[Activity]:
    return [a for page in pages(storage, selection, size) for a in page.items]


@pytest.fixture
def filled(storage: Storage) -> list[Activity]:
    """30 activities of UC001 on five distinct times (runs of ties), and the neighbours'."""
    rng = random.Random(7)
    mine = [
        storage.activities.add(activity(UC001, n, rng.choice(DAYS), rng.choice(["VISIT", "CALL"])))
        for n in range(30)
    ]
    for neighbour in NEIGHBOURS:
        for n in range(2):
            storage.activities.add(activity(neighbour, 100 + n, DAYS[0]))
    return mine


SELECTIONS = [
    TimelineFilter(),
    TimelineFilter(TimelineOrder.SOONEST_FIRST),
    TimelineFilter(activity_type_id="CALL"),
    TimelineFilter(start_from=DAYS[1], start_before=DAYS[4]),
    TimelineFilter(TimelineOrder.SOONEST_FIRST, "VISIT", DAYS[2]),
    TimelineFilter(activity_type_id="MEETING"),
]


def test_every_selection_pages_in_the_domain_order_without_duplicates_or_gaps(
    storage: Storage, filled: list[Activity]
) -> None:
    for selection in SELECTIONS:
        expected = sorted(
            (a for a in filled if matches(a, selection)),
            key=timeline_sort_key,
            reverse=selection.order is TimelineOrder.NEWEST_FIRST,
        )
        read = list(pages(storage, selection, size=4))
        assert [a for page in read for a in page.items] == expected, selection
        assert all(len(page.items) == 4 for page in read[:-1]), selection


def test_equal_start_times_are_ordered_by_id_across_page_boundaries(storage: Storage) -> None:
    for n in (5, 1, 4, 2, 3, 6, 0):
        storage.activities.add(activity(UC001, n, DAYS[0]))
    newest = every_item(storage, TimelineFilter(), size=2)
    soonest = every_item(storage, TimelineFilter(TimelineOrder.SOONEST_FIRST), size=3)
    assert [a.activity_id for a in newest] == [f"a{n:04d}" for n in range(6, -1, -1)]
    assert [a.activity_id for a in soonest] == [f"a{n:04d}" for n in range(7)]


def test_from_is_inclusive_and_to_is_exclusive(storage: Storage) -> None:
    for n, start in enumerate(["2024-05-01T09:59:59.999Z", *DAYS[:3]]):
        storage.activities.add(activity(UC001, n, start))
    window = TimelineFilter(start_from=DAYS[0], start_before=DAYS[2])
    assert [a.start_time for a in every_item(storage, window, size=10)] == [DAYS[1], DAYS[0]]


def test_upcoming_lists_soonest_first_from_its_start(storage: Storage) -> None:
    now = "2024-05-02T10:00:00.000Z"
    for n, start in enumerate([DAYS[3], DAYS[0], now, DAYS[4], DAYS[2]]):
        storage.activities.add(activity(UC001, n, start))
    upcoming = TimelineFilter(TimelineOrder.SOONEST_FIRST, start_from=now)
    shown = [a.start_time for a in every_item(storage, upcoming, size=2)]
    assert shown == [now, DAYS[2], DAYS[3], DAYS[4]]


def test_a_page_that_ends_exactly_at_the_last_activity_says_nothing_follows(
    storage: Storage,
) -> None:
    for n in range(4):
        storage.activities.add(activity(UC001, n, DAYS[n]))
    first = storage.activities.timeline(UC001, TimelineFilter(), None, 4)
    assert (len(first.items), first.has_more) == (4, False)
    after = TimelinePosition(DAYS[1], "a0001")
    rest = storage.activities.timeline(UC001, TimelineFilter(), after, 1)
    assert ([a.activity_id for a in rest.items], rest.has_more) == (["a0000"], False)


def test_an_activity_added_twice_is_stored_once_as_first_sent(storage: Storage) -> None:
    first = activity(UC001, 1, DAYS[0], "VISIT")
    storage.activities.add(first)
    assert storage.activities.add(activity(UC001, 1, DAYS[1], "CALL")) == first
    assert storage.activities.timeline(UC001, TimelineFilter(), None, 10).items == [first]


def test_each_customer_sees_only_their_own_activities(storage: Storage) -> None:
    for customer in (UC001, *NEIGHBOURS):
        storage.activities.add(activity(customer, 1, DAYS[0]))  # the same id for each
    for customer in (UC001, *NEIGHBOURS):
        shown = storage.activities.timeline(customer, TimelineFilter(), None, 10).items
        assert [(a.legal_entity, a.customer_id) for a in shown] == [
            (customer.legal_entity, customer.customer_id)
        ]


def test_latest_start_is_the_newest_before_the_moment_of_the_types_asked(
    storage: Storage, filled: list[Activity]
) -> None:
    def expected(types: tuple[str, ...], before: str) -> str | None:
        starts = [
            a.start_time
            for a in filled
            if a.start_time < before and (not types or a.activity_type_id in types)
        ]
        return max(starts, default=None)

    for types in ((), ("CALL",), ("CALL", "VISIT"), ("MEETING",)):
        for before in (DAYS[0], DAYS[3], "2025-01-01T00:00:00.000Z"):
            assert storage.activities.latest_start(UC001, types, before) == expected(
                types, before
            ), (types, before)
    assert storage.activities.latest_start(CustomerKey("USRT", "NOBODY"), (), DAYS[4]) is None
