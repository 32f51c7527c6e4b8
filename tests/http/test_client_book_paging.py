"""Keyset paging with continuation tokens: complete, stable under concurrent changes, and
tokens that cannot be forged or carried to another query."""

from __future__ import annotations

import base64
import threading

import pytest

from shared.composition import reset_services
from tests.support.world import World, add_to_book, pos_path

MY_BOOK = pos_path("S1", "client-book/customers")


def walk(client, path: str, page_size: int, params: dict | None = None) -> list[dict]:
    pages, token = [], None
    while True:
        query = {"pageSize": page_size, **(params or {})}
        if token:
            query["continuationToken"] = token
        reply = client.get(path, params=query)
        assert reply.status == 200, reply
        pages.append(reply.json)
        token = reply.json["continuationToken"]
        if token is None:
            return pages


def test_paging_walks_the_whole_book_once_in_name_order(world: World) -> None:
    everyone = [f"UC{n:03d}" for n in range(1, 26)]
    add_to_book(world, "alice", everyone, "S1")
    pages = walk(world.as_staff("alice"), MY_BOOK, 7)
    assert [len(p["customers"]) for p in pages] == [7, 7, 7, 4]
    assert [c["customerId"] for p in pages for c in p["customers"]] == everyone
    assert all(p["totalCount"] == 25 for p in pages)
    assert pages[0]["refiners"] is not None
    assert all(p["refiners"] is None for p in pages[1:])


def test_customers_present_for_the_whole_walk_appear_exactly_once_while_others_churn(
    world: World,
) -> None:
    stable = [f"UC{n:03d}" for n in range(1, 21)]
    churn = [f"UC{n:03d}" for n in range(21, 41)]
    add_to_book(world, "alice", stable, "S1")
    alice = world.as_staff("alice")
    done = threading.Event()

    def keep_changing() -> None:
        turn = 0
        while not done.is_set():
            group = churn[turn % 4 :: 4]
            alice.post(MY_BOOK, json={"customerIds": group})
            alice.post(
                pos_path("S1", "client-book/customers/remove"), json={"customerIds": group[::2]}
            )
            turn += 1

    changer = threading.Thread(target=keep_changing)
    changer.start()
    try:
        for _ in range(3):
            seen = [c["customerId"] for p in walk(alice, MY_BOOK, 3) for c in p["customers"]]
            assert len(seen) == len(set(seen)), "a customer appeared twice"
            assert set(stable) <= set(seen)
            assert set(seen) <= set(stable) | set(churn)
    finally:
        done.set()
        changer.join(timeout=30)


def test_the_store_book_pages_too(world: World) -> None:
    add_to_book(world, "alice", [f"UC{n:03d}" for n in range(1, 8)], "S1")
    add_to_book(world, "bob", [f"UC{n:03d}" for n in range(8, 13)], "S1")
    pages = walk(world.as_staff("carol"), pos_path("S2", "store-client-book/customers"), 5)
    seen = [c["customerId"] for p in pages for c in p["customers"]]
    assert seen == [f"UC{n:03d}" for n in range(1, 13)]


def first_token(world: World, staff: str = "alice", path: str = MY_BOOK, **params) -> str:
    reply = world.as_staff(staff).get(path, params={"pageSize": 2, **params})
    token = reply.json["continuationToken"]
    assert token
    return token


def assert_refused(reply) -> None:
    assert reply.status == 400, reply
    assert reply.json["type"] == "urn:clienteling:problem:invalid-continuation-token"


@pytest.mark.parametrize(
    "forged",
    ["garbage", "eyJuIjoiYSIsImMiOiJiIn0.AAAAAAAAAAAAAAAAAAAAAA", "a.b.c", "x" * 5000],
)
def test_forged_tokens_are_refused(world: World, forged: str) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    assert_refused(world.as_staff("alice").get(MY_BOOK, params={"continuationToken": forged}))


def test_a_tampered_token_is_refused(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    token = first_token(world)
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    assert_refused(world.as_staff("alice").get(MY_BOOK, params={"continuationToken": tampered}))


def test_a_token_shows_no_customer_even_base64_decoded(world: World) -> None:
    # Tokens travel in URLs, and so into proxy, browser and telemetry logs.
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    token = first_token(world)
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).lower()
    for personal in (b"customer 002", b"uc002", b"002"):
        assert personal not in decoded


def test_a_token_still_reads_after_a_restart(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    token = first_token(world)
    reset_services()  # a new process with the same settings (and key)
    reply = world.as_staff("alice").get(MY_BOOK, params={"continuationToken": token, "pageSize": 2})
    assert reply.status == 200, reply
    assert [c["customerId"] for c in reply.json["customers"]] == ["UC003"]


def test_tokens_do_not_carry_over_to_another_query_caller_or_view(world: World) -> None:
    add_to_book(world, "alice", ["UC001", "UC002", "UC003"], "S1")
    add_to_book(world, "bob", ["UC004", "UC005", "UC006"], "S1")
    token = first_token(world)
    alice, bob = world.as_staff("alice"), world.as_staff("bob")
    assert_refused(bob.get(MY_BOOK, params={"continuationToken": token}))
    assert_refused(alice.get(MY_BOOK, params={"continuationToken": token, "refine": "vip:true"}))
    assert_refused(
        alice.get(
            pos_path("S1", "store-client-book/customers"), params={"continuationToken": token}
        )
    )
    assert_refused(
        alice.get(
            pos_path("S1", "customers"), params={"search": "customer", "continuationToken": token}
        )
    )
    assert alice.get(MY_BOOK, params={"continuationToken": token, "pageSize": 2}).status == 200
