"""The one-book rule and the checks every batch passes."""

from __future__ import annotations

import pytest

from shared.domain.client_books import (
    MAX_BATCH,
    BookHolding,
    checked_batch,
    one_book_conflicts,
)
from shared.domain.errors import ValidationFailed

ALICE_HOLDS_C1 = BookHolding("C1", "CB-000001", "alice")
BOB_HOLDS_C2 = BookHolding("C2", "CB-000002", "bob")


def test_a_customer_in_a_colleagues_book_is_a_conflict_named_by_that_book() -> None:
    conflicts = one_book_conflicts(["C1", "C3"], [ALICE_HOLDS_C1], "bob", False)
    assert conflicts == [ALICE_HOLDS_C1]


def test_re_adding_a_customer_already_in_my_own_book_is_no_conflict() -> None:
    assert one_book_conflicts(["C1"], [ALICE_HOLDS_C1], "alice", False) == []


def test_with_several_books_allowed_nothing_conflicts() -> None:
    assert one_book_conflicts(["C1", "C2"], [ALICE_HOLDS_C1, BOB_HOLDS_C2], "carol", True) == []


def test_each_conflicting_customer_is_reported_once() -> None:
    shared = [ALICE_HOLDS_C1, BookHolding("C1", "CB-000002", "bob"), BOB_HOLDS_C2]
    conflicts = one_book_conflicts(["C1", "C2"], shared, "carol", False)
    assert [c.customer_id for c in conflicts] == ["C1", "C2"]


def test_a_customer_held_by_me_and_a_colleague_is_mine_to_re_add() -> None:
    both = [ALICE_HOLDS_C1, BookHolding("C1", "CB-000002", "bob")]
    assert one_book_conflicts(["C1"], both, "bob", False) == []


@pytest.mark.parametrize("size", [0, MAX_BATCH + 1])
def test_batches_hold_1_to_100_customers(size: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        checked_batch([f"C{n}" for n in range(size)])
    assert raised.value.errors[0]["field"] == "customerIds"


def test_a_batch_of_100_distinct_customers_is_fine() -> None:
    ids = [f"C{n}" for n in range(MAX_BATCH)]
    assert checked_batch(ids) == ids


def test_every_repeated_customer_in_a_batch_is_named() -> None:
    with pytest.raises(ValidationFailed) as raised:
        checked_batch(["C1", "C2", "C1", "C3", "C2", "C2"])
    named = {(e["customerId"], e["message"]) for e in raised.value.errors}
    assert named == {("C1", "C1 appears 2 times"), ("C2", "C2 appears 3 times")}
