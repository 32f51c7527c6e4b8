"""Book list filters: parsing, typing against the attribute group, every problem named."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.attributes import AttributeGroup
from shared.domain.book_filters import (
    BookFilters,
    customer_search_words,
    parse_book_filters,
    search_words,
)
from shared.domain.errors import ValidationFailed

GROUP = AttributeGroup.model_validate(
    {
        "name": "Client book",
        "attributes": [
            {
                "name": "favoriteCategory",
                "label": "Favorite category",
                "type": "list",
                "allowedValues": ["Shoes", "Bags", "Jewelry"],
                "refinable": True,
            },
            {"name": "preferredBrand", "label": "Brand", "type": "text"},
            {"name": "stylist", "label": "Stylist", "type": "text", "refinable": True},
            {"name": "lifetimeValue", "label": "Value", "type": "decimal", "refinable": True},
            {"name": "vip", "label": "VIP", "type": "boolean", "refinable": True},
            {"name": "lastVisit", "label": "Last visit", "type": "date", "refinable": True},
            {"name": "visits", "label": "Visits", "type": "integer", "refinable": True},
        ],
    }
)
TODAY = dt.date(2025, 6, 1)


def parse(owner: bool = False, **query: str | list[str]) -> BookFilters:
    lists = {k.replace("__", "."): v if isinstance(v, list) else [v] for k, v in query.items()}
    return parse_book_filters(lists, GROUP, TODAY, owner_filter_allowed=owner)


def problems(**query: str | list[str]) -> list[dict[str, str]]:
    with pytest.raises(ValidationFailed) as raised:
        parse(**query)
    return raised.value.errors


def test_no_parameters_mean_no_filters() -> None:
    assert parse().is_empty


def test_refinements_are_or_within_an_attribute_and_and_across() -> None:
    filters = parse(refine=["favoriteCategory:shoes", "vip:true", "favoriteCategory:Bags"])
    by_name = {r.attribute: r.values for r in filters.refinements}
    assert by_name == {"favoriteCategory": ("Shoes", "Bags"), "vip": (True,)}


def test_refine_values_are_typed_by_their_attribute() -> None:
    filters = parse(
        refine=["visits:12", "lifetimeValue:99.5", "lastVisit:2025-01-31", "stylist:Ann"]
    )
    by_name = {r.attribute: r.values for r in filters.refinements}
    assert by_name == {
        "visits": (12,),
        "lifetimeValue": (99.5,),
        "lastVisit": ("2025-01-31",),
        "stylist": ("Ann",),
    }


def test_a_value_may_contain_colons() -> None:
    assert parse(refine="stylist:Ann: senior").refinements[0].values == ("Ann: senior",)


def test_repeated_values_count_once() -> None:
    assert parse(refine=["vip:true", "vip:TRUE"]).refinements[0].values == (True,)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("vip", "expected <attribute>:<value>"),
        (":true", "expected <attribute>:<value>"),
        ("vip:", "expected <attribute>:<value>"),
        ("shoeSize:42", "unknown attribute 'shoeSize'"),
        ("preferredBrand:Acme", "attribute 'preferredBrand' is not refinable"),
        ("vip:maybe", "vip: must be true or false"),
        ("visits:many", "visits: must be a whole number"),
        ("lifetimeValue:lots", "lifetimeValue: must be a number"),
        ("lastVisit:yesterday", "lastVisit: must be a date like 2024-05-31"),
        ("favoriteCategory:Hats", "favoriteCategory: must be one of: Shoes, Bags, Jewelry"),
    ],
)
def test_bad_refine_expressions_are_named(expression: str, message: str) -> None:
    [error] = problems(refine=expression)
    assert error["field"] == "refine"
    assert message in error["message"]


def test_ranges_apply_to_numbers_and_dates() -> None:
    filters = parse(visits__min="3", lifetimeValue__max="500", lastVisit__min="2025-01-01")
    bounds = {r.attribute: (r.minimum, r.maximum) for r in filters.ranges}
    assert bounds == {
        "visits": (3, None),
        "lifetimeValue": (None, 500.0),
        "lastVisit": ("2025-01-01", None),
    }


def test_range_problems_name_their_parameter() -> None:
    errors = problems(
        favoriteCategory__min="a", visits__min="9", visits__max="2", lastVisit__max="soon"
    )
    fields = {e["field"]: e["message"] for e in errors}
    assert "ranges need a number/date" in fields["favoriteCategory.min"]
    assert fields["visits.min"] == "is greater than visits.max"
    assert fields["lastVisit.max"] == "must be a date like 2024-05-31"


def test_a_range_on_an_attribute_that_is_not_refinable_is_refused() -> None:
    [error] = problems(preferredBrand__min="a")
    assert error == {
        "field": "preferredBrand.min",
        "message": "attribute 'preferredBrand' is not refinable",
    }


def test_every_problem_is_reported_at_once() -> None:
    errors = problems(refine=["vip:maybe", "nope:1"], upcoming="0", colour="red")
    assert {e["field"] for e in errors} == {"refine", "upcoming", "colour"}
    assert len(errors) == 4


def test_unknown_parameters_are_refused_by_name() -> None:
    assert problems(sort="name") == [{"field": "sort", "message": "unknown parameter"}]


def test_owner_filter_only_where_allowed() -> None:
    assert problems(ownerStaffId="bob")[0]["field"] == "ownerStaffId"
    assert parse(owner=True, ownerStaffId="bob").owner_staff_id == "bob"


@pytest.mark.parametrize("days", ["0", "367", "two", "-1"])
def test_upcoming_takes_1_to_366_days(days: str) -> None:
    assert problems(upcoming=days)[0]["field"] == "upcoming"


def test_upcoming_becomes_month_day_ranges_from_today() -> None:
    filters = parse(upcoming="7")
    assert filters.upcoming_days == 7
    assert filters.upcoming == (("06-01", "06-07"),)


def test_single_valued_parameters_cannot_repeat() -> None:
    assert problems(search=["a", "b"]) == [
        {"field": "search", "message": "give this parameter once"}
    ]


def test_search_is_folded_into_words() -> None:
    assert search_words("  ZOË   Ågren zoë ") == ("zoe", "agren")
    assert parse(search="Müller").search_words == ("muller",)


def test_customer_search_needs_two_characters() -> None:
    for text in (None, "", " ", "a"):
        with pytest.raises(ValidationFailed):
            customer_search_words(text)
    assert customer_search_words("Jo") == ("jo",)


def test_canonical_text_tells_different_filters_apart() -> None:
    assert parse(refine="vip:true").canonical() != parse(refine="vip:false").canonical()
    same = parse(refine=["favoriteCategory:Shoes", "favoriteCategory:Bags"]).canonical()
    assert same == parse(refine=["favoriteCategory:Bags", "favoriteCategory:Shoes"]).canonical()
    assert parse(search="a").canonical() != parse().canonical()


def test_range_expressions_give_both_ends_or_one() -> None:
    filters = parse(range=["visits:3..9", "lifetimeValue:..500", "lastVisit:2025-01-01.."])
    bounds = {r.attribute: (r.minimum, r.maximum) for r in filters.ranges}
    assert bounds == {
        "visits": (3, 9),
        "lifetimeValue": (None, 500.0),
        "lastVisit": ("2025-01-01", None),
    }


def test_range_values_may_be_negative_or_decimal() -> None:
    [found] = parse(range="lifetimeValue:-10.5..0.25").ranges
    assert (found.minimum, found.maximum) == (-10.5, 0.25)


def test_a_range_expression_and_the_older_form_describe_the_same_filter() -> None:
    newer = parse(range=["visits:3..", "visits:..9"])
    older = parse(visits__min="3", visits__max="9")
    mixed = parse(visits__min="3", range="visits:..9")
    assert newer == older == mixed
    assert newer.canonical() == older.canonical()


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("visits", "expected <attribute>:<min>..<max>, not 'visits'"),
        ("visits:3", "expected <attribute>:<min>..<max>, not 'visits:3'"),
        ("visits:3-9", "expected <attribute>:<min>..<max>"),
        (":1..2", "expected <attribute>:<min>..<max>"),
        ("visits:..", "visits: give a lowest value, a highest value or both"),
        ("shoeSize:1..2", "unknown attribute 'shoeSize'"),
        ("preferredBrand:a..b", "attribute 'preferredBrand' is not refinable"),
        ("favoriteCategory:a..b", "favoriteCategory is list: ranges need a number/date"),
        ("visits:many..", "visits min: must be a whole number"),
        ("visits:1..2..3", "visits max: must be a whole number"),
        ("lastVisit:..soon", "lastVisit max: must be a date like 2024-05-31"),
        ("lifetimeValue:..nan", "lifetimeValue max: must be a number"),
        ("visits:9..2", "visits: the lowest value is above the highest"),
    ],
)
def test_bad_range_expressions_are_named(expression: str, message: str) -> None:
    [error] = problems(range=expression)
    assert error["field"] == "range"
    assert message in error["message"]


def test_an_end_given_twice_is_refused() -> None:
    [error] = problems(range=["visits:1..", "visits:2.."])
    assert error == {"field": "range", "message": "visits: give the min value once"}
    [error] = problems(visits__max="5", range="visits:..6")
    assert error == {"field": "range", "message": "visits: give the max value once"}
