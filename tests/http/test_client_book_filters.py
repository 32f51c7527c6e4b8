"""Filtering a book over HTTP: search, refinements, ranges, upcoming dates, refiners."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.world import World, add_to_book, pos_path, use_clock

MY_BOOK = pos_path("S1", "client-book/customers")


def customer(customer_id: str, name: str, **fields) -> dict:
    return {"customerId": customer_id, "name": name, "addressBooks": ["AB1"], **fields}


def listed(world: World, params) -> dict:
    return world.ok(world.as_staff("alice").get(MY_BOOK, params=params))


def ids(page: dict) -> list[str]:
    return [c["customerId"] for c in page["customers"]]


@pytest.fixture
def book(world: World) -> World:
    """Alice's book: UC001..UC012 plus three customers with accents and chosen dates."""
    world.import_records(
        "USRT",
        "customers",
        [
            customer(
                "X1",
                "Zoë Ågren",
                email="zoe@example.se",
                phone="+46 8-555 12 34",
                birthday="1990-01-02",
            ),
            customer("X2", "Jürgen Müller", email="jm@example.de", anniversary="2010-12-24"),
            customer("X3", "Lea Leap", birthday="2000-02-29", attributes={"vip": True}),
        ],
    )
    add_to_book(world, "alice", [f"UC{n:03d}" for n in range(1, 13)] + ["X1", "X2", "X3"], "S1")
    return world


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("zoe", ["X1"]),
        ("ÅGREN", ["X1"]),
        ("muller jurg", ["X2"]),
        ("example.se", ["X1"]),
        ("5551234", ["X1"]),
        ("555 12 34", ["X1"]),
        ("customer 011", ["UC011"]),
        ("CUSTOMER 01", ["UC001", "UC010", "UC011", "UC012"]),
        ("nobody", []),
    ],
)
def test_search_ignores_case_and_accents_over_name_email_and_phone(
    book: World, search: str, expected: list[str]
) -> None:
    assert ids(listed(book, {"search": search})) == expected


def test_refinements_are_or_within_an_attribute_and_and_across(book: World) -> None:
    shoes_or_bags = listed(
        book, [("refine", "favoriteCategory:Shoes"), ("refine", "favoriteCategory:bags")]
    )
    assert ids(shoes_or_bags) == ["UC001", "UC004", "UC005", "UC008", "UC009", "UC012"]
    and_vip = listed(
        book,
        [
            ("refine", "favoriteCategory:Shoes"),
            ("refine", "favoriteCategory:Bags"),
            ("refine", "vip:true"),
        ],
    )
    assert ids(and_vip) == ["UC009", "UC012"]


def test_ranges_on_numbers(book: World) -> None:
    page = listed(
        book, {"lifetimeValue.min": "300", "lifetimeValue.max": "500.5", "visits.min": "4"}
    )
    assert ids(page) == ["UC004", "UC005"]


def test_ranges_as_range_expressions_as_a_generated_client_sends_them(book: World) -> None:
    page = listed(book, [("range", "lifetimeValue:300..500.5"), ("range", "visits:4..")])
    assert ids(page) == ["UC004", "UC005"]
    assert ids(listed(book, {"range": "visits:..1"})) == ids(listed(book, {"visits.max": "1"}))


def test_refiners_describe_the_whole_filtered_set_not_the_page(book: World) -> None:
    page = listed(book, {"refine": "vip:false", "pageSize": "2"})
    assert page["totalCount"] == 8
    assert len(page["customers"]) == 2
    refiners = {r["name"]: r for r in page["refiners"]}
    assert sum(v["count"] for v in refiners["favoriteCategory"]["values"]) == 8
    assert refiners["vip"]["values"] == [{"value": False, "count": 8}]
    assert (refiners["lifetimeValue"]["min"], refiners["lifetimeValue"]["max"]) == (100.0, 1100.0)
    assert (refiners["visits"]["min"], refiners["visits"]["max"]) == (1, 11)
    assert refiners["lastVisit"]["min"] is None


def test_refiners_of_the_whole_book_list_every_value(book: World) -> None:
    refiners = {r["name"]: r for r in listed(book, {})["refiners"]}
    assert [r for r in refiners] == [
        "favoriteCategory",
        "lifetimeValue",
        "lastVisit",
        "vip",
        "visits",
    ]
    assert refiners["favoriteCategory"]["values"] == [
        {"value": "Shoes", "count": 3},
        {"value": "Bags", "count": 3},
        {"value": "Jewelry", "count": 3},
        {"value": "Watches", "count": 3},
    ]
    assert refiners["vip"]["values"] == [{"value": True, "count": 5}, {"value": False, "count": 8}]
    assert refiners["favoriteCategory"]["type"] == "list"
    assert refiners["visits"]["values"] is None


def test_upcoming_birthdays_and_anniversaries_wrap_the_year_end(book: World) -> None:
    use_clock(dt.datetime(2025, 12, 20, 9, tzinfo=dt.UTC))
    # X2's anniversary is 24 December, X1's birthday 2 January.
    assert ids(listed(book, {"upcoming": "14"})) == ["X2", "X1"]
    assert ids(listed(book, {"upcoming": "5"})) == ["X2"]
    use_clock(dt.datetime(2025, 12, 26, 9, tzinfo=dt.UTC))
    assert ids(listed(book, {"upcoming": "14"})) == ["X1"]


def test_leap_day_birthdays_come_up_on_28_february_in_common_years(book: World) -> None:
    use_clock(dt.datetime(2027, 2, 20, 9, tzinfo=dt.UTC))
    assert "X3" in ids(listed(book, {"upcoming": "9"}))  # 20..28 February 2027
    assert "X3" not in ids(listed(book, {"upcoming": "8"}))
    use_clock(dt.datetime(2028, 2, 20, 9, tzinfo=dt.UTC))
    assert "X3" not in ids(listed(book, {"upcoming": "9"}))  # 2028 has a 29th
    assert "X3" in ids(listed(book, {"upcoming": "10"}))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"refine": "vip"}, "refine"),
        ({"refine": "shoeSize:42"}, "refine"),
        ({"refine": "preferredBrand:Brand 1"}, "refine"),
        ({"refine": "visits:many"}, "refine"),
        ({"refine": "favoriteCategory:Hats"}, "refine"),
        ({"favoriteCategory.min": "Bags"}, "favoriteCategory.min"),
        ({"lifetimeValue.min": "lots"}, "lifetimeValue.min"),
        ({"range": "lifetimeValue:lots.."}, "range"),
        ({"range": "favoriteCategory:a..b"}, "range"),
        ({"range": "visits"}, "range"),
        ({"upcoming": "400"}, "upcoming"),
        ({"colour": "red"}, "colour"),
        ({"pageSize": "0"}, "pageSize"),
    ],
)
def test_bad_filters_are_400_problems_naming_the_parameter(book: World, params, field) -> None:
    reply = book.as_staff("alice").get(MY_BOOK, params=params)
    assert reply.status == 400, reply
    assert reply.json["type"] == "urn:clienteling:problem:validation-failed"
    assert [e["field"] for e in reply.json["errors"]] == [field]


def test_ownerStaffId_belongs_to_the_store_book_only(book: World) -> None:
    reply = book.as_staff("alice").get(MY_BOOK, params={"ownerStaffId": "alice"})
    assert reply.status == 400


def test_the_first_page_after_a_change_shows_it_in_the_refiners(book: World) -> None:
    """Refiners of a whole book change in the same write as the book (read your writes)."""

    def vip_counts() -> list[dict]:
        refiners = {r["name"]: r for r in listed(book, {})["refiners"]}
        return refiners["vip"]["values"]

    alice = book.as_staff("alice")
    assert vip_counts() == [{"value": True, "count": 5}, {"value": False, "count": 8}]

    details = alice.get(pos_path("S1", "customers/UC002"))
    changed = alice.patch(
        pos_path("S1", "customers/UC002/attributes"),
        json={"attributes": {"vip": True}},
        headers={"If-Match": details.etag},
    )
    assert changed.status == 200, changed
    assert vip_counts() == [{"value": True, "count": 6}, {"value": False, "count": 7}]

    removed = alice.post(
        pos_path("S1", "client-book/customers/remove"), json={"customerIds": ["UC002", "X3"]}
    )
    assert removed.status == 200, removed
    assert vip_counts() == [{"value": True, "count": 4}, {"value": False, "count": 7}]

    add_to_book(book, "alice", ["UC002"], "S1")
    assert vip_counts() == [{"value": True, "count": 5}, {"value": False, "count": 7}]
