"""What the POS routes cost in Cosmos DB requests, end to end through the app.

The storage operations' own costs are in test_request_costs.py. A route adds its checks: the
caller's store access asks the published view (a point read of the published version, with
the default PUBLISHED_VERSION_CHECK_SECONDS=0, once per request: the activity types, the
clienteling parameters and the card's setup come from the same look), the customer must
exist (a point read), a write reads the customer's tombstone (a point read). A replayed retry
answers before any of the work. docs/cosmos.md states the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from functions.http_support import ENDPOINTS
from shared.settings import CosmosSettings
from tests.cosmos.harness import CosmosTarget, CosmosTestServer
from tests.support.activity_factories import activities_path, activity_body, notes_path
from tests.support.followups import followup_path, generate, put_rules
from tests.support.world import World, add_to_book, pos_path

TIMELINE = activities_path("S1", "UC001")
NOTES = notes_path("S1", "UC001")
CARD = pos_path("S1", "customers/UC001")
ACCESS = {"published read": 1}
KEY = {"Idempotency-Key": "retry-1"}
# The access check's look at the published view serves the activity types too.
CHECKS = {"customers read": 1, "published read": 1}
# A write also asks whether the customer was erased: a point read of their tombstone.
WRITE_CHECKS = {**CHECKS, "books read": 1}
# A client-book route reads the legal entity's clienteling parameters from the same look.
SEARCH_CHECKS = {"published read": 1}
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # a snooze's new due date
# Customers just added are due a welcome today.
WELCOME = {"name": "Welcome", "kind": "welcome", "days": 0}


Expected = list[tuple[str, Callable[[], Any], dict[str, int]]]


def measured(
    local_server: CosmosTestServer, cosmos_database: CosmosSettings, expected: Expected
) -> dict[str, dict[str, int]]:
    """Each named action's requests, per container and operation, run in turn. An action
    returns its reply (which must be a success) or checks its reply itself."""
    before = local_server.request_counts(cosmos_database.database)
    counts = {}
    for name, action, _ in expected:
        reply = action()
        if hasattr(reply, "status"):
            assert reply.status < 300, (name, reply)
        after = local_server.request_counts(cosmos_database.database)
        counts[name] = dict(after - before)
        before = after
    return counts


@pytest.fixture
def store_settings(
    cosmos_target: CosmosTarget, cosmos_database: CosmosSettings, local_server: CosmosTestServer
) -> dict[str, str]:
    """The app on the local Cosmos DB server, whatever --store says."""
    return cosmos_target.app_settings(cosmos_database.database)


def test_each_route_costs_its_checks_plus_one_request_per_page_or_write(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    alice = world.as_staff("alice")
    for n in range(6):
        world.ok(alice.post(TIMELINE, json=activity_body(subject=f"#{n}")), 201)
        world.ok(alice.post(NOTES, json={"text": f"note {n}"}), 201)
    page = world.ok(alice.get(TIMELINE, params={"pageSize": 5}))
    token = page["continuationToken"]

    def call(send: Callable[[], Any], status: int = 200) -> Callable[[], Any]:
        return lambda: world.ok(send(), status)

    expected: Expected = [
        (
            "timeline page",
            call(lambda: alice.get(TIMELINE, params={"pageSize": 5})),
            {**CHECKS, "activities query": 1},
        ),
        (
            "timeline page with a continuation token",
            call(lambda: alice.get(TIMELINE, params={"pageSize": 5, "continuationToken": token})),
            {**CHECKS, "activities query": 1},
        ),
        (
            "record an activity",
            call(lambda: alice.post(TIMELINE, json=activity_body()), 201),
            {**WRITE_CHECKS, "activities create": 1},
        ),
        (
            "record an activity with Idempotency-Key",
            call(lambda: alice.post(TIMELINE, json=activity_body(), headers=KEY), 201),
            {
                **WRITE_CHECKS,
                "activities create": 1,
                "idempotency create": 1,
                "idempotency patch": 1,
            },
        ),
        (
            "the same request again (replayed)",
            call(lambda: alice.post(TIMELINE, json=activity_body(), headers=KEY), 201),
            {**ACCESS, "idempotency create": 1, "idempotency read": 1},
        ),
        (
            "notes page",
            call(lambda: alice.get(NOTES, params={"pageSize": 5})),
            {**ACCESS, "customers read": 1, "activities query": 1},
        ),
    ]
    assert measured(local_server, cosmos_database, expected) == {
        name: counts for name, _, counts in expected
    }


def test_a_customer_search_reads_the_stores_key_partitions_and_never_the_customers(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    """Whatever the number of customers: the key page and the cards of each address book of
    the store, then the hits' holders (one memberships query)."""
    alice, carol = world.as_staff("alice"), world.as_staff("carol")
    path = "/api/stores/{}/customers"
    first = world.ok(alice.get(path.format("S1"), params={"search": "customer", "pageSize": 5}))
    token = first["continuationToken"]
    expected: Expected = [
        (
            "search, a store of one address book",
            lambda: alice.get(path.format("S1"), params={"search": "customer", "pageSize": 5}),
            {**SEARCH_CHECKS, "search query": 2, "books query": 1},
        ),
        (
            "the next page",
            lambda: alice.get(
                path.format("S1"),
                params={"search": "customer", "pageSize": 5, "continuationToken": token},
            ),
            {**SEARCH_CHECKS, "search query": 2, "books query": 1},
        ),
        (
            "search, a store of two address books",
            lambda: carol.get(path.format("S2"), params={"search": "customer 01", "pageSize": 5}),
            # a key query and a card query in each book (AB1, AB2)
            {**SEARCH_CHECKS, "search query": 4, "books query": 1},
        ),
        (
            "a word no customer has",
            lambda: alice.get(path.format("S1"), params={"search": "zyxwv"}),
            {**SEARCH_CHECKS, "search query": 1},  # no hits: no cards, no holders to read
        ),
    ]
    assert measured(local_server, cosmos_database, expected) == {
        name: counts for name, _, counts in expected
    }


def test_every_pos_route_reads_the_published_version_once(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    """The access check and the use case of one request share one look at the published
    view, whatever else the route asks of it (types, parameters, the card's setup)."""
    alice, bob = world.as_staff("alice"), world.as_staff("bob")
    note = world.ok(alice.post(NOTES, json={"text": "Prefers email"}), 201)
    one_note = f"{NOTES}/{note['noteId']}"
    add_to_book(world, "alice", ["UC003"], "S1")  # an associate edits customers of a book
    in_book = pos_path("S1", "customers/UC003")
    card_etag = alice.get(in_book).etag
    template = {"name": "Hello", "channel": "sms", "texts": {"en": {"body": "Hi"}}}
    world.ok(world.admin.put("/api/admin/USRT/message-templates/HELLO", json=template))
    # Outreach on without quiet hours (the test must not depend on the hour), and the
    # customer's email opt-in captured at the POS, so the send below is accepted.
    outreach = {"outreachEnabled": True, "quietHours": None, "unsubscribeBaseUrl": "https://x.test"}
    world.ok(world.admin.put("/api/admin/USRT/outreach-settings", json=outreach))
    world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    world.ok(alice.get(pos_path("S1", "activity-types")))  # loads the view the run published
    consent = f"{in_book}/consent"
    put_rules(world, "USRT", {"WELCOME": WELCOME})  # before the adds, which it counts from
    add_to_book(world, "alice", ["UC005", "UC006", "UC007"], "S1")
    generate(world)
    work = world.ok(alice.get(pos_path("S1", "followups")))["followups"]
    done, later, gone = work[:3]
    opt_in = {"channel": "email", "state": "opted-in", "confirmationText": "Yes"}
    world.ok(alice.post(f"{in_book}/consent", json=opt_in))
    # Without a queue configured the message stays in the outbox (202 all the same), which is
    # what this test measures: the request, not the delivery.
    messages = pos_path("S1", "customers/UC003/messages")
    sent: list[str] = []

    def send_message() -> Any:
        reply = alice.post(
            messages,
            json={"channel": "email", "subject": "Hello", "text": "Hi"},
            headers={"Idempotency-Key": "k1"},
        )
        assert reply.status == 202, reply
        sent.append(reply.json["messageId"])
        return reply

    routes: dict[str, Callable[[], Any]] = {
        "pos_list_activity_types": lambda: alice.get(pos_path("S1", "activity-types")),
        "pos_activity_timeline": lambda: alice.get(TIMELINE),
        "pos_record_activity": lambda: alice.post(TIMELINE, json=activity_body()),
        "client_book_mine": lambda: alice.get(pos_path("S1", "client-book")),
        "client_book_add": lambda: alice.post(
            pos_path("S1", "client-book/customers"), json={"customerIds": ["UC004"]}
        ),
        "client_book_customers": lambda: alice.get(pos_path("S1", "client-book/customers")),
        "store_client_book_customers": lambda: bob.get(
            pos_path("S1", "store-client-book/customers")
        ),
        "store_client_book_reassign": lambda: bob.post(
            pos_path("S1", "store-client-book/reassign"),
            json={"customerIds": ["UC004"], "toStaffId": "bob"},
        ),
        "client_book_remove": lambda: bob.post(
            pos_path("S1", "client-book/customers/remove"), json={"customerIds": ["UC004"]}
        ),
        "customer_search": lambda: alice.get(
            pos_path("S1", "customers"), params={"search": "customer"}
        ),
        "customer_details": lambda: alice.get(CARD),
        "customer_attributes_patch": lambda: alice.patch(
            f"{in_book}/attributes",
            json={"attributes": {"vip": True}},
            headers={"If-Match": card_etag},
        ),
        "pos_list_notes": lambda: alice.get(NOTES),
        "pos_add_note": lambda: alice.post(NOTES, json={"text": "Prefers phone calls"}),
        "pos_get_note": lambda: alice.get(one_note),
        "pos_edit_note": lambda: alice.put(
            one_note, json={"text": "Prefers calls"}, headers={"If-Match": note["etag"]}
        ),
        "pos_note_history": lambda: alice.get(f"{one_note}/history"),
        "pos_delete_note": lambda: alice.delete(one_note, headers={"If-Match": "r2"}),
        "customer_consent": lambda: alice.get(consent),
        "customer_consent_capture": lambda: alice.post(
            consent, json={"channel": "sms", "state": "opted-in", "confirmationText": "Yes"}
        ),
        "message_templates": lambda: alice.get(pos_path("S1", "message-templates")),
        "message_template_preview": lambda: alice.get(f"{in_book}/message-templates/HELLO/preview"),
        "followups_mine": lambda: alice.get(pos_path("S1", "followups")),
        "followups_one": lambda: alice.get(followup_path("S1", done["followupId"])),
        "followups_create": lambda: alice.post(
            pos_path("S1", "followups"),
            json={"customerId": "UC005", "dueDate": "2099-01-01", "text": "Catalogue"},
        ),
        "followups_complete": lambda: alice.post(
            followup_path("S1", done["followupId"], "complete"),
            json={"outcome": "reached", "activity": {"activityTypeId": "CALL"}},
            headers={"If-Match": done["etag"]},
        ),
        "followups_snooze": lambda: alice.post(
            followup_path("S1", later["followupId"], "snooze"),
            json={"until": SOON},
            headers={"If-Match": later["etag"]},
        ),
        "followups_dismiss": lambda: alice.post(
            followup_path("S1", gone["followupId"], "dismiss"),
            json={"reason": "Moved away"},
            headers={"If-Match": gone["etag"]},
        ),
        "store_followups": lambda: bob.get(pos_path("S1", "store-followups")),
        "pos_send_message": send_message,
        "pos_get_message": lambda: alice.get(f"{messages}/{sent[0]}"),
    }
    # A POS route added later must be listed here too.
    assert set(routes) == {spec.name for spec in ENDPOINTS if "storeId" in spec.route}
    before = local_server.request_counts(cosmos_database.database)
    measured = {}
    for name, action in routes.items():
        reply = action()
        assert reply.status < 300, (name, reply)
        after = local_server.request_counts(cosmos_database.database)
        measured[name] = (after - before)["published read"]
        before = after
    assert measured == dict.fromkeys(routes, 1)


def test_the_worklist_is_one_query_and_a_completion_one_write_per_container(
    world: World, local_server: CosmosTestServer, cosmos_database: CosmosSettings
) -> None:
    alice = world.as_staff("alice")
    put_rules(world, "USRT", {"WELCOME": WELCOME})
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    generate(world)
    first, second, _ = world.ok(alice.get(pos_path("S1", "followups")))["followups"]
    # The page's cards: the card copies the owner's book memberships keep, in one query.
    card_reads = {"books query": 1}
    expected: Expected = [
        (
            "my follow-ups, first page with bucket counts",
            lambda: alice.get(pos_path("S1", "followups")),
            {**ACCESS, "followups query": 2, **card_reads},
        ),
        (
            "complete with an activity and Idempotency-Key",
            lambda: alice.post(
                followup_path("S1", first["followupId"], "complete"),
                json={"outcome": "reached", "activity": {"activityTypeId": "CALL"}},
                headers={"If-Match": first["etag"], **KEY},
            ),
            {
                **WRITE_CHECKS,
                "followups read": 1,
                "activities create": 1,
                "followups patch": 1,
                "idempotency create": 1,
                "idempotency patch": 1,
            },
        ),
        (
            "snooze",
            lambda: alice.post(
                followup_path("S1", second["followupId"], "snooze"),
                json={"until": SOON},
                headers={"If-Match": second["etag"]},
            ),
            {**ACCESS, "followups read": 1, "followups patch": 1},
        ),
    ]
    assert measured(local_server, cosmos_database, expected) == {
        name: counts for name, _, counts in expected
    }
