"""What a soak run sends: every request on a connection of its own, as curl sends them, and
every answer checked. Reads a POS makes all day (cards, timelines, health) and, one request
in ten, an activity recorded with an Idempotency-Key; the activities are counted afterwards.
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

STORE = "SEA01"
CUSTOMERS = [f"C{n:05d}" for n in range(1, 21)]  # demo customers every associate may open
TIMEOUT_SECONDS = 10
STOP_AFTER_WRONG = 50  # a host this broken will not mend: stop, so a broken run ends soon


@dataclass
class Tally:
    """Answers by kind, wrong answers (the first few kept), activities acknowledged."""

    answered: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    wrong_count: int = 0
    activities: dict[str, set[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, kind: str, problem: str | None) -> None:
        with self._lock:
            self.answered[kind] += 1
            if problem is not None:
                self.wrong_count += 1
                if len(self.wrong) < 20:
                    self.wrong.append(f"{kind}: {problem}")

    def activity(self, customer_id: str, activity_id: str) -> None:
        with self._lock:
            self.activities.setdefault(customer_id, set()).add(activity_id)


class Caller:
    """One connection per request: open, send, read the whole answer, close."""

    def __init__(self, base_url: str, token: str) -> None:
        address = urlsplit(base_url)
        assert address.hostname and address.port
        self.host, self.port = address.hostname, address.port
        self.token = token

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                sent["Content-Type"] = "application/json"
            connection.request(method, "/api/" + path, body=payload, headers=sent)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw[:200]


def one_request(caller: Caller, number: int, tally: Tally) -> None:
    """Request `number` of the run; which kind it is follows from the number."""
    customer = CUSTOMERS[number % len(CUSTOMERS)]
    slot = number % 10
    if slot < 4:
        status, body = caller.call("GET", f"stores/{STORE}/customers/{customer}")
        ok = status == 200 and body["card"]["customerId"] == customer
        tally.answer("card", None if ok else f"{status} {str(body)[:200]}")
    elif slot < 6:
        status, body = caller.call("GET", "health")
        ok = status == 200 and body.get("status") == "ok" and body.get("storage") == "ok"
        tally.answer("health", None if ok else f"{status} {str(body)[:200]}")
    elif slot < 9:
        status, body = caller.call("GET", f"stores/{STORE}/customers/{customer}/activities")
        ok = status == 200 and isinstance(body.get("activities"), list)
        tally.answer("timeline", None if ok else f"{status} {str(body)[:200]}")
    else:
        subject = f"soak {number}"
        status, body = caller.call(
            "POST",
            f"stores/{STORE}/customers/{customer}/activities",
            {"activityTypeId": "VISIT", "subject": subject, "startTime": "2026-11-20T15:00:00Z"},
            {"Idempotency-Key": uuid.uuid4().hex},
        )
        ok = status == 201 and body["customerId"] == customer and body["subject"] == subject
        if ok:
            tally.activity(customer, body["activityId"])
        tally.answer("activity", None if ok else f"{status} {str(body)[:200]}")


def drive(caller: Caller, first: int, count: int, clients: int, tally: Tally) -> None:
    """Requests first .. first+count-1 from `clients` threads at once."""
    numbers = iter(range(first, first + count))
    lock = threading.Lock()

    def client() -> None:
        while tally.wrong_count < STOP_AFTER_WRONG:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            try:
                one_request(caller, number, tally)
            except Exception as error:  # a reset, a timeout, a body that is not the schema
                tally.answer("failed", f"request {number}: {error!r}")

    threads = [threading.Thread(target=client, name=f"soak-client-{n}") for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def recorded_activities(caller: Caller) -> dict[str, set[str]]:
    """Every activity on the soak's customers' timelines, paged through."""
    found: dict[str, set[str]] = {}
    for customer in CUSTOMERS:
        token = None
        while True:
            query = "?pageSize=200" + (f"&continuationToken={quote(token)}" if token else "")
            path = f"stores/{STORE}/customers/{customer}/activities{query}"
            status, body = caller.call("GET", path)
            if status != 200:
                raise RuntimeError(f"timeline of {customer}: {status} {str(body)[:200]}")
            found.setdefault(customer, set()).update(a["activityId"] for a in body["activities"])
            token = body.get("continuationToken")
            if not token:
                break
    return found
