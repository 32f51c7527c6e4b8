"""Client-book attributes: definitions, the group, and typed validation of values."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from shared.domain.dates import parse_date
from shared.domain.errors import ValidationFailed
from shared.domain.model_base import DomainModel, Name, one_line_text
from shared.domain.text import checked_text

MAX_TEXT_VALUE = 500
# Integers beyond 2^53 lose digits in JavaScript clients and in Cosmos DB's JSON numbers.
MAX_INTEGER = 2**53
# Decimals are amounts and measures: beyond 10^15 a double no longer holds the cents.
MAX_DECIMAL = 1e15

# Attribute names appear in query strings (`refine=name:value`, `name.min`): keep them plain.
AttributeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]


class AttributeType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    LIST = "list"


RANGE_TYPES = frozenset({AttributeType.INTEGER, AttributeType.DECIMAL, AttributeType.DATE})


class AttributeDefinition(DomainModel):
    name: AttributeName
    label: Name
    type: AttributeType
    allowed_values: list[one_line_text(min_length=1, max_length=100)] | None = Field(
        default=None, max_length=200
    )
    refinable: bool = False
    display_order: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _allowed_values_match_type(self) -> AttributeDefinition:
        if self.type is AttributeType.LIST:
            if not self.allowed_values:
                raise ValueError("a list attribute needs allowedValues")
            if len(set(self.allowed_values)) != len(self.allowed_values):
                raise ValueError("allowedValues must not repeat")
        elif self.allowed_values is not None:
            raise ValueError("allowedValues is only for list attributes")
        return self


class AttributeGroup(DomainModel):
    name: Name
    attributes: list[AttributeDefinition] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _names_and_orders_unique(self) -> AttributeGroup:
        names = [a.name.lower() for a in self.attributes]
        if len(set(names)) != len(names):
            raise ValueError("attribute names must be unique (case-insensitive)")
        orders = [a.display_order for a in self.attributes if a.display_order is not None]
        if len(set(orders)) != len(orders):
            raise ValueError("display orders must be unique")
        return self

    def by_name(self) -> dict[str, AttributeDefinition]:
        return {a.name: a for a in self.attributes}

    def card_order(self) -> list[AttributeDefinition]:
        """Attributes shown on cards: those with a display order, 1 before 2."""
        shown = [a for a in self.attributes if a.display_order is not None]
        return sorted(shown, key=lambda a: a.display_order or 0)


def coerce_attribute_value(definition: AttributeDefinition, raw: Any) -> Any:
    """The stored form of `raw` for this attribute, or ValueError saying what is wrong.

    None clears the value. Dates are stored as ISO strings, so they sort and compare as text.
    Numbers are bounded before any conversion: a JSON number of 400 digits is a valid int in
    Python, and `float()` of it raises OverflowError rather than ValueError.
    """
    if raw is None:
        return None
    kind = definition.type
    if kind is AttributeType.TEXT:
        if not isinstance(raw, str) or len(raw) > MAX_TEXT_VALUE:
            raise ValueError(f"must be text of at most {MAX_TEXT_VALUE} characters")
        return checked_text(raw, multiline=True).strip()
    if kind is AttributeType.INTEGER:
        if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > MAX_INTEGER:
            raise ValueError("must be a whole number from -2^53 to 2^53")
        return raw
    if kind is AttributeType.DECIMAL:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError("must be a number")
        if (isinstance(raw, float) and not math.isfinite(raw)) or abs(raw) > MAX_DECIMAL:
            raise ValueError(f"must be a number from {-MAX_DECIMAL:g} to {MAX_DECIMAL:g}")
        return float(raw)
    if kind is AttributeType.BOOLEAN:
        if not isinstance(raw, bool):
            raise ValueError("must be true or false")
        return raw
    if kind is AttributeType.DATE:
        if not isinstance(raw, str):
            raise ValueError("must be a date like 2024-05-31")
        return parse_date(raw).isoformat()
    if raw not in (definition.allowed_values or []):
        raise ValueError(f"must be one of: {', '.join(definition.allowed_values or [])}")
    return raw


def validate_attribute_values(
    group: AttributeGroup | None, values: dict[str, Any], field_prefix: str = "attributes"
) -> dict[str, Any]:
    """Coerce every value against the group; all problems are reported together."""
    definitions = group.by_name() if group else {}
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}
    for name, raw in values.items():
        definition = definitions.get(name)
        if definition is None:
            errors.append({"field": f"{field_prefix}.{name}", "message": "unknown attribute"})
            continue
        try:
            clean[name] = coerce_attribute_value(definition, raw)
        except ValueError as problem:
            errors.append({"field": f"{field_prefix}.{name}", "message": str(problem)})
    if errors:
        raise ValidationFailed(errors)
    return clean
