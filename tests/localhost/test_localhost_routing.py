"""Route templates and selection, as the Functions host (ASP.NET Core routing) resolves them."""

from urllib.parse import quote

import pytest

from shared.localhost.routing import (
    Route,
    RouteTable,
    RouteTemplateError,
    join_template,
    parse_template,
    split_path,
)


def table(*routes: tuple[str, str] | tuple[str, str, set[str]]) -> RouteTable[str]:
    """Routes as (name, template[, methods]); registration order is the argument order."""
    built = []
    for name, template, *methods in routes:
        allowed = frozenset(methods[0]) if methods else None
        built.append(Route(parse_template(template), allowed, name))
    return RouteTable(built)


def resolve(routes: RouteTable[str], path: str, method: str = "GET") -> tuple[str | None, dict]:
    resolution = routes.resolve(method, path)
    return resolution.target, dict(resolution.route_params)


CUSTOMER = "api/stores/{storeId}/client-book/customers/{customerId}"
REMOVE = "api/stores/{storeId}/client-book/customers/remove"


@pytest.mark.parametrize("order", [(CUSTOMER, REMOVE), (REMOVE, CUSTOMER)])
def test_a_literal_segment_wins_over_a_parameter_whatever_the_registration_order(order) -> None:
    names = {CUSTOMER: "customer", REMOVE: "remove"}
    routes = table(*((names[template], template) for template in order))

    assert resolve(routes, "/api/stores/s1/client-book/customers/remove") == (
        "remove",
        {"storeId": "s1"},
    )
    assert resolve(routes, "/api/stores/s1/client-book/customers/c7") == (
        "customer",
        {"storeId": "s1", "customerId": "c7"},
    )


def test_a_constrained_parameter_wins_over_a_plain_one_only_when_the_constraint_holds() -> None:
    routes = table(("by slug", "items/{slug}"), ("by id", "items/{id:int}"))

    assert resolve(routes, "/items/42") == ("by id", {"id": "42"})
    assert resolve(routes, "/items/blue-shoe") == ("by slug", {"slug": "blue-shoe"})


def test_required_beats_optional_beats_catch_all() -> None:
    routes = table(
        ("rest", "files/{*path}"),
        ("maybe", "files/{name?}"),
        ("one", "files/{name}"),
    )

    assert resolve(routes, "/files/a.txt") == ("one", {"name": "a.txt"})
    assert resolve(routes, "/files") == ("maybe", {})
    assert resolve(routes, "/files/a/b/c.txt") == ("rest", {"path": "a/b/c.txt"})


def test_specificity_is_compared_segment_by_segment_from_the_left() -> None:
    routes = table(("param first", "{area}/list"), ("literal first", "shop/{what}"))

    assert resolve(routes, "/shop/list") == ("literal first", {"what": "list"})


def test_literals_match_case_insensitively_and_parameters_keep_their_case() -> None:
    routes = table(("customer", CUSTOMER))

    assert resolve(routes, "/API/Stores/S-1/Client-Book/CUSTOMERS/AbC") == (
        "customer",
        {"storeId": "S-1", "customerId": "AbC"},
    )


def test_route_values_are_url_decoded_and_an_encoded_slash_stays_in_its_segment() -> None:
    routes = table(("customer", CUSTOMER))

    target, values = resolve(routes, "/api/stores/st%C3%B6re%201/client-book/customers/a%2Fb")
    assert target == "customer"
    assert values == {"storeId": "störe 1", "customerId": "a/b"}


def test_a_trailing_slash_is_ignored_but_an_empty_segment_is_not_a_value() -> None:
    routes = table(("customer", CUSTOMER))

    assert resolve(routes, "/api/stores/s1/client-book/customers/c1/")[0] == "customer"
    assert resolve(routes, "/api/stores//client-book/customers/c1")[0] is None


def test_optional_parameters_and_defaults() -> None:
    routes = table(("greet", "greet/{name?}"), ("docs", "docs/{lang=en}/{page?}"))

    assert resolve(routes, "/greet") == ("greet", {})
    assert resolve(routes, "/greet/ada") == ("greet", {"name": "ada"})
    assert resolve(routes, "/docs") == ("docs", {"lang": "en"})
    assert resolve(routes, "/docs/fr/intro") == ("docs", {"lang": "fr", "page": "intro"})


def test_catch_all_takes_the_rest_of_the_path_or_nothing() -> None:
    routes = table(("static", "static/{**rest}"))

    assert resolve(routes, "/static/css/site%20main.css") == (
        "static",
        {"rest": "css/site main.css"},
    )
    assert resolve(routes, "/static") == ("static", {})


def test_a_segment_mixing_literals_and_parameters() -> None:
    routes = table(("file", "reports/{name}.{ext:alpha}"))

    assert resolve(routes, "/reports/q1.2024.pdf") == ("file", {"name": "q1.2024", "ext": "pdf"})
    assert resolve(routes, "/reports/q1.2024")[0] is None


def test_the_method_picks_among_routes_for_the_same_path() -> None:
    routes = table(
        ("read", "items/{id}", {"GET"}),
        ("replace", "items/{id}", {"PUT"}),
        ("remove-any", "items/remove", {"POST"}),
    )

    assert resolve(routes, "/items/7", "PUT") == ("replace", {"id": "7"})
    # the literal route does not take GET, so the parameter route does
    assert resolve(routes, "/items/remove", "GET") == ("read", {"id": "remove"})


def test_a_wrong_method_reports_every_method_the_path_accepts() -> None:
    routes = table(("read", "items/{id}", {"GET"}), ("replace", "items/{id}", {"PUT", "PATCH"}))

    resolution = routes.resolve("DELETE", "/items/7")
    assert resolution.target is None
    assert resolution.allowed_methods == {"GET", "PUT", "PATCH"}

    unknown = routes.resolve("GET", "/nothing/here")
    assert unknown.target is None
    assert unknown.allowed_methods == frozenset()


def test_no_methods_means_every_method() -> None:
    routes = table(("any", "hook"))

    assert resolve(routes, "/hook", "PATCH")[0] == "any"


@pytest.mark.parametrize(
    ("constraint", "accepted", "refused"),
    [
        ("int", ["42", "-7", "2147483647"], ["4.2", "x", "2147483648", "\u0663", "²"]),
        ("long", ["2147483648", "-9223372036854775808"], ["9223372036854775808", "1e3"]),
        ("bool", ["true", "False"], ["yes", "1"]),
        (
            "guid",
            ["0f8fad5b-d9cb-469f-a165-70867728950e", "0F8FAD5BD9CB469FA16570867728950E"],
            ["0f8fad5b-d9cb-469f-a165", "not-a-guid"],
        ),
        ("alpha", ["abcXYZ"], ["abc1", "ab-c"]),
        ("double", ["1.5", "-2", "1e10", "1,000.25"], ["abc", "1.2.3"]),
        ("datetime", ["2024-01-31", "2024-01-31T10:00:00Z", "01/31/2024"], ["2024-13-01", "soon"]),
        ("minlength(3)", ["abc", "abcd"], ["ab"]),
        ("maxlength(3)", ["abc", "a"], ["abcd"]),
        ("length(2)", ["ab"], ["a", "abc"]),
        ("length(2,3)", ["ab", "abc"], ["a", "abcd"]),
        ("min(10)", ["10", "11"], ["9", "ten", "\u0663\u0663", "9" * 5000]),
        ("max(10)", ["10", "-1"], ["11"]),
        ("range(1,5)", ["1", "5"], ["0", "6"]),
        ("regex(^[a-z]{{2}}-\\d+$)", ["ab-12", "AB-1"], ["abc-1", "ab-"]),
    ],
)
def test_inline_constraints(constraint: str, accepted: list[str], refused: list[str]) -> None:
    routes = table(("target", f"things/{{value:{constraint}}}"))

    for value in accepted:
        assert resolve(routes, f"/things/{quote(value, safe='')}") == ("target", {"value": value})
    for value in refused:
        assert resolve(routes, f"/things/{quote(value, safe='')}")[0] is None, value


def test_several_constraints_must_all_hold() -> None:
    routes = table(("code", "codes/{code:alpha:length(3)}"))

    assert resolve(routes, "/codes/abc")[0] == "code"
    assert resolve(routes, "/codes/ab1")[0] is None
    assert resolve(routes, "/codes/abcd")[0] is None


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        ("a/{id}/{ID}", "appears twice"),
        ("files/{*path}/more", "must be the last segment"),
        ("greet/{name?}/now", "only optional segments"),
        ("things/{id:wobbly}", "unknown constraint"),
        ("things/{id", "closing '}'"),
        ("things/id}", "unmatched '}'"),
        ("a//b", "empty segment"),
        ("{a}{b}", "literal text between"),
        ("x/{*rest?}", "cannot be optional"),
        ("x/{n:regex(()}", "not a valid pattern"),
    ],
)
def test_invalid_templates_are_refused_with_the_reason(template: str, complaint: str) -> None:
    with pytest.raises(RouteTemplateError) as refused:
        parse_template(template)
    assert complaint in str(refused.value)
    assert repr(template) in str(refused.value)


def test_route_prefix_joins_the_function_route() -> None:
    assert join_template("api", "stores/{id}") == "api/stores/{id}"
    assert join_template("", "/stores/{id}") == "stores/{id}"
    assert join_template("api", "") == "api"
    assert split_path("/") == []
    assert split_path("/api/a%20b/") == ["api", "a b"]
