"""Follow-ups under concurrency: overlapping generation runs and a double completion."""

from __future__ import annotations

import datetime as dt

from tests.support.activity_factories import activities_path
from tests.support.concurrency import race
from tests.support.followups import BIRTHDAYS, followup_path, put_rules, worklist
from tests.support.movable_clock import MovableClock, install_clock
from tests.support.world import World, add_to_book

# Customers UC001..UC040 of the world have birthdays spread over the year.
EVERY_BIRTHDAY = {**BIRTHDAYS, "days": 60}


def _setup(world: World) -> None:
    add_to_book(world, "alice", [f"UC{n:03d}" for n in range(1, 41)], "S1")
    install_clock(MovableClock(dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC)))
    put_rules(world, "USRT", {"BDAY": EVERY_BIRTHDAY})


def test_overlapping_runs_create_each_followup_once(world: World) -> None:
    _setup(world)
    replies = race(
        [
            lambda: world.admin.post("/api/admin/followups/run", params={"legalEntity": "USRT"})
            for _ in range(3)
        ]
    )
    runs = [r.json["runs"][0] for r in replies]
    assert all(r["status"] == "succeeded" for r in runs), runs
    matched = runs[0]["matched"]["BDAY"]
    assert matched > 0 and all(r["matched"]["BDAY"] == matched for r in runs)
    assert sum(r["created"]["BDAY"] for r in runs) == matched  # each made once, by someone
    listed = worklist(world, "alice", "S1", pageSize=200)["followups"]
    assert len(listed) == matched == len({f["followupId"] for f in listed})


def test_a_double_completion_completes_once_and_records_one_activity(world: World) -> None:
    _setup(world)
    world.ok(world.admin.post("/api/admin/followups/run", params={"legalEntity": "USRT"}))
    item = worklist(world, "alice", "S1")["followups"][0]
    alice = world.as_staff("alice")
    body = {"outcome": "reached", "activity": {"activityTypeId": "CALL"}}
    path = followup_path("S1", item["followupId"], "complete")
    replies = race(
        [lambda: alice.post(path, json=body, headers={"If-Match": item["etag"]}) for _ in range(2)]
    )
    assert sorted(r.status for r in replies) == [200, 412], replies
    timeline = world.ok(alice.get(activities_path("S1", item["customerId"])))["activities"]
    assert len(timeline) == 1
