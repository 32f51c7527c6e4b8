"""The POS routes of `make load`, called through the app on Cosmos DB at several sample sizes.

One legal entity (USRT) grows from sample to sample: its customers (all in store S1's address
book), alice's book (an associate of S1: "my book"), and the store client book of S1 (alice's
and bob's books). After each growth step every route is called once to warm up and once to
measure; what each measured call cost comes back as the server's metering records (local
server) or as the x-ms-request-charge of each response (a real account, see charges.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.running_app import _environment, _reset
from tests.support.activity_factories import activities_path, activity_body
from tests.support.api_client import ApiClient
from tests.support.world import World, customers, pos_path

LEGAL_ENTITY = "USRT"
STORE = "S1"
RARE_WORD = "quintessa"  # one customer's name: search must find her among all the others
IMPORT_CHUNK = 1000
ADD_SIZE = 10  # the budget's "add of 10 customers"
MIX_ADD_SIZE = 2  # what an add in `make load` sends on average (1 to 3)
CARD = "UC000002"  # the customer whose card and timeline are read
TIMELINE_FILL = 30  # more than a timeline page of 20, so every page is a full one
# alice's open follow-ups, one page: the smallest sample's book (--quick) holds 40
WORKLIST_SIZE = 40


@dataclass(frozen=True)
class Sample:
    """One size of the legal entity: customers, my book (alice's), the store client book
    (alice's, bob's of the same size, and vic's with the rest). Samples only grow: each
    holds at least as many customers in every book as the one before."""

    customers: int
    my_book: int
    store_book: int

    def drivers(self) -> dict[str, float]:
        return {
            "my book": float(self.my_book),
            "store book": float(self.store_book),
            "legal entity": float(self.customers),
        }


# Ratios differ between samples so that a fit can tell the three drivers apart.
LOCAL_SAMPLES = (Sample(1000, 200, 800), Sample(4000, 1000, 2500), Sample(12000, 2000, 6000))
REAL_SAMPLES = (Sample(300, 60, 200),)
STORE_STAFF = ("alice", "bob", "vic")  # S1's staff: their books are its store client book


@dataclass
class Grown:
    """What the data holds so far, and the customers no book holds yet."""

    customers: int = 0
    free: list[str] = field(default_factory=list)
    followups: int = 0  # alice's open follow-ups, made by hand for customers of her book


def customer_id(n: int) -> str:
    return f"UC{n:06d}"


def _customer_records(first: int, last: int) -> list[dict[str, Any]]:
    records = customers(LEGAL_ENTITY, last, ["AB1"])[first - 1 : last]
    for offset, record in enumerate(records):
        n = first + offset
        record["customerId"] = customer_id(n)
        record["addressBooks"] = ["AB1"]
        if n == 1:  # the one a rare word finds, sorting after everyone else
            record["name"] = "Zoe Quintessa"
    return records


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """The app's settings for the scenario, restored afterwards (as the fuzz runs set them)."""
    with _environment(values):
        _reset()
        try:
            yield
        finally:
            _reset()


def app_settings(store: dict[str, str], state_dir: Path) -> dict[str, str]:
    return {
        **store,
        "AUTH_MODE": "local",
        "AUTH_LOCAL_KEY_DIR": str(state_dir / "keys"),
        "LOCAL_STATE_DIR": str(state_dir),
        # No measured call pays the published version's check: a deployed instance checks once
        # per interval (plan.VERSION_CHECKS_PER_SECOND adds those reads), not once per request.
        "PUBLISHED_VERSION_CHECK_SECONDS": "3600",
    }


def open_world(state_dir: Path) -> World:
    """The app (in process, as tests call it) with USRT configured and published."""
    import function_app
    from shared.adapters.identity.local_signing import LocalSigningKey

    world = World(ApiClient(function_app.app), LocalSigningKey.load_or_create(state_dir / "keys"))
    world.configure(LEGAL_ENTITY)
    world.publish()
    return world


def grow(world: World, grown: Grown, sample: Sample, now: str) -> None:
    """Import customers and fill the books up to `sample` (books through the storage port:
    the add route's own cost is measured on its own, not paid 20,000 times)."""
    from shared.composition import services

    fill = grown.customers == 0
    for first in range(grown.customers + 1, sample.customers + 1, IMPORT_CHUNK):
        last = min(first + IMPORT_CHUNK - 1, sample.customers)
        world.import_records(LEGAL_ENTITY, "customers", _customer_records(first, last))
        grown.free.extend(customer_id(n) for n in range(max(first, 3), last + 1))
    grown.customers = sample.customers
    if fill:
        alice = world.as_staff("alice")
        for _ in range(TIMELINE_FILL):
            world.ok(alice.post(activities_path(STORE, CARD), json=activity_body()), 201)
    books = services().storage.client_books
    # bob's book is the size of alice's: a reassign moves a customer into a book like hers
    rest = sample.store_book - 2 * sample.my_book
    for owner, wanted in zip(STORE_STAFF, (sample.my_book, sample.my_book, rest), strict=True):
        # counted, not remembered: the last sample's adds and reassigns changed the books
        book = books.book_of(LEGAL_ENTITY, owner)
        missing = max(wanted - (book.customer_count if book else 0), 0)
        taken, grown.free = grown.free[:missing], grown.free[missing:]
        for start in range(0, len(taken), 100):
            books.add_to_book(
                LEGAL_ENTITY, owner, taken[start : start + 100], True, lambda n: f"CB-{n:06d}", now
            )
        if owner == "alice":
            _fill_worklist(world, grown, taken)


def _fill_worklist(world: World, grown: Grown, in_her_book: list[str]) -> None:
    """Manual follow-ups for customers just added to alice's book, up to WORKLIST_SIZE (the
    page's cost depends on its size, not on how the follow-ups were made)."""
    alice = world.as_staff("alice")
    due = (dt.date.today() + dt.timedelta(days=1)).isoformat()  # "today or later" anywhere
    for customer in in_her_book[: WORKLIST_SIZE - grown.followups]:
        body = {"customerId": customer, "dueDate": due, "text": "Ask about the fitting"}
        world.ok(alice.post(pos_path(STORE, "followups"), json=body), 201)
        grown.followups += 1


Call = Callable[[], Any]


def routes(world: World, grown: Grown) -> dict[str, Callable[[], Call]]:
    """Route name -> a maker of one call (each call gets fresh ids where it needs them)."""
    alice, bob = world.as_staff("alice"), world.as_staff("bob")
    card = CARD
    replayed = {"Idempotency-Key": uuid.uuid4().hex}

    def expect(reply: Any, *statuses: int) -> Any:
        if reply.status not in statuses:
            raise RuntimeError(f"capacity scenario: {reply}")
        return reply

    def add(size: int) -> Callable[[], Call]:
        def make() -> Call:
            ids, grown.free = grown.free[:size], grown.free[size:]
            body = {"customerIds": ids}
            path = pos_path(STORE, "client-book/customers")
            return lambda: expect(alice.post(path, json=body), 200)

        return make

    def remove() -> Call:
        ids, grown.free = grown.free[:1], grown.free[1:]
        expect(alice.post(pos_path(STORE, "client-book/customers"), json={"customerIds": ids}), 200)
        body = {"customerIds": ids}
        path = pos_path(STORE, "client-book/customers/remove")
        return lambda: expect(alice.post(path, json=body), 200)

    def reassign() -> Call:
        ids, grown.free = grown.free[:1], grown.free[1:]
        expect(alice.post(pos_path(STORE, "client-book/customers"), json={"customerIds": ids}), 200)
        body = {"customerIds": ids, "toStaffId": "bob"}
        path = pos_path(STORE, "store-client-book/reassign")
        return lambda: expect(bob.post(path, json=body), 200)

    def activity() -> Call:
        key = {"Idempotency-Key": uuid.uuid4().hex}
        path = activities_path(STORE, card)
        return lambda: expect(alice.post(path, json=activity_body(), headers=key), 201)

    def replay() -> Call:
        path = activities_path(STORE, card)
        expect(alice.post(path, json=activity_body(), headers=replayed), 201)
        return lambda: expect(alice.post(path, json=activity_body(), headers=replayed), 201)

    def get(path: str, **params: Any) -> Callable[[], Call]:
        return lambda: lambda: expect(alice.get(pos_path(STORE, path), params=params), 200)

    return {
        "details": get(f"customers/{card}"),
        "timeline": get(f"customers/{card}/activities", pageSize=20),
        "activity": activity,
        "activity replay": replay,
        "book-page": get("client-book/customers", pageSize=50),
        "store-book": get("store-client-book/customers", pageSize=50),
        "search": get("customers", search=RARE_WORD),
        "worklist": get("followups", pageSize=WORKLIST_SIZE),
        "add": add(MIX_ADD_SIZE),
        "add 10": add(ADD_SIZE),
        "remove": remove,
        "reassign": reassign,
    }


Measure = Callable[[Call], list[Any]]
SEED_TIMEOUT_SECONDS = "120"  # a loaded local server answers bulk queries slowly


def run_samples(
    store: dict[str, str],
    state_dir: Path,
    samples: tuple[Sample, ...],
    measure: Measure,
    seeding: Callable[[bool], None] = lambda on: None,
) -> dict[Sample, dict[str, list[Any]]]:
    """Grow through `samples`, and at each call every route once to warm up, once measured.
    `seeding(True)` is called before each growth step and `seeding(False)` after it."""
    now = "2026-01-05T10:00:00.000Z"
    found: dict[Sample, dict[str, list[Any]]] = {}
    settings = {**app_settings(store, state_dir), "COSMOS_TIMEOUT_SECONDS": SEED_TIMEOUT_SECONDS}
    with environment(settings):
        world = open_world(state_dir)
        grown = Grown()
        for sample in samples:
            seeding(True)
            grow(world, grown, sample, now)
            seeding(False)
            makers = routes(world, grown)
            found[sample] = {}
            for name, make in makers.items():
                make()()  # warm: first-use reads, counters, the route's own caches
                call = make()
                found[sample][name] = measure(call)
    return found


def metered_by(server: Any, database: str) -> Measure:
    """Measure a call by the local server's metering log."""

    def measure(call: Call) -> list[dict[str, Any]]:
        server.reset_metering()
        call()
        records = server.metering(database)
        failed = [r["error"] for r in records if r.get("error")]
        if failed:  # a query the metering could not analyse: its figures would be wrong
            raise RuntimeError(f"capacity scenario: metering failed: {failed[0]}")
        return records

    return measure
