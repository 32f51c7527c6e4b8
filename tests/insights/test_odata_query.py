import pytest

from shared.insights.odata import (
    InvalidODataValue,
    any_of,
    chunk_by_url_length,
    query_url,
    quote_literal,
)
from tests.fakes.customer_insights import parse_filter


def test_quotes_are_doubled_inside_a_literal() -> None:
    assert quote_literal("O'Brien") == "'O''Brien'"
    assert quote_literal("''") == "''''''"


@pytest.mark.parametrize("value", ["a\nb", "a\x00", "tab\there", "del\x7f"])
def test_control_characters_are_refused(value: str) -> None:
    with pytest.raises(InvalidODataValue):
        quote_literal(value)


@pytest.mark.parametrize(
    "value", ["x' or 1 eq 1 or a eq 'y", "'", "a''b", "' or '", "C-1) or (x eq 'y"]
)
def test_any_value_reads_back_as_exactly_one_comparison(value: str) -> None:
    assert parse_filter(any_of("alt", [value])) == [("alt", value)]


def test_any_of_joins_comparisons_with_or() -> None:
    assert any_of("alt", ["a", "b"]) == "alt eq 'a' or alt eq 'b'"


def test_property_names_are_checked() -> None:
    with pytest.raises(InvalidODataValue):
        any_of("alt eq 'x' or alt", ["a"])


def test_query_urls_encode_spaces_as_percent_20_and_keep_dollar_names() -> None:
    url = query_url("https://org/api/x", {"$filter": "a eq 'b+c&d'", "$select": "a,b"})
    assert url == "https://org/api/x?$filter=a%20eq%20'b%2Bc%26d'&$select=a,b"


def test_chunks_stay_under_the_url_limit_and_keep_every_value_once() -> None:
    values = [f"customer-{n}" for n in range(40)]

    def build(chunk):
        return query_url("https://org/x", {"$filter": any_of("alt", chunk)})

    chunks = chunk_by_url_length(values, build, 300)

    assert len(chunks) > 1
    assert [v for chunk in chunks for v in chunk] == values
    assert all(len(build(chunk)) <= 300 for chunk in chunks)


def test_a_value_too_long_on_its_own_still_gets_a_chunk() -> None:
    chunks = chunk_by_url_length(["x" * 50, "y"], lambda c: "u" * 40 * len(c) + "".join(c), 60)
    assert chunks == [["x" * 50], ["y"]]
