"""Refiners: what the POS draws filter chips from, over the whole filtered set of a book.

For each refinable attribute:
- list, boolean and text attributes give their values with the number of customers having
  each (lists in the order of their allowed values, booleans true first, text by count,
  at most `MAX_TEXT_REFINER_VALUES` values);
- integer, decimal and date attributes give the smallest and largest value, for a range
  control (`range=<attribute>:<min>..<max>`), without a count (min and max come from two index
  seeks per book; a count would read every value).
The figures describe the set with every filter applied, including the attribute's own
refinement: a POS that offers more values of an attribute already refined keeps the chips
of the unrefined list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from shared.domain.attributes import RANGE_TYPES, AttributeDefinition, AttributeGroup, AttributeType
from shared.domain.model_base import DomainModel

MAX_TEXT_REFINER_VALUES = 50


@dataclass(frozen=True)
class RefinerCounts:
    """What storage computes for one attribute (values already in their stored type)."""

    attribute: str
    values: Sequence[tuple[Any, int]] = ()
    minimum: Any = None
    maximum: Any = None


class RefinerValue(DomainModel):
    value: Any
    count: int


class Refiner(DomainModel):
    name: str
    label: str
    type: AttributeType
    values: list[RefinerValue] | None = Field(
        default=None, description="list, boolean and text attributes: values with counts"
    )
    min: Any = Field(default=None, description="integer, decimal and date attributes")
    max: Any = Field(default=None, description="integer, decimal and date attributes")


def is_range_refiner(definition: AttributeDefinition) -> bool:
    return definition.type in RANGE_TYPES


def refinable_attributes(group: AttributeGroup | None) -> list[AttributeDefinition]:
    """The attributes a book can be refined by, in display order (unordered ones last)."""
    found = [a for a in group.attributes if a.refinable] if group else []
    return sorted(found, key=lambda a: (a.display_order is None, a.display_order or 0, a.name))


def _ordered_values(
    definition: AttributeDefinition, values: Sequence[tuple[Any, int]]
) -> list[tuple[Any, int]]:
    if definition.type is AttributeType.LIST:
        rank = {v: i for i, v in enumerate(definition.allowed_values or [])}
        return sorted(values, key=lambda pair: rank.get(pair[0], len(rank)))
    if definition.type is AttributeType.BOOLEAN:
        return sorted(values, key=lambda pair: not pair[0])
    ordered = sorted(values, key=lambda pair: (-pair[1], str(pair[0])))
    return ordered[:MAX_TEXT_REFINER_VALUES]


def build_refiner(definition: AttributeDefinition, counts: RefinerCounts | None) -> Refiner:
    counts = counts or RefinerCounts(definition.name)
    common = {"name": definition.name, "label": definition.label, "type": definition.type}
    if is_range_refiner(definition):
        return Refiner(**common, min=counts.minimum, max=counts.maximum)
    values = [RefinerValue(value=v, count=n) for v, n in _ordered_values(definition, counts.values)]
    return Refiner(**common, values=values)
