"""The client book and customer routes are described in the OpenAPI document."""

from __future__ import annotations

import re

from tests.support.api_client import ApiClient

ROUTES = {
    ("/api/stores/{storeId}/client-book", "get"): (None, "MyClientBook"),
    ("/api/stores/{storeId}/client-book/customers", "get"): (None, "BookPage"),
    ("/api/stores/{storeId}/client-book/customers", "post"): ("AddCustomers", "AddReport"),
    ("/api/stores/{storeId}/client-book/customers/remove", "post"): (
        "RemoveCustomers",
        "RemoveReport",
    ),
    ("/api/stores/{storeId}/store-client-book/customers", "get"): (None, "BookPage"),
    ("/api/stores/{storeId}/store-client-book/reassign", "post"): (
        "ReassignCustomers",
        "ReassignReport",
    ),
    ("/api/stores/{storeId}/customers", "get"): (None, "CustomerSearchPage"),
    ("/api/stores/{storeId}/customers/{customerId}", "get"): (None, "CustomerDetails"),
    ("/api/stores/{storeId}/customers/{customerId}/attributes", "patch"): (
        "AttributeChanges",
        "CustomerDetails",
    ),
    ("/api/admin/{legalEntity}/client-book-audit", "get"): (None, "AuditPage"),
}


def schema_name(ref: dict) -> str:
    return ref["$ref"].rsplit("/", 1)[-1].split("-")[0]


def test_each_route_names_its_request_and_response_shapes(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").json
    for (path, method), (request, response) in ROUTES.items():
        operation = document["paths"][path][method]
        success = next(iter(operation["responses"].values()))
        assert schema_name(success["content"]["application/json"]["schema"]) == response
        if request:
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert schema_name(body) == request


def test_the_book_lists_document_their_filters(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").json
    store_book = document["paths"]["/api/stores/{storeId}/store-client-book/customers"]["get"]
    params = {p["name"]: p for p in store_book["parameters"]}
    assert set(params) == {
        "storeId",
        "search",
        "refine",
        "range",
        "upcoming",
        "ownerStaffId",
        "pageSize",
        "continuationToken",
    }
    assert params["refine"]["schema"]["type"] == "array"
    assert params["range"]["schema"]["type"] == "array"
    assert params["range"]["explode"] is True
    assert params["upcoming"]["schema"]["maximum"] == 366
    patch = document["paths"]["/api/stores/{storeId}/customers/{customerId}/attributes"]["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    assert set(patch["responses"]) >= {"200", "400", "412", "428"}


def test_the_documented_range_pattern_is_the_one_the_api_parses(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").json
    book = document["paths"]["/api/stores/{storeId}/client-book/customers"]["get"]
    [range_param] = [p for p in book["parameters"] if p["name"] == "range"]
    pattern = re.compile(range_param["schema"]["items"]["pattern"])
    for accepted in ("visits:3..9", "lifetimeValue:..500", "lastVisit:2025-01-01.."):
        assert pattern.search(accepted), accepted
    for refused in ("visits.min", "visits:3", "1visits:1..2"):
        assert not pattern.search(refused), refused


def test_the_one_book_rule_has_its_own_problem_type(api: ApiClient) -> None:
    types = api.get("/api/openapi.json").json["x-problem-types"]
    assert "urn:clienteling:problem:customer-in-another-book" in types
