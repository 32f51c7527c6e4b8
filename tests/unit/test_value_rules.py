"""The value rules at their edges: query numbers, body numbers, stored texts, dates."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from shared.domain.dates import parse_date
from shared.domain.errors import ValidationFailed
from shared.domain.instants import parse_instant
from shared.domain.json_numbers import decoder, out_of_range_numbers
from shared.domain.query_values import decimal_number, whole_number
from shared.domain.text import text_problem


@pytest.mark.parametrize("text", ["²", "\u0663", "\uff11", "1e3", "0x10", "+7", " 7", "7 ", "٣٣"])
def test_query_numbers_are_ascii_digits_only(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        whole_number(text, "pageSize", 1, 200, default=50)
    assert refused.value.errors == [
        {"field": "pageSize", "message": "must be a whole number from 1 to 200"}
    ]


def test_query_numbers_take_leading_zeros_and_an_empty_value_is_the_default() -> None:
    assert whole_number("007", "limit", 1, 200, default=50) == 7
    assert whole_number("", "limit", 1, 200, default=50) == 50
    assert whole_number(None, "limit", 1, 200, default=50) == 50


def test_a_5000_digit_query_number_is_refused_before_any_conversion() -> None:
    with pytest.raises(ValidationFailed):
        whole_number("5" * 5000, "pageSize", 1, 200, default=50)
    with pytest.raises(ValueError, match="must be a number"):
        decimal_number("5" * 5000, 1e15)


@pytest.mark.parametrize(("text", "value"), [("12", 12.0), ("-3.5", -3.5), (".5", 0.5)])
def test_decimals_in_the_query(text: str, value: float) -> None:
    assert decimal_number(text, 1e15) == value


@pytest.mark.parametrize("text", ["1e3", "nan", "inf", "1_000", "1,5", "", "-", ".", "2e15"])
def test_decimals_in_the_query_refused(text: str) -> None:
    with pytest.raises(ValueError):
        decimal_number(text, 1e15)


def test_body_numbers_beyond_100_digits_are_out_of_range_and_named() -> None:
    document = decoder.decode(f'{{"a": {{"b": [1, {"9" * 101}]}}, "c": {"9" * 100}, "d": 1e400}}')
    assert document["c"] == int("9" * 100)
    assert math.isinf(document["a"]["b"][1])
    assert out_of_range_numbers(document) == [
        {"field": "a.b.1", "message": "is a number out of range"},
        {"field": "d", "message": "is a number out of range"},
    ]


def test_body_numbers_refuse_nan_and_infinity_literals() -> None:
    for literal in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError):
            decoder.decode(f'{{"a": {literal}}}')


@pytest.mark.parametrize(
    "text",
    [
        "Zoë Ågren",
        "\u05e9\u05dc\u05d5\u05dd \u200f(VIP)",  # right-to-left with a direction mark
        "O'Brien-Smith",
    ],
)
def test_names_with_any_script_and_direction_marks_are_fine(text: str) -> None:
    assert text_problem(text) is None


@pytest.mark.parametrize(
    ("text", "multiline", "found"),
    [
        ("Eve\nAdmin", False, "U+000A"),
        ("Eve\tAdmin", False, "U+0009"),
        ("a\x00b", True, "U+0000"),
        ("bell\x07", True, "U+0007"),
        ("del\x7f", True, "U+007F"),
        ("next line\x85", True, "U+0085"),
        ("call 1234\u202egnp.exe", True, "U+202E"),
        ("isolate \u2066x\u2069", False, "U+2066"),
    ],
)
def test_control_and_bidi_characters_are_named(text: str, multiline: bool, found: str) -> None:
    problem = text_problem(text, multiline)
    assert problem is not None and found in problem


def test_multi_line_texts_keep_tabs_and_windows_line_breaks() -> None:
    assert text_problem("sizes:\tshoes 9\r\nbags: large\n", multiline=True) is None


@pytest.mark.parametrize("text", ["1900-01-01", "2100-12-31", "2024-02-29"])
def test_dates_within_1900_and_2100(text: str) -> None:
    assert parse_date(text) == dt.date.fromisoformat(text)


@pytest.mark.parametrize("text", ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_dates_outside_1900_and_2100(text: str) -> None:
    with pytest.raises(ValueError, match="between the years 1900 and 2100"):
        parse_date(text)


def test_times_follow_the_same_years_in_utc() -> None:
    assert parse_instant("2100-12-31T23:59:59Z").year == 2100
    with pytest.raises(ValueError, match="between the years 1900 and 2100"):
        parse_instant("2100-12-31T23:30:00-01:00")  # 2101 in UTC
