"""FollowupRecords: the same behaviour from both stores."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain.errors import NotFound, PreconditionFailed
from shared.domain.followups import Followup, Outcome, State, closed, followup_id, moved_to
from shared.ports.followups import FollowupPosition, FollowupRun, OpenQuery, OwnerKey
from shared.ports.storage import Storage

ALICE = OwnerKey("USRT", "alice")
BOB = OwnerKey("USRT", "bob")
TODAY = "2026-06-10"


def make(
    customer: str,
    due: str,
    owner: str = "alice",
    rule: str = "BDAY",
    name: str | None = None,
    expires: str = "2026-07-01",
) -> Followup:
    return Followup(
        legal_entity="USRT",
        followup_id=followup_id("USRT", customer, rule, "2026", owner),
        owner_staff_id=owner,
        customer_id=customer,
        customer_name=name or f"Customer {customer}",
        sort_name=(name or f"customer {customer}").casefold(),
        rule_id=rule,
        rule_name="Birthdays",
        reason="Birthday on 3 December",
        occurrence="2026",
        due_date=due,
        expires_on=expires,
        created_at="2026-06-01T02:00:00.000Z",
        created_by="generation",
    )


def test_create_many_keeps_the_first_of_each_id(storage: Storage) -> None:
    first = [make("C1", "2026-06-10"), make("C2", "2026-06-11")]
    assert storage.followups.create_many(first) == 2
    again = [replace(first[0], reason="changed"), make("C3", "2026-06-12")]
    assert storage.followups.create_many(again) == 1
    stored = storage.followups.get(ALICE, first[0].followup_id)
    assert stored == first[0]
    assert storage.followups.get(BOB, first[0].followup_id) is None


def test_the_worklist_is_by_due_date_then_name_paged_by_keyset(storage: Storage) -> None:
    items = [
        make("C1", "2026-06-12", name="Zoe"),
        make("C2", "2026-06-09", name="Mia"),
        make("C3", "2026-06-12", name="Ada"),
        make("C4", "2026-06-10", name="Bea", rule="KIT"),
        make("C5", "2026-06-01", name="Old", expires="2026-06-09"),  # expired by date
        make("C6", "2026-06-10", owner="bob"),
    ]
    storage.followups.create_many(items[:5])
    storage.followups.create_many(items[5:])
    query = OpenQuery(today=TODAY)
    first = storage.followups.open_page(ALICE, query, None, 2)
    assert [f.customer_id for f in first] == ["C2", "C4"]
    last = first[-1]
    after = FollowupPosition(last.due_date, last.sort_name, last.followup_id)
    assert [f.customer_id for f in storage.followups.open_page(ALICE, query, after, 5)] == [
        "C3",
        "C1",
    ]
    ranged = OpenQuery(today=TODAY, due_from="2026-06-10", due_to="2026-06-10")
    assert [f.customer_id for f in storage.followups.open_page(ALICE, ranged, None, 9)] == ["C4"]
    by_rule = OpenQuery(today=TODAY, rule_id="KIT")
    assert [f.customer_id for f in storage.followups.open_page(ALICE, by_rule, None, 9)] == ["C4"]
    assert sorted(storage.followups.open_due_dates(ALICE, TODAY)) == [
        "2026-06-09",
        "2026-06-10",
        "2026-06-12",
        "2026-06-12",
    ]


def test_replace_needs_the_revision_read(storage: Storage) -> None:
    original = make("C1", "2026-06-10")
    storage.followups.create_many([original])
    done = closed(
        original,
        State.COMPLETED,
        "alice",
        "2026-06-10T10:00:00Z",
        _date(TODAY),
        outcome=Outcome.REACHED,
    )
    assert storage.followups.replace(done, expected_revision=1) == done
    assert storage.followups.get(ALICE, original.followup_id) == done
    with pytest.raises(PreconditionFailed) as refused:
        storage.followups.replace(replace(done, revision=3), expected_revision=1)
    assert refused.value.extensions["currentEtag"] == f"{original.followup_id}.2"
    assert storage.followups.open_page(ALICE, OpenQuery(today=TODAY), None, 9) == []
    with pytest.raises(NotFound):
        storage.followups.replace(make("C9", "2026-06-10"), expected_revision=1)


def test_tallies_count_open_overdue_and_completed_this_week(storage: Storage) -> None:
    a = [make("C1", "2026-06-08"), make("C2", "2026-06-10"), make("C3", "2026-06-11")]
    storage.followups.create_many(a)
    storage.followups.create_many([make("C4", "2026-06-12", owner="bob")])
    done = closed(a[2], State.COMPLETED, "alice", "x", _date(TODAY), outcome=Outcome.REACHED)
    storage.followups.replace(done, 1)
    old = closed(a[1], State.COMPLETED, "alice", "x", _date("2026-06-01"))
    storage.followups.replace(old, 1)
    tallies = storage.followups.tallies("USRT", ["alice", "bob", "carol"], TODAY, "2026-06-08")
    assert tallies["alice"].open == 1 and tallies["alice"].overdue == 1
    assert tallies["alice"].completed_this_week == 1
    assert tallies["bob"].open == 1 and tallies["bob"].overdue == 0
    assert "carol" not in tallies


def test_move_expire_and_erase(storage: Storage) -> None:
    items = [make("C1", "2026-06-10"), make("C2", "2026-06-01", expires="2026-06-05")]
    storage.followups.create_many(items)
    mine = storage.followups.open_of_customers(ALICE, ["C1", "C9"])
    assert [f.customer_id for f in mine] == ["C1"]
    pair = (mine[0], moved_to(mine[0], "bob"))
    assert storage.followups.move([pair]) == 1
    assert storage.followups.move([pair]) == 0  # a repeat finds it moved
    assert storage.followups.get(ALICE, mine[0].followup_id) is None
    moved = storage.followups.get(BOB, pair[1].followup_id)
    assert moved is not None and moved.owner_staff_id == "bob"
    assert storage.followups.expire(ALICE, TODAY, "2026-06-10T02:00:00Z") == 1
    expired = storage.followups.get(ALICE, items[1].followup_id)
    assert expired is not None and expired.state is State.EXPIRED
    assert storage.followups.expire(ALICE, TODAY, "later") == 0
    assert storage.followups.erase_customer("USRT", "C1", 10) == 1
    assert storage.followups.erase_customer("USRT", "C1", 10) == 0
    assert storage.followups.get(BOB, pair[1].followup_id) is None


def test_a_customers_followups_of_every_owner_and_state(storage: Storage) -> None:
    mine, bobs = make("C1", "2026-06-10"), make("C1", "2026-06-11", owner="bob")
    storage.followups.create_many([mine, make("C2", "2026-06-10")])
    storage.followups.create_many([bobs])
    done = closed(mine, State.COMPLETED, "alice", "x", _date(TODAY), outcome=Outcome.REACHED)
    storage.followups.replace(done, 1)
    assert storage.followups.of_customer("USRT", "C1") == [done, bobs]
    assert storage.followups.of_customer("DEMF", "C1") == []


def test_runs_newest_first(storage: Storage) -> None:
    for n in range(3):
        run = FollowupRun(f"r{n}", "USRT", "timer", f"2026-06-0{n + 1}T02:00:00Z")
        storage.followups.save_run(run)
        run.status, run.created, run.skipped = "succeeded", {"BDAY": n}, {"INS": "down"}
        storage.followups.save_run(run)
    runs = storage.followups.runs("USRT", 2)
    assert [r.run_id for r in runs] == ["r2", "r1"]
    assert runs[0].created == {"BDAY": 2} and runs[0].skipped == {"INS": "down"}
    assert storage.followups.runs("DEMF", 5) == []


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_book_joins_are_kept_per_owner_and_erased_with_the_customer(storage: Storage) -> None:
    storage.followups.record_joins(ALICE, [("C1", "2026-06-01"), ("C2", "2026-05-01")])
    storage.followups.record_joins(ALICE, [("C1", "2026-06-05")])
    storage.followups.record_joins(BOB, [("C1", "2026-06-02")])
    assert storage.followups.joins(ALICE, "2026-05-15") == {"C1": "2026-06-05"}
    assert storage.followups.joins(BOB, "2026-01-01") == {"C1": "2026-06-02"}
    while storage.followups.erase_customer("USRT", "C1", 1):
        pass
    assert storage.followups.joins(ALICE, "2026-01-01") == {"C2": "2026-05-01"}
    assert storage.followups.joins(BOB, "2026-01-01") == {}
