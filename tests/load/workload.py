"""What the POS clients do: associates browse, search, open customers, race each other to add
the same customers and record activities (retrying some on purpose); managers reassign
customers while all that goes on. Every client stops when the shared request budget is spent.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.load.seed import STORE
from tests.load.stats import Stats

TIMEOUT_SECONDS = 30
HOT_CUSTOMERS = 300  # the customers every associate competes for
ACTIVITY_CUSTOMERS = 400  # activities go to these, so checking every timeline stays bounded
RETRY_SHARE = 0.3  # share of activity creates sent twice with the same Idempotency-Key
ASSOCIATE_MIX = {
    "book-page": 18,
    "store-book": 8,
    "search": 10,
    "details": 14,
    "timeline": 10,
    "add": 16,
    "remove": 6,
    "activity": 18,
}
SEARCH_TERMS = ["ana", "liam", "olivia", "noah", "chen", "smith", "rossi", "kim", "555 01"]


@dataclass
class Budget:
    remaining: int
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, count: int = 1) -> bool:
        with self._lock:
            if self.remaining < count:
                return False
            self.remaining -= count
            return True


@dataclass
class Ledger:
    """Every write the clients saw succeed, for the checks afterwards."""

    activities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Keys whose only answers were 5xx: the create may have been written all the same (a
    # retry with the key would return it), so the timeline may hold one activity more each.
    unsettled: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answers_by_key: dict[str, list[tuple[int, str | None, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unexpected: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def activity(self, key: str, customer_id: str, status: int, body: Any, replayed: str | None):
        activity_id = body.get("activityId") if isinstance(body, dict) else None
        with self._lock:
            self.answers_by_key[key].append((status, activity_id, replayed))
            if 200 <= status < 300 and activity_id:
                self.activities[customer_id].add(activity_id)

    def settle(self, key: str, customer_id: str) -> None:
        with self._lock:
            if all(status >= 500 for status, _, _ in self.answers_by_key[key]):
                self.unsettled[customer_id] += 1

    def note(self, problem: str) -> None:
        with self._lock:
            self.unexpected.append(problem)


class Client(threading.Thread):
    """One POS: a keep-alive session, a bearer token, its own random stream."""

    def __init__(
        self,
        base: str,
        token: str,
        customers: list[str],
        budget: Budget,
        stats: Stats,
        ledger: Ledger,
        seed: int,
    ) -> None:
        super().__init__(daemon=True, name=f"pos-{seed}")
        self.base = f"{base}/api/stores/{STORE}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.customers = customers
        self.budget, self.stats, self.ledger = budget, stats, ledger
        self.rng = random.Random(seed)

    def call(self, kind: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        started = time.perf_counter()
        reply = self.session.request(method, self.base + path, timeout=TIMEOUT_SECONDS, **kwargs)
        self.stats.record(kind, reply.status_code, (time.perf_counter() - started) * 1000)
        # 503 is the documented "busy, retry" answer; any other 5xx is a defect.
        if reply.status_code >= 500 and reply.status_code != 503:
            self.ledger.note(f"{kind} {method} {path}: {reply.status_code} {reply.text[:200]}")
        return reply

    def expect(self, reply: requests.Response, *allowed: int) -> None:
        if reply.status_code not in (*allowed, 503):
            request = reply.request
            self.ledger.note(
                f"{request.method} {request.url}: {reply.status_code} {reply.text[:200]}"
            )

    def hot_customer(self) -> str:
        return self.customers[self.rng.randrange(HOT_CUSTOMERS)]

    def any_customer(self) -> str:
        return self.rng.choice(self.customers)


class Associate(Client):
    def run(self) -> None:
        kinds, weights = zip(*ASSOCIATE_MIX.items(), strict=True)
        while self.budget.take():
            kind = self.rng.choices(kinds, weights)[0]
            getattr(self, "do_" + kind.replace("-", "_"))()

    def do_book_page(self) -> None:
        self.expect(self.call("book-page", "GET", "/client-book/customers?pageSize=50"), 200)

    def do_store_book(self) -> None:
        reply = self.call("store-book", "GET", "/store-client-book/customers?pageSize=50")
        self.expect(reply, 200)

    def do_search(self) -> None:
        term = self.rng.choice(SEARCH_TERMS)
        self.expect(self.call("search", "GET", "/customers", params={"search": term}), 200)

    def do_details(self) -> None:
        self.expect(self.call("details", "GET", f"/customers/{self.any_customer()}"), 200)

    def do_timeline(self) -> None:
        customer = self.customers[self.rng.randrange(ACTIVITY_CUSTOMERS)]
        reply = self.call("timeline", "GET", f"/customers/{customer}/activities?pageSize=20")
        self.expect(reply, 200)

    def do_add(self) -> None:
        ids = sorted({self.hot_customer() for _ in range(self.rng.randint(1, 3))})
        reply = self.call("add", "POST", "/client-book/customers", json={"customerIds": ids})
        self.expect(reply, 200, 409)  # 409: a colleague's book holds one of them

    def do_remove(self) -> None:
        body = {"customerIds": [self.hot_customer()]}
        reply = self.call("remove", "POST", "/client-book/customers/remove", json=body)
        self.expect(reply, 200, 409)  # 409: not in my book (any more)

    def do_activity(self) -> None:
        customer = self.customers[self.rng.randrange(ACTIVITY_CUSTOMERS)]
        body = {
            "activityTypeId": self.rng.choice(["VISIT", "CALL", "EMAIL"]),
            "subject": f"load {uuid.uuid4().hex[:8]}",
            "startTime": "2026-11-20T15:00:00Z",
        }
        key = uuid.uuid4().hex
        sends = 2 if self.rng.random() < RETRY_SHARE and self.budget.take() else 1
        for _ in range(sends):
            reply = self.call(
                "activity",
                "POST",
                f"/customers/{customer}/activities",
                json=body,
                headers={"Idempotency-Key": key},
            )
            self.expect(reply, 201)
            replayed = reply.headers.get("Idempotency-Replayed")
            self.ledger.activity(key, customer, reply.status_code, _json(reply), replayed)
        self.ledger.settle(key, customer)


class Manager(Client):
    """Reassigns hot customers between associates' books while they read and write."""

    def __init__(self, *args: Any, associates: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.associates = associates

    def run(self) -> None:
        while self.budget.take():
            if self.rng.random() < 0.5:
                body = {
                    "customerIds": [self.hot_customer()],
                    "toStaffId": self.rng.choice(self.associates),
                }
                reply = self.call("reassign", "POST", "/store-client-book/reassign", json=body)
                self.expect(reply, 200, 409)  # 409: in no book, or already in that one
            else:
                reply = self.call("store-book", "GET", "/store-client-book/customers?pageSize=50")
                self.expect(reply, 200)


def _json(reply: requests.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None
