"""A book's refiner tally against the truth it stands for: the multiset of member values."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from shared.adapters.cosmos import book_tally
from shared.adapters.cosmos.book_tally import (
    TallyDelta,
    applied,
    bounds_known,
    empty_tally,
    tally_of_members,
)


def change(tally: dict, value: object, sign: int) -> dict:
    delta = TallyDelta()
    delta.count({"x": value}, sign)
    return applied(tally, delta)


def test_values_are_counted_per_exact_value_and_type() -> None:
    tally = tally_of_members("LE", "alice", [{"x": True}, {"x": 1}, {"x": "1"}, {"x": 1}, {}])
    assert tally["members"] == 5
    assert tally["counts"] == {"x": {"true": 1, "1": 2, '"1"': 1}}
    assert change(tally, 1, -1)["counts"]["x"] == {"true": 1, "1": 1, '"1"': 1}


def test_a_bound_whose_last_holder_leaves_moves_to_the_next_value() -> None:
    tally = tally_of_members("LE", "alice", [{"x": 3}, {"x": 5}, {"x": 9}])
    tally = change(tally, 3, -1)
    assert min(json.loads(k) for k in tally["counts"]["x"]) == 5


@pytest.mark.parametrize("seed", range(20))
def test_extremes_of_a_varied_attribute_stay_exact_or_say_they_are_not(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(book_tally, "MAX_TALLY_VALUES", 12)
    monkeypatch.setattr(book_tally, "EXTREME_VALUES", 3)
    rng = random.Random(seed)
    held: Counter[int] = Counter()
    tally = empty_tally("LE", "alice")
    unknown = 0
    for _ in range(400):
        if held and rng.random() < 0.45:
            value = rng.choice(sorted(held.elements()))
            held[value] -= 1
            held += Counter()  # drop zeros
            tally = change(tally, value, -1)
        else:
            value = rng.randint(0, 60)
            held[value] += 1
            tally = change(tally, value, +1)
        assert tally["members"] == sum(held.values())
        ends = tally["extremes"].get("x")
        if ends is None:
            assert (
                Counter({json.loads(k): n for k, n in tally["counts"].get("x", {}).items()}) == held
            )
        elif bounds_known(ends):
            kept = [json.loads(k) for k in {**ends["low"], **ends["high"]}]
            assert (min(kept, default=None), max(kept, default=None)) == (
                min(held, default=None),
                max(held, default=None),
            )
        else:
            unknown += 1
    assert "x" in tally["extremes"]  # the attribute did go past the limit
    assert unknown < 400
