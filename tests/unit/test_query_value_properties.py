"""Properties of every parser of query values: any text is a value or a 400 naming it.

Examples only show the inputs someone thought of; these draw from whole classes (digits of
every script, signs, exponents, 6,000-digit numbers, any Unicode) and check the contract:
a parsed value is within bounds and written in ASCII, and anything else is ValidationFailed
or ValueError naming the parameter, never another exception.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.domain.attributes import (
    MAX_DECIMAL,
    MAX_INTEGER,
    AttributeDefinition,
    AttributeGroup,
    AttributeType,
)
from shared.domain.book_filters import BookFilters, parse_book_filters, typed_query_value
from shared.domain.errors import ValidationFailed
from shared.domain.important_dates import MAX_UPCOMING_DAYS
from shared.domain.query_values import decimal_number, switch, whole_number
from shared.paging import MAX_PAGE_SIZE, page_size
from tests.support.properties import QUICK, UNICODE_DIGITS, number_like_text

ASCII_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)
TODAY = dt.date(2024, 5, 31)


def _definition(kind: AttributeType) -> AttributeDefinition:
    allowed = ["Shoes", "Bags", "Zoë"] if kind is AttributeType.LIST else None
    return AttributeDefinition(
        name=f"a{kind.value}", label=kind.value, type=kind, allowed_values=allowed, refinable=True
    )


GROUP = AttributeGroup(name="Client book", attributes=[_definition(k) for k in AttributeType])


@QUICK
@given(number_like_text)
@example("²")
@example("5" * 5000)
@example("٣")
def test_page_size_is_ascii_digits_within_bounds_or_a_400(text: str) -> None:
    try:
        size = page_size(text)
    except ValidationFailed as problem:
        assert problem.errors[0]["field"] == "pageSize"
        return
    assert 1 <= size <= MAX_PAGE_SIZE
    assert text == "" or ASCII_WHOLE.fullmatch(text)


@QUICK
@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=0, max_value=50))
def test_whole_numbers_in_bounds_read_back_as_themselves(number: int, zeros: int) -> None:
    written = ("-" if number < 0 else "") + "0" * zeros + str(abs(number))
    if len(written) > 24:
        return  # beyond any bound a route declares: refused by length, checked below
    assert whole_number(written, "limit", -1000, 1000, default=7) == number


@QUICK
@given(st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=6), st.text("0123456789", max_size=3))
def test_digits_of_other_scripts_are_never_numbers(foreign: str, ascii_digits: str) -> None:
    for text in (foreign, ascii_digits + foreign, foreign + ascii_digits):
        with pytest.raises(ValidationFailed):
            whole_number(text, "limit", 0, 10**9, default=1)
        with pytest.raises(ValueError):
            decimal_number(text, MAX_DECIMAL)


@QUICK
@given(number_like_text)
def test_decimals_are_ascii_and_finite_within_the_limit_or_a_value_error(text: str) -> None:
    try:
        number = decimal_number(text, MAX_DECIMAL)
    except ValueError:
        return
    assert abs(number) <= MAX_DECIMAL
    assert text.isascii() and "e" not in text.lower() and "_" not in text


@QUICK
@given(st.text(max_size=8))
def test_switches_are_true_or_false_in_any_case_or_a_400(text: str) -> None:
    try:
        value = switch(text, "upcoming", default=False)
    except ValidationFailed as problem:
        assert problem.errors == [{"field": "upcoming", "message": "must be true or false"}]
        return
    assert value is (text.lower() == "true")


@QUICK
@given(st.sampled_from(list(AttributeType)), number_like_text)
def test_typed_query_values_are_in_the_stored_type_or_a_value_error(
    kind: AttributeType, text: str
) -> None:
    try:
        value = typed_query_value(_definition(kind), text)
    except ValueError:
        return
    if kind is AttributeType.INTEGER:
        assert isinstance(value, int) and abs(value) <= MAX_INTEGER
        assert ASCII_WHOLE.fullmatch(text.strip())
    elif kind is AttributeType.DECIMAL:
        assert isinstance(value, float) and abs(value) <= MAX_DECIMAL
        assert text.strip().isascii()
    elif kind is AttributeType.DATE:
        assert 1900 <= dt.date.fromisoformat(value).year <= 2100
    elif kind is AttributeType.BOOLEAN:
        assert isinstance(value, bool)


@QUICK
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "search",
                "refine",
                "upcoming",
                "ownerStaffId",
                "pageSize",
                "ainteger.min",
                "adecimal.max",
                "adate.min",
                "alist.max",
                "nope",
            ]
        ),
        st.lists(
            st.one_of(
                number_like_text,
                st.builds(
                    "{}:{}".format,
                    st.sampled_from([f"a{k.value}" for k in AttributeType] + ["x", ""]),
                    number_like_text,
                ),
            ),
            min_size=1,
            max_size=3,
        ),
        max_size=5,
    ),
    st.booleans(),
)
@example({"upcoming": ["\u00b2"]}, False)
@example({"ainteger.min": ["\u0663"], "adecimal.max": ["1" * 5000]}, True)
@example({"refine": ["ainteger:" + "9" * 5000, "adecimal:\u0663"]}, False)
def test_any_book_query_is_filters_or_a_400_naming_each_parameter(
    query: dict[str, list[str]], store_book: bool
) -> None:
    try:
        filters = parse_book_filters(query, GROUP, TODAY, owner_filter_allowed=store_book)
    except ValidationFailed as problem:
        assert problem.errors
        assert all(error["field"] and error["message"] for error in problem.errors)
        return
    assert isinstance(filters, BookFilters)
    if filters.upcoming_days is not None:
        assert 1 <= filters.upcoming_days <= MAX_UPCOMING_DAYS
        assert ASCII_WHOLE.fullmatch(query["upcoming"][0])
