"""Refiners as the POS receives them."""

from __future__ import annotations

from shared.domain.attributes import AttributeDefinition
from shared.domain.refiners import (
    MAX_TEXT_REFINER_VALUES,
    RefinerCounts,
    build_refiner,
    refinable_attributes,
)
from tests.unit.test_book_filters import GROUP

BY_NAME = GROUP.by_name()


def definition(name: str) -> AttributeDefinition:
    return BY_NAME[name]


def test_only_refinable_attributes_have_refiners() -> None:
    names = [a.name for a in refinable_attributes(GROUP)]
    assert "preferredBrand" not in names
    assert set(names) == {"favoriteCategory", "stylist", "lifetimeValue", "vip", "lastVisit"} | {
        "visits"
    }


def test_list_values_come_in_the_order_of_the_allowed_values() -> None:
    counts = RefinerCounts("favoriteCategory", [("Jewelry", 9), ("Shoes", 2), ("Bags", 5)])
    refiner = build_refiner(definition("favoriteCategory"), counts)
    assert [(v.value, v.count) for v in refiner.values or []] == [
        ("Shoes", 2),
        ("Bags", 5),
        ("Jewelry", 9),
    ]
    assert refiner.min is None


def test_booleans_list_true_first() -> None:
    refiner = build_refiner(definition("vip"), RefinerCounts("vip", [(False, 8), (True, 3)]))
    assert [v.value for v in refiner.values or []] == [True, False]


def test_text_values_by_count_capped() -> None:
    many = [(f"stylist {n}", n) for n in range(MAX_TEXT_REFINER_VALUES + 20)]
    refiner = build_refiner(definition("stylist"), RefinerCounts("stylist", many))
    values = refiner.values or []
    assert len(values) == MAX_TEXT_REFINER_VALUES
    assert values[0].count == MAX_TEXT_REFINER_VALUES + 19


def test_numbers_and_dates_give_their_range() -> None:
    counts = RefinerCounts("lastVisit", minimum="2024-01-02", maximum="2025-05-30")
    refiner = build_refiner(definition("lastVisit"), counts)
    assert (refiner.min, refiner.max, refiner.values) == ("2024-01-02", "2025-05-30", None)


def test_an_empty_set_gives_empty_refiners() -> None:
    assert build_refiner(definition("vip"), None).values == []
    assert build_refiner(definition("visits"), None).min is None
