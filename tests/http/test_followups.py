"""Follow-ups as a POS and headquarters use them: generation, the worklist, its changes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.activity_factories import activities_path
from tests.support.followups import (
    BIRTHDAYS,
    followup_path,
    generate,
    put_rules,
    worklist,
)
from tests.support.movable_clock import MovableClock, install_clock
from tests.support.world import STORES, World, add_to_book, pos_path

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"
# 12:00 UTC on 31 December: already 1 January in Auckland, still 31 December in Los Angeles.
NEW_YEAR = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)
PEOPLE = [
    ("JAN01A", "Ana January", "2000-01-01"),
    ("DEC31A", "Ben December", "1970-12-31"),
    ("JAN01D", "Cleo January", "1999-01-01"),
    ("DEC31D", "Dan December", "1980-12-31"),
    ("LEAP", "Lea Leap", "1996-02-29"),
]


def set_zones(world: World, zones: dict[str, str]) -> None:
    records = [
        {"storeId": s, "name": n, "addressBooks": books, "timeZone": zones.get(s, "UTC")}
        for s, n, books in STORES["USRT"]
    ]
    world.import_records("USRT", "stores", records)
    world.ok(world.admin.post("/api/admin/distribution/1090/run"))


@pytest.fixture
def clock(world: World) -> MovableClock:
    world.import_records(
        "USRT",
        "customers",
        [
            {"customerId": c, "name": n, "addressBooks": ["AB1", "AB3"], "birthday": b}
            for c, n, b in PEOPLE
        ],
    )
    set_zones(world, {"S1": AUCKLAND, "S2": AUCKLAND, "S3": LOS_ANGELES})
    add_to_book(world, "alice", ["JAN01A", "DEC31A", "UC001", "UC002"], "S1")
    add_to_book(world, "dave", ["JAN01D", "DEC31D"], "S3")
    moving = MovableClock(NEW_YEAR)
    install_clock(moving)
    put_rules(world, "USRT", {"BDAY": {**BIRTHDAYS, "days": 1}})
    return moving


def _ids(page: dict) -> list[tuple[str, str, str]]:
    return [(f["customerId"], f["dueDate"], f["reason"]) for f in page["followups"]]


def test_generation_follows_each_stores_calendar_across_the_new_year(
    world: World, clock: MovableClock
) -> None:
    run = generate(world)
    assert run["created"] == {"BDAY": 3} and run["skipped"] == {}
    auckland = worklist(world, "alice", "S1")
    # Auckland is in 2026: the 1 January birthday is today, 31 December is a year away.
    assert _ids(auckland) == [("JAN01A", "2026-01-01", "Birthday on 1 January")]
    assert auckland["buckets"] == {"overdue": 0, "today": 1, "next7": 0, "todayDate": "2026-01-01"}
    los_angeles = worklist(world, "dave", "S3")
    # Same due date: by name, Cleo before Dan.
    assert _ids(los_angeles) == [
        ("JAN01D", "2025-12-31", "Birthday on 1 January"),
        ("DEC31D", "2025-12-31", "Birthday on 31 December"),
    ]
    assert los_angeles["buckets"]["today"] == 2
    assert los_angeles["buckets"]["todayDate"] == "2025-12-31"
    card = los_angeles["followups"][0]["customer"]
    assert card["customerId"] == "JAN01D" and card["clientBook"]["ownerStaffId"] == "dave"
    assert los_angeles["followups"][0]["ruleName"] == "Birthdays"


def test_reruns_and_later_runs_create_nothing_twice(world: World, clock: MovableClock) -> None:
    generate(world)
    again = generate(world)
    assert again["created"] == {"BDAY": 0} and again["matched"] == {"BDAY": 3}
    clock.advance(dt.timedelta(hours=12))  # 1 January everywhere
    generate(world)
    assert len(worklist(world, "dave", "S3")["followups"]) == 2
    runs = world.ok(world.admin.get("/api/admin/USRT/followups/runs"))["runs"]
    # Newest first; the first two started at the same instant.
    assert runs[0]["created"]["BDAY"] == 0
    assert sorted(r["created"]["BDAY"] for r in runs) == [0, 0, 3]
    assert all(r["durationMs"] >= 0 and r["trigger"] == "admin" for r in runs)


def test_a_leap_day_birthday_is_celebrated_on_28_february(
    world: World, clock: MovableClock
) -> None:
    add_to_book(world, "alice", ["LEAP"], "S1")
    clock.advance(dt.timedelta(days=57))  # 27 February 2026 in Auckland, a common year
    generate(world)
    (leap,) = [f for f in worklist(world, "alice", "S1")["followups"] if f["customerId"] == "LEAP"]
    assert (leap["dueDate"], leap["reason"]) == ("2026-02-27", "Birthday on 28 February")


def _first(world: World, staff: str, store: str) -> dict:
    return worklist(world, staff, store)["followups"][0]


def test_completion_with_an_activity_shows_on_the_timeline_once(
    world: World, clock: MovableClock
) -> None:
    generate(world)
    item = _first(world, "alice", "S1")
    alice = world.as_staff("alice")
    body = {
        "outcome": "reached",
        "activity": {"activityTypeId": "CALL", "description": "Wished a happy birthday"},
    }
    path = followup_path("S1", item["followupId"], "complete")
    headers = {"If-Match": item["etag"], "Idempotency-Key": "done-1"}
    done = alice.post(path, json=body, headers=headers)
    assert done.status == 200, done
    assert done.json["state"] == "completed" and done.json["outcome"] == "reached"
    assert done.etag.strip('"') == done.json["etag"]
    retry = alice.post(path, json=body, headers=headers)
    assert retry.status == 200 and retry.json == done.json
    assert retry.headers.get("idempotency-replayed") == "true"
    again = alice.post(path, json=body, headers={"If-Match": item["etag"]})
    assert again.status == 412, again
    assert again.json["type"] == "urn:clienteling:problem:etag-mismatch"
    stale = alice.post(path, json=body, headers={"If-Match": done.json["etag"]})
    assert stale.status == 409 and stale.json["type"].endswith(":followup-not-open")
    timeline = world.ok(alice.get(activities_path("S1", "JAN01A")))["activities"]
    assert [(a["activityId"], a["activityTypeId"], a["subject"]) for a in timeline] == [
        (done.json["activityId"], "CALL", "Birthdays")
    ]
    assert timeline[0]["description"] == "Wished a happy birthday"
    assert worklist(world, "alice", "S1")["followups"] == []


def test_changes_need_if_match_and_valid_bodies(world: World, clock: MovableClock) -> None:
    generate(world)
    item = _first(world, "alice", "S1")
    alice = world.as_staff("alice")
    path = followup_path("S1", item["followupId"], "complete")
    missing = alice.post(path, json={"outcome": "reached"})
    assert missing.status == 428, missing
    wrong = alice.post(path, json={"outcome": "maybe"}, headers={"If-Match": item["etag"]})
    assert wrong.status == 400 and wrong.json["errors"][0]["field"] == "outcome"
    bad_type = alice.post(
        path,
        json={"outcome": "reached", "activity": {"activityTypeId": "NOPE"}},
        headers={"If-Match": item["etag"]},
    )
    assert bad_type.status == 400, bad_type
    # Refused before writing: the follow-up is still open and no activity was recorded.
    assert world.ok(alice.get(followup_path("S1", item["followupId"])))["state"] == "open"
    assert world.ok(alice.get(activities_path("S1", "JAN01A")))["activities"] == []
    unknown = alice.post(
        followup_path("S1", "fu-nothing", "dismiss"),
        json={"reason": "x"},
        headers={"If-Match": "x"},
    )
    assert unknown.status == 404 and unknown.json["type"].endswith(":not-found")


def test_snooze_moves_the_due_date_and_the_buckets(world: World, clock: MovableClock) -> None:
    generate(world)
    item = _first(world, "dave", "S3")
    dave = world.as_staff("dave")
    path = followup_path("S3", item["followupId"], "snooze")
    past = dave.post(path, json={"until": "2025-12-31"}, headers={"If-Match": item["etag"]})
    assert past.status == 400 and past.json["errors"][0]["field"] == "until"
    later = dave.post(path, json={"until": "2026-01-05"}, headers={"If-Match": item["etag"]})
    assert later.status == 200, later
    assert (later.json["dueDate"], later.json["snoozedFrom"]) == ("2026-01-05", "2025-12-31")
    page = worklist(world, "dave", "S3")
    assert page["buckets"] == {"overdue": 0, "today": 1, "next7": 1, "todayDate": "2025-12-31"}
    assert [f["customerId"] for f in worklist(world, "dave", "S3", due="next7")["followups"]] == [
        item["customerId"]
    ]
    ranged = worklist(world, "dave", "S3", **{"from": "2026-01-01", "to": "2026-01-31"})
    assert len(ranged["followups"]) == 1


def test_dismiss_with_a_reason_takes_it_off_the_worklist(world: World, clock: MovableClock) -> None:
    generate(world)
    item = _first(world, "alice", "S1")
    alice = world.as_staff("alice")
    path = followup_path("S1", item["followupId"], "dismiss")
    empty = alice.post(path, json={"reason": " "}, headers={"If-Match": item["etag"]})
    assert empty.status == 400
    gone = alice.post(path, json={"reason": "Moved abroad"}, headers={"If-Match": item["etag"]})
    assert gone.status == 200 and gone.json["state"] == "dismissed"
    assert gone.json["dismissReason"] == "Moved abroad"
    assert worklist(world, "alice", "S1")["buckets"]["today"] == 0
    generate(world)  # the same occurrence is not made again
    assert worklist(world, "alice", "S1")["followups"] == []


def test_book_changes_carry_through(world: World, clock: MovableClock) -> None:
    generate(world)
    item = _first(world, "alice", "S1")
    bob = world.as_staff("bob")
    moved = bob.post(
        pos_path("S1", "store-client-book/reassign"),
        json={"customerIds": ["JAN01A"], "toStaffId": "carol"},
    )
    assert moved.status == 200, moved
    assert worklist(world, "alice", "S1")["followups"] == []
    (carols,) = worklist(world, "carol", "S2")["followups"]
    assert carols["customerId"] == "JAN01A" and carols["ownerStaffId"] == "carol"
    assert generate(world)["created"] == {"BDAY": 0}  # the moved one counts as carol's
    removed = world.as_staff("carol").post(
        pos_path("S2", "client-book/customers/remove"), json={"customerIds": ["JAN01A"]}
    )
    assert removed.status == 200, removed
    cancelled = world.ok(world.as_staff("carol").get(followup_path("S2", carols["followupId"])))
    assert cancelled["state"] == "cancelled"
    assert world.as_staff("alice").get(followup_path("S1", item["followupId"])).status == 404


def test_erasing_a_customer_deletes_their_followups(world: World, clock: MovableClock) -> None:
    generate(world)
    item = _first(world, "alice", "S1")
    export = world.ok(world.admin.get("/api/admin/USRT/customers/JAN01A/export"))
    assert [(f["followupId"], f["reason"]) for f in export["followups"]] == [
        (item["followupId"], "Birthday on 1 January")
    ]
    erased = world.ok(
        world.admin.post(
            "/api/admin/USRT/customers/JAN01A/erase", json={"confirmCustomerId": "JAN01A"}
        )
    )
    assert erased["counts"]["followups"] >= 1
    assert world.as_staff("alice").get(followup_path("S1", item["followupId"])).status == 404


def test_manual_followups_and_the_managers_weekly_view(world: World, clock: MovableClock) -> None:
    generate(world)
    alice, bob = world.as_staff("alice"), world.as_staff("bob")
    mine = alice.post(
        pos_path("S1", "followups"),
        json={"customerId": "UC001", "dueDate": "2026-01-03", "text": "Bring the new catalogue"},
        headers={"Idempotency-Key": "m-1"},
    )
    assert mine.status == 201, mine
    assert (mine.json["ruleId"], mine.json["reason"]) == ("manual", "Bring the new catalogue")
    retry = alice.post(
        pos_path("S1", "followups"),
        json={"customerId": "UC001", "dueDate": "2026-01-03", "text": "Bring the new catalogue"},
        headers={"Idempotency-Key": "m-1"},
    )
    assert retry.json["followupId"] == mine.json["followupId"]
    outside = alice.post(
        pos_path("S1", "followups"),
        json={"customerId": "UC003", "dueDate": "2026-01-03", "text": "x"},
    )
    assert outside.status == 409 and outside.json["type"].endswith(":customer-not-in-book")
    for_alice = bob.post(
        pos_path("S1", "followups"),
        json={"customerId": "UC002", "dueDate": "2025-12-31", "text": "Overdue on purpose"},
    )
    assert for_alice.status == 400  # before today in Auckland
    for_alice = bob.post(
        pos_path("S1", "followups"),
        json={"customerId": "UC002", "dueDate": "2026-01-01", "text": "Call", "staffId": "alice"},
    )
    assert for_alice.status == 201 and for_alice.json["ownerStaffId"] == "alice"
    item = _first(world, "alice", "S1")
    world.ok(
        alice.post(
            followup_path("S1", item["followupId"], "complete"),
            json={"outcome": "left-message"},
            headers={"If-Match": item["etag"]},
        )
    )
    clock.advance(dt.timedelta(days=2))  # 3 January in Auckland: the other one is overdue
    view = world.ok(bob.get(pos_path("S1", "store-followups")))
    assert view["weekStart"] == "2025-12-29" and view["todayDate"] == "2026-01-03"
    rows = {r["staffId"]: r for r in view["associates"]}
    assert (rows["alice"]["open"], rows["alice"]["overdue"]) == (2, 1)
    assert rows["alice"]["completedThisWeek"] == 1
    assert rows["carol"]["open"] == 0 and "dave" not in rows
    listed = worklist(world, "bob", "S1", staffId="alice")
    assert {f["ownerStaffId"] for f in listed["followups"]} == {"alice"}


def test_permissions(world: World, clock: MovableClock) -> None:
    generate(world)
    alice, vic, dave = (world.as_staff(s) for s in ("alice", "vic", "dave"))
    assert vic.get(pos_path("S1", "followups")).status == 200  # view-client-book suffices
    assert alice.get(pos_path("S1", "store-followups")).status == 403
    other = alice.get(pos_path("S1", "followups"), params={"staffId": "carol"})
    assert other.status == 403 and other.json["operation"] == "manage-store-client-books"
    assert dave.get(pos_path("S1", "followups")).status == 403
    for_carol = alice.post(
        pos_path("S1", "followups"),
        json={"customerId": "UC001", "dueDate": "2026-01-03", "text": "x", "staffId": "carol"},
    )
    assert for_carol.status == 403
    item = _first(world, "alice", "S1")
    # Another associate's follow-up is not found in one's own worklist.
    carol = world.as_staff("carol")
    peek = carol.post(
        followup_path("S2", item["followupId"], "dismiss"),
        json={"reason": "not mine"},
        headers={"If-Match": item["etag"]},
    )
    assert peek.status == 404
    assert world.api.get(pos_path("S1", "followups")).status == 401
    assert alice.post("/api/admin/followups/run").status == 403


def test_rules_are_validated_per_kind(world: World) -> None:
    path = "/api/admin/USRT/followup-rules/R1"
    for body, field in (
        ({**BIRTHDAYS, "days": 61}, "body"),
        ({"name": "Lapsed", "kind": "keep-in-touch", "days": 6}, "body"),
        (
            {"name": "Lapsed", "kind": "keep-in-touch", "days": 90, "activityTypeIds": ["X"]},
            "activityTypeIds",
        ),
        ({**BIRTHDAYS, "dateField": "visits"}, "dateField"),
        ({"name": "Spend", "kind": "insights-measure", "measure": "LifetimeSpend"}, "body"),
        ({**BIRTHDAYS, "expiresAfterDays": 0}, "expiresAfterDays"),
    ):
        reply = world.admin.put(path, json=body)
        assert reply.status == 400, (body, reply)
        assert reply.json["errors"][0]["field"] == field, (body, reply.json)
    ok = world.admin.put(path, json={**BIRTHDAYS, "dateField": "lastVisit"})
    assert ok.status == 200, ok
    listed = world.ok(world.admin.get("/api/admin/USRT/followup-rules"))["followupRules"]
    assert [r["ruleId"] for r in listed] == ["R1"]


def test_the_next_run_repairs_a_book_change_whose_followups_were_left_behind(
    world: World, clock: MovableClock
) -> None:
    from shared.composition import services

    generate(world)
    item = _first(world, "alice", "S1")
    # The book change commits, the process dies before its follow-ups are carried through.
    services().storage.client_books.remove_from_book("USRT", "alice", ["JAN01A"], None)
    assert _first(world, "alice", "S1")["followupId"] == item["followupId"]
    run = generate(world)
    assert run["cancelled"] == 1
    left = world.ok(world.as_staff("alice").get(followup_path("S1", item["followupId"])))
    assert (left["state"], left["closedBy"]) == ("cancelled", "generation")
    assert generate(world)["cancelled"] == 0


def test_the_worklist_pages_by_keyset_in_due_then_name_order(
    world: World, clock: MovableClock
) -> None:
    customers = [f"UC{n:03d}" for n in range(3, 33)]
    add_to_book(world, "alice", customers, "S1")  # before the rule: never contacted
    put_rules(world, "USRT", {"LAPSED": {"name": "Lapsed", "kind": "keep-in-touch", "days": 30}})
    generate(world)
    seen: list[dict] = []
    token = None
    for _ in range(10):
        params = {"pageSize": 7, **({"continuationToken": token} if token else {})}
        page = worklist(world, "alice", "S1", ruleId="LAPSED", **params)
        seen += page["followups"]
        token = page["continuationToken"]
        if token is None:
            break
    # All due today: by name ("Ana January", "Ben December", "Customer 001", ...), alice's
    # earlier customers included.
    expected = ["JAN01A", "DEC31A", "UC001", "UC002", *customers]
    assert [f["customerId"] for f in seen] == expected
    assert len({f["followupId"] for f in seen}) == len(expected)
    assert [f["reason"] for f in seen[:1]] == ["No contact for 30 days"]
    other_query = world.as_staff("alice").get(
        pos_path("S1", "followups"), params={"continuationToken": page_token(world)}
    )
    assert other_query.status == 400
    assert other_query.json["type"].endswith(":invalid-continuation-token")
    bad = world.as_staff("alice").get(pos_path("S1", "followups"), params={"due": "soon"})
    assert bad.status == 400 and bad.json["errors"][0]["field"] == "due"


def page_token(world: World) -> str:
    """A token of another query (a rule filter) than the one it is sent with."""
    page = worklist(world, "alice", "S1", ruleId="LAPSED", pageSize=1)
    return page["continuationToken"]


def test_worklist_cards_show_an_import_at_once_and_outlive_a_removal_in_progress(
    world: World, clock: MovableClock
) -> None:
    from shared.composition import services

    generate(world)
    before = _first(world, "alice", "S1")["customer"]
    assert (before["customerId"], before["name"]) == ("JAN01A", "Ana January")
    book = before["clientBook"]
    assert book["ownerStaffId"] == "alice", before
    renamed = {
        "customerId": "JAN01A",
        "name": "Ana Renamed",
        "email": "ana@example.com",
        "addressBooks": ["AB1", "AB3"],
        "birthday": "2000-01-01",
    }
    world.import_records("USRT", "customers", [renamed])
    card = _first(world, "alice", "S1")["customer"]
    assert (card["name"], card["email"], card["clientBook"]) == (
        "Ana Renamed",
        "ana@example.com",
        book,
    )
    # The book change has committed; its follow-ups are not cancelled yet.
    services().storage.client_books.remove_from_book("USRT", "alice", ["JAN01A"], None)
    card = _first(world, "alice", "S1")["customer"]
    assert (card["customerId"], card["name"], card["clientBook"]) == (
        "JAN01A",
        "Ana Renamed",
        None,
    )


def test_no_rule_can_take_the_id_of_follow_ups_made_by_hand(world: World) -> None:
    taken = world.admin.put("/api/admin/USRT/followup-rules/manual", json=BIRTHDAYS)
    assert taken.status == 400, taken
    assert taken.json["type"] == "urn:clienteling:problem:validation-failed"
    assert taken.json["errors"][0]["field"] == "ruleId"
