"""Keep-in-touch, welcome and Customer Insights rules, generated as the timer would."""

from __future__ import annotations

import datetime as dt

from tests.fakes.customer_insights import FakeCustomerInsights
from tests.http.test_card_measures import identity, platform, world  # noqa: F401 (fixtures)
from tests.support.activity_factories import activities_path, activity_body
from tests.support.card_insights import turn_on
from tests.support.followups import generate, put_rules, worklist
from tests.support.movable_clock import MovableClock, install_clock
from tests.support.world import World, add_to_book

START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
LAPSED = {
    "name": "Keep in touch",
    "kind": "keep-in-touch",
    "days": 30,
    "activityTypeIds": ["VISIT", "CALL"],
}
WELCOME = {"name": "Welcome", "kind": "welcome", "days": 3, "expiresAfterDays": 7}
BIG_SPENDERS = {
    "name": "Big spenders",
    "kind": "insights-measure",
    "measure": "LifetimeSpend",
    "comparison": ">=",
    "threshold": 500,
}


def _reasons(built: World, rule_id: str) -> dict[str, str]:
    page = worklist(built, "alice", "S1", ruleId=rule_id, pageSize=200)
    return {f["customerId"]: f["reason"] for f in page["followups"]}


def test_keep_in_touch_and_welcome_count_days_since_the_last_contact_or_join(
    world: World,  # noqa: F811
) -> None:
    clock = MovableClock(START)
    install_clock(clock)
    put_rules(world, "USRT", {"LAPSED": LAPSED, "WELCOME": WELCOME})
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    alice = world.as_staff("alice")
    visit = activity_body(startTime="2026-03-02T10:00:00+00:00")  # an hour ahead: not yet
    assert alice.post(activities_path("S1", "UC001"), json=visit).status == 201
    email = activity_body(activityTypeId="EMAIL", startTime="2026-03-03T10:00:00+00:00")
    assert alice.post(activities_path("S1", "UC002"), json=email).status == 201

    clock.advance(dt.timedelta(days=2))
    run = generate(world)
    assert run["created"] == {"LAPSED": 0, "WELCOME": 0}

    clock.advance(dt.timedelta(days=2))  # 6 March: joined 4 days ago
    generate(world)
    # UC002 had an email after joining, UC001 a visit: only UC003 is still unwelcomed.
    assert _reasons(world, "WELCOME") == {
        "UC003": "Added to the client book on 2 March; no contact since"
    }

    clock.advance(dt.timedelta(days=30))  # 5 April
    generate(world)
    assert _reasons(world, "LAPSED") == {
        # UC001's visit on 2 March counts now that it has happened; the others count from
        # the day they joined.
        "UC001": "No store visit or phone call for 34 days",
        "UC002": "No store visit or phone call for 34 days",
        "UC003": "No store visit or phone call for 34 days",
    }
    again = generate(world)
    assert again["created"] == {"LAPSED": 0, "WELCOME": 0}


def test_an_insights_rule_is_skipped_while_the_platform_is_down(
    world: World,  # noqa: F811
    platform: FakeCustomerInsights,  # noqa: F811
) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk"])
    add_to_book(world, "alice", ["UC003", "UC060"], "S1")  # spend 30 and 600
    put_rules(world, "USRT", {"SPEND": BIG_SPENDERS, "BDAY_ALL": _every_birthday()})
    platform.failing_status = 503
    down = generate(world)
    assert down["status"] == "succeeded"
    assert down["skipped"] == {
        "SPEND": "Customer Insights did not answer; this rule is skipped for this run"
    }
    assert down["created"]["SPEND"] == 0
    assert down["created"]["BDAY_ALL"] >= 0  # the other rules ran
    platform.failing_status = None
    install_clock(MovableClock())  # a fresh client: the breaker and cache start afresh
    up = generate(world)
    assert up["skipped"] == {} and up["created"]["SPEND"] == 1
    (reason,) = _reasons(world, "SPEND").items()
    assert reason == ("UC060", "LifetimeSpend is 600 (>= 500)")


def _every_birthday() -> dict:
    return {"name": "Birthdays", "kind": "important-date", "dateField": "birthday", "days": 60}
