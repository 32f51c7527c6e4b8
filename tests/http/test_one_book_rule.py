"""One client book per customer per legal entity, unless several are allowed; and what
happens when associates act at the same moment."""

from __future__ import annotations

import re

from tests.support.concurrency import race
from tests.support.world import World, add_to_book, change_parameters, pos_path

ADD = "client-book/customers"


def holders(world: World, customer_id: str) -> list[str]:
    details = world.ok(world.as_staff("bob").get(pos_path("S1", f"customers/{customer_id}")))
    return [b["ownerStaffId"] for b in details["clientBooks"]]


def test_a_customer_in_a_colleagues_book_cannot_be_added(world: World) -> None:
    add_to_book(world, "alice", ["UC001"], "S1")
    reply = world.as_staff("carol").post(pos_path("S2", ADD), json={"customerIds": ["UC001"]})
    assert reply.status == 409
    problem = reply.json
    assert problem["type"] == "urn:clienteling:problem:customer-in-another-book"
    # Who holds it, and nothing else about the colleague's book.
    assert problem["conflicts"] == [
        {
            "customerId": "UC001",
            "clientBookId": "CB-000001",
            "ownerStaffId": "alice",
            "ownerName": "Alice Archer",
        }
    ]
    assert holders(world, "UC001") == ["alice"]


def test_two_associates_adding_one_customer_at_the_same_moment_end_with_one_winner(
    world: World,
) -> None:
    alice, carol = world.as_staff("alice"), world.as_staff("carol")
    for n in range(1, 9):
        customer = f"UC{n:03d}"
        body = {"customerIds": [customer]}
        replies = race(
            [
                lambda body=body: alice.post(pos_path("S1", ADD), json=body),
                lambda body=body: carol.post(pos_path("S2", ADD), json=body),
            ]
        )
        assert sorted(r.status for r in replies) == [200, 409], replies
        winner = "alice" if replies[0].status == 200 else "carol"
        loser = replies[1] if winner == "alice" else replies[0]
        assert loser.json["conflicts"][0]["ownerStaffId"] == winner
        assert holders(world, customer) == [winner]


def test_many_associates_racing_for_a_batch_leave_each_customer_in_one_book(
    world: World,
) -> None:
    batch = {"customerIds": ["UC010", "UC011", "UC012"]}
    clients = [("alice", "S1"), ("bob", "S1"), ("carol", "S2"), ("dave", "S3")]
    replies = race(
        [
            (lambda c=c, s=s: world.as_staff(c).post(pos_path(s, ADD), json=batch))
            for c, s in clients
        ]
    )
    assert sorted(r.status for r in replies) == [200, 409, 409, 409]
    [winner] = [name for (name, _), r in zip(clients, replies, strict=True) if r.status == 200]
    for customer in batch["customerIds"]:
        assert holders(world, customer) == [winner]


def test_concurrent_first_adds_get_distinct_book_ids(world: World) -> None:
    clients = [("alice", "S1", "UC001"), ("bob", "S1", "UC002"), ("carol", "S2", "UC003")]
    clients.append(("dave", "S3", "UC004"))
    replies = race(
        [
            (
                lambda c=c, s=s, u=u: world.as_staff(c).post(
                    pos_path(s, ADD), json={"customerIds": [u]}
                )
            )
            for c, s, u in clients
        ]
    )
    assert [r.status for r in replies] == [200] * 4, replies
    ids = [r.json["clientBook"]["id"] for r in replies]
    assert len(set(ids)) == 4
    assert all(re.fullmatch(r"CB-\d{6}", book_id) for book_id in ids)
    assert [r.json["created"] for r in replies] == [True] * 4


def test_one_associate_adding_twice_at_once_still_has_one_book(world: World) -> None:
    alice = world.as_staff("alice")
    replies = race(
        [
            lambda: alice.post(pos_path("S1", ADD), json={"customerIds": ["UC001"]}),
            lambda: alice.post(pos_path("S1", ADD), json={"customerIds": ["UC002"]}),
        ]
    )
    assert [r.status for r in replies] == [200, 200]
    # The rule is one book, not a number: the racing add that lost may have used a number of
    # the sequence, and gaps are allowed (docs/client-books.md).
    [book_id] = {r.json["clientBook"]["id"] for r in replies}
    assert re.fullmatch(r"CB-\d{6}", book_id)
    assert sorted(r.json["created"] for r in replies) == [False, True]
    book = world.ok(alice.get(pos_path("S1", "client-book")))["clientBook"]
    assert book["id"] == book_id
    assert book["customerCount"] == 2


def test_with_several_books_allowed_colleagues_share_a_customer_and_every_view_says_so(
    world: World,
) -> None:
    change_parameters(world, "USRT", allowMultipleClientBooks=True)
    add_to_book(world, "alice", ["UC003", "UC006"], "S1")
    report = add_to_book(world, "bob", ["UC003"], "S1")
    assert report["added"] == ["UC003"]
    both = [
        {"id": "CB-000001", "ownerStaffId": "alice", "ownerName": "Alice Archer"},
        {"id": "CB-000002", "ownerStaffId": "bob", "ownerName": "Bob Baker"},
    ]
    alice = world.as_staff("alice")

    mine = world.ok(alice.get(pos_path("S1", "client-book/customers")))["customers"]
    assert mine[0]["clientBook"] == both[0]
    assert mine[0]["clientBooks"] == both
    assert mine[1]["clientBooks"] == both[:1]

    bobs = world.ok(world.as_staff("bob").get(pos_path("S1", "client-book/customers")))
    assert bobs["customers"][0]["clientBook"] == both[1]
    assert bobs["customers"][0]["clientBooks"] == [both[1], both[0]]

    store = world.ok(alice.get(pos_path("S1", "store-client-book/customers")))
    assert [c["customerId"] for c in store["customers"]] == ["UC003", "UC006"]
    assert store["totalCount"] == 2
    assert store["customers"][0]["clientBooks"] == both
    favorite = {r["name"]: r for r in store["refiners"]}["favoriteCategory"]
    assert sum(v["count"] for v in favorite["values"]) == 2

    hits = world.ok(alice.get(pos_path("S1", "customers"), params={"search": "customer 003"}))
    assert hits["customers"][0]["bookStatus"] == "mine"
    assert hits["customers"][0]["clientBooks"] == both

    details = world.ok(world.as_staff("carol").get(pos_path("S2", "customers/UC003")))
    assert details["clientBooks"] == both


def test_with_one_book_per_customer_cards_carry_no_book_list(world: World) -> None:
    add_to_book(world, "alice", ["UC003"], "S1")
    card = world.ok(world.as_staff("alice").get(pos_path("S1", "client-book/customers")))[
        "customers"
    ][0]
    assert card["clientBooks"] is None
