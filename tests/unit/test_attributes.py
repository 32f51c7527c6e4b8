from __future__ import annotations

import pytest

from shared.domain.attributes import (
    AttributeDefinition,
    AttributeGroup,
    coerce_attribute_value,
    validate_attribute_values,
)
from shared.domain.errors import ValidationFailed
from shared.domain.parameters import NumberSequence


def _definition(kind: str, **extra) -> AttributeDefinition:
    return AttributeDefinition(name="a", label="A", type=kind, **extra)


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("text", "  hi ", "hi"),
        ("integer", 5, 5),
        ("decimal", 5, 5.0),
        ("decimal", 2.5, 2.5),
        ("boolean", False, False),
        ("date", "2024-02-29", "2024-02-29"),
        ("text", None, None),
    ],
)
def test_values_are_coerced_to_their_stored_form(kind, raw, stored) -> None:
    assert coerce_attribute_value(_definition(kind), raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("text", 5),
        ("text", "x" * 501),
        ("integer", True),
        ("integer", 1.5),
        ("integer", "5"),
        ("decimal", float("nan")),
        ("decimal", "1"),
        ("boolean", "true"),
        ("date", "2023-02-29"),
        ("date", 20240101),
    ],
)
def test_wrong_values_are_refused(kind, raw) -> None:
    with pytest.raises(ValueError):
        coerce_attribute_value(_definition(kind), raw)


def test_list_values_must_be_allowed() -> None:
    shoes = _definition("list", allowed_values=["Shoes", "Bags"])
    assert coerce_attribute_value(shoes, "Bags") == "Bags"
    with pytest.raises(ValueError, match="Shoes, Bags"):
        coerce_attribute_value(shoes, "bags")


def test_all_problems_are_reported_together() -> None:
    group = AttributeGroup(name="G", attributes=[_definition("integer")])
    with pytest.raises(ValidationFailed) as caught:
        validate_attribute_values(group, {"a": "x", "b": 1})
    assert {e["field"] for e in caught.value.errors} == {"attributes.a", "attributes.b"}


def test_card_order_follows_display_order() -> None:
    group = AttributeGroup(
        name="G",
        attributes=[
            AttributeDefinition(name="c", label="C", type="text", display_order=3),
            AttributeDefinition(name="x", label="X", type="text"),
            AttributeDefinition(name="a", label="A", type="text", display_order=1),
        ],
    )
    assert [a.name for a in group.card_order()] == ["a", "c"]


def test_number_sequences_pad_the_counter() -> None:
    assert NumberSequence(prefix="CB-", digits=6).format(42) == "CB-000042"
