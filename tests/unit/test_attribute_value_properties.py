"""Properties of attribute values, stored texts and dates: any input is stored or named.

An attribute value arrives as any JSON value (from a PATCH or an import record), of any size.
It is either stored in the attribute's type (and storing it again changes nothing) or it is
a ValueError that becomes that field's error; no other exception gets out.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from shared.domain.attributes import (
    MAX_DECIMAL,
    MAX_INTEGER,
    AttributeDefinition,
    AttributeGroup,
    AttributeType,
    coerce_attribute_value,
    validate_attribute_values,
)
from shared.domain.dates import EARLIEST_YEAR, LATEST_YEAR, parse_date
from shared.domain.errors import ValidationFailed
from shared.domain.text import text_problem
from tests.support.properties import FORBIDDEN_IN_TEXT, QUICK, json_values

KINDS = list(AttributeType)
NINES = int("9" * 400)


def _definition(kind: AttributeType) -> AttributeDefinition:
    allowed = ["Shoes", "Bags", "Zoë"] if kind is AttributeType.LIST else None
    return AttributeDefinition(name=f"a{kind.value}", label="A", type=kind, allowed_values=allowed)


GROUP = AttributeGroup(name="Client book", attributes=[_definition(k) for k in KINDS])
raw_values = st.one_of(
    json_values,
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.dates().map(dt.date.isoformat),
    st.text(alphabet=st.sampled_from(FORBIDDEN_IN_TEXT + list("ab \t\n\r")), max_size=10),
)


@QUICK
@given(st.sampled_from(KINDS), raw_values)
@example(AttributeType.DECIMAL, NINES)
@example(AttributeType.DECIMAL, -NINES)
@example(AttributeType.INTEGER, NINES)
@example(AttributeType.DATE, "0001-01-01")
@example(AttributeType.TEXT, "A\u202eB")
def test_any_value_is_stored_in_the_attributes_type_or_a_value_error(
    kind: AttributeType, raw: object
) -> None:
    definition = _definition(kind)
    try:
        stored = coerce_attribute_value(definition, raw)
    except ValueError as problem:
        assert str(problem)
        return
    assert coerce_attribute_value(definition, stored) == stored  # storing again changes nothing
    json.dumps(stored, allow_nan=False)  # and it is plain JSON
    if stored is None:
        return
    if kind is AttributeType.INTEGER:
        assert type(stored) is int and abs(stored) <= MAX_INTEGER
    elif kind is AttributeType.DECIMAL:
        assert type(stored) is float and math.isfinite(stored) and abs(stored) <= MAX_DECIMAL
    elif kind is AttributeType.DATE:
        assert EARLIEST_YEAR <= dt.date.fromisoformat(stored).year <= LATEST_YEAR
    elif kind is AttributeType.TEXT:
        assert text_problem(stored, multiline=True) is None
    elif kind is AttributeType.LIST:
        assert stored in (definition.allowed_values or [])


@QUICK
@given(st.dictionaries(st.sampled_from([f"a{k.value}" for k in KINDS] + ["nope"]), raw_values))
def test_a_set_of_values_is_all_stored_or_each_bad_one_is_named(values: dict) -> None:
    try:
        clean = validate_attribute_values(GROUP, values)
    except ValidationFailed as problem:
        named = {e["field"] for e in problem.errors}
        assert named and named <= {f"attributes.{name}" for name in values}
        return
    assert set(clean) == set(values)


@QUICK
@given(
    st.text(max_size=20),
    st.sampled_from(FORBIDDEN_IN_TEXT),
    st.text(max_size=20),
    st.booleans(),
)
def test_a_forbidden_character_anywhere_is_refused(
    before: str, forbidden: str, after: str, multiline: bool
) -> None:
    text = before + forbidden + after
    problem = text_problem(text, multiline)
    if multiline and forbidden in "\t\n\r" and text_problem(before + after, multiline) is None:
        assert problem is None  # multi-line texts keep their layout
    else:
        assert problem is not None and "U+" in problem


@QUICK
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), st.booleans())
def test_texts_are_refused_exactly_when_they_hold_a_forbidden_character(
    text: str, multiline: bool
) -> None:
    allowed = set("\t\n\r") if multiline else set()
    holds_forbidden = any(c in FORBIDDEN_IN_TEXT and c not in allowed for c in text)
    assert (text_problem(text, multiline) is not None) == holds_forbidden


@QUICK
@given(st.one_of(st.dates().map(dt.date.isoformat), st.text(max_size=12)))
def test_dates_are_iso_dates_within_1900_and_2100_or_a_value_error(text: str) -> None:
    try:
        value = parse_date(text)
    except ValueError:
        return
    assert EARLIEST_YEAR <= value.year <= LATEST_YEAR
    assert value == dt.date.fromisoformat(text)
