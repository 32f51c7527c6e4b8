"""After a load run: what must hold, read back through the API and the embedded store."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import requests

from tests.load.seed import STORE
from tests.load.workload import Ledger


def _pages(session: requests.Session, url: str, items: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pageSize": 200}
    while True:
        reply = session.get(url, params=params, timeout=30)
        reply.raise_for_status()
        page = reply.json()
        found += page[items]
        if not page.get("continuationToken"):
            return found
        params["continuationToken"] = page["continuationToken"]


def one_book_per_customer(database: Path, session: requests.Session, base: str) -> list[str]:
    """Storage and the store book agree, and no customer sits in two books."""
    with sqlite3.connect(database) as conn:
        doubles = conn.execute(
            "SELECT customer_id, COUNT(*) FROM book_memberships GROUP BY legal_entity, customer_id"
            " HAVING COUNT(*) > 1"
        ).fetchall()
        held = conn.execute("SELECT COUNT(*) FROM book_memberships").fetchone()[0]
    cards = _pages(session, f"{base}/api/stores/{STORE}/store-client-book/customers", "customers")
    ids = [card["customerId"] for card in cards]
    problems = [f"customer {cid} is in {n} books" for cid, n in doubles]
    if len(ids) != len(set(ids)):
        problems.append(f"the store book lists {len(ids) - len(set(ids))} customers twice")
    if len(ids) != held:
        problems.append(f"the store book lists {len(ids)} customers, storage holds {held}")
    return problems


def activities_recorded_once(ledger: Ledger, session: requests.Session, base: str) -> list[str]:
    """Every acknowledged create is readable; retried keys created nothing more."""
    problems: list[str] = []
    for key, answers in ledger.answers_by_key.items():
        ids = {activity_id for status, activity_id, _ in answers if 200 <= status < 300}
        if len(ids) > 1:
            problems.append(f"Idempotency-Key {key} created {len(ids)} activities")
        both_ok = len(answers) > 1 and answers[0][0] < 300 and answers[-1][0] < 300
        if both_ok and answers[-1][2] != "true":
            problems.append(f"the retry with Idempotency-Key {key} was not replayed: {answers}")
    for customer_id in set(ledger.activities) | set(ledger.unsettled):
        created, unsettled = ledger.activities[customer_id], ledger.unsettled[customer_id]
        url = f"{base}/api/stores/{STORE}/customers/{customer_id}/activities"
        listed = [a["activityId"] for a in _pages(session, url, "activities")]
        if missing := created - set(listed):
            problems.append(f"{customer_id}: {len(missing)} acknowledged activities are missing")
        if len(set(listed)) != len(listed):
            problems.append(f"{customer_id}: the timeline lists an activity twice")
        if not len(created) <= len(listed) <= len(created) + unsettled:
            problems.append(f"{customer_id}: {len(listed)} activities listed, {len(created)} made")
    return problems
