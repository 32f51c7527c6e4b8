"""The OpenAPI document matches the registered functions."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from functions.problems import SECURITY_HEADERS, error_response
from shared.domain.errors import DependencyUnavailable
from shared.domain.identity import ADMIN_ROLE
from tests.support.api_client import ApiClient
from tests.support.world import World, add_to_book, pos_path


def _registered(function_app_module) -> set[tuple[str, str]]:
    from tests.support.api_client import _http_routes

    return {
        (f"/api/{route}", method.lower())
        for _, route, methods, _ in _http_routes(function_app_module.app)
        for method in methods
    }


def test_every_registered_route_is_documented(api: ApiClient, function_app_module) -> None:
    document = api.get("/api/openapi.json").json
    documented = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert _registered(function_app_module) == documented
    assert document["openapi"].startswith("3.1")


def test_documented_schemas_resolve(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    text = str(document)
    for ref in {part.split("'")[0] for part in text.split("#/components/schemas/")[1:]}:
        assert ref in schemas, ref
    assert "Problem" in schemas


# --- what a client generator reads: path patterns, required headers, response headers, security

CUSTOMER = "/api/stores/{storeId}/customers/{customerId}"
ATTRIBUTES = CUSTOMER + "/attributes"
NOTES = CUSTOMER + "/notes"
NOTE = NOTES + "/{noteId}"


def _operation(document: dict, path: str, method: str) -> dict:
    return document["paths"][path][method]


def _path_schema(document: dict, path: str, method: str, name: str) -> dict:
    [found] = [p for p in _operation(document, path, method)["parameters"] if p["name"] == name]
    assert found["in"] == "path"
    return found["schema"]


def _documented_headers(document: dict, path: str, method: str, status: int) -> set[str]:
    return {
        h.lower() for h in _operation(document, path, method)["responses"][str(status)]["headers"]
    }


def test_every_path_id_declares_a_pattern_or_its_values(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for param in operation["parameters"]:
                if param["in"] == "path":
                    assert "pattern" in param["schema"] or "enum" in param["schema"], (path, method)
    assert _path_schema(document, "/api/admin/{legalEntity}/import/{kind}", "post", "kind") == {
        "type": "string",
        "enum": ["stores", "staff", "permission-sets", "customers"],
    }


@pytest.mark.parametrize(
    ("template", "name", "value"),
    [
        (CUSTOMER, "customerId", "UC001"),
        (CUSTOMER, "customerId", "-UC001"),
        (CUSTOMER, "customerId", "UC 001"),
        (CUSTOMER, "customerId", "U" * 65),
        (NOTE, "noteId", "N.1"),
        (NOTE, "noteId", "_N1"),
        ("/api/admin/{legalEntity}/client-book-audit", "legalEntity", "USRT"),
        ("/api/admin/{legalEntity}/client-book-audit", "legalEntity", "US.RT"),
        ("/api/admin/{legalEntity}/client-book-audit", "legalEntity", "L" * 21),
    ],
)
def test_path_patterns_are_the_ones_the_api_enforces(
    world: World, template: str, name: str, value: str
) -> None:
    document = world.api.get("/api/openapi.json").json
    pattern = _path_schema(document, template, "get", name)["pattern"]
    values = {"storeId": "S1", "customerId": "UC001", "noteId": "N1", "legalEntity": "USRT"}
    path = template.format(**{**values, name: quote(value, safe="")})
    caller = world.admin if "{legalEntity}" in template else world.as_staff("alice")
    reply = caller.get(path)
    refused = reply.status == 400 and name in {e["field"] for e in reply.json["errors"]}
    assert refused == (re.search(pattern, value) is None), reply


def test_if_match_is_required_exactly_where_its_absence_is_428(world: World) -> None:
    document = world.api.get("/api/openapi.json").json
    required = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for param in operation["parameters"]
        if param["name"] == "If-Match" and param["required"]
    }
    followup = "/api/stores/{storeId}/followups/{followupId}/"
    changes = {(followup + action, "post") for action in ("complete", "snooze", "dismiss")}
    assert required == {(ATTRIBUTES, "patch"), (NOTE, "put"), (NOTE, "delete"), *changes}
    alice = world.as_staff("alice")
    note = world.ok(alice.post(pos_path("S1", "customers/UC001/notes"), json={"text": "hi"}), 201)
    note_path = pos_path("S1", f"customers/UC001/notes/{note['noteId']}")
    for reply in (
        alice.patch(pos_path("S1", "customers/UC001/attributes"), json={"attributes": {}}),
        alice.put(note_path, json={"text": "changed"}),
        alice.delete(note_path),
    ):
        assert reply.status == 428, reply
        assert reply.json["type"] == "urn:clienteling:problem:if-match-required"
    # Where If-Match is optional (creating an admin document), its absence is no 428.
    assert not _operation(document, "/api/admin/{legalEntity}/parameters", "put")["parameters"][-1][
        "required"
    ]


def test_the_headers_answers_carry_are_documented(world: World) -> None:
    document = world.api.get("/api/openapi.json").json
    alice = world.as_staff("alice")
    notes = pos_path("S1", "customers/UC001/notes")
    key = {"Idempotency-Key": "same-note"}
    first = alice.post(notes, json={"text": "hi"}, headers=key)
    replayed = alice.post(notes, json={"text": "hi"}, headers=key)
    add_to_book(world, "alice", ["UC001"], "S1")  # attributes change only in the store's scope
    card = alice.get(pos_path("S1", "customers/UC001"))
    changed = alice.patch(
        pos_path("S1", "customers/UC001/attributes"),
        json={"attributes": {"visits": 4}},
        headers={"If-Match": card.etag},
    )
    unauthenticated = world.api.get(pos_path("S1", "customers/UC001"))
    answers = [
        (NOTES, "post", first, {"etag"}),
        (NOTES, "post", replayed, {"etag", "idempotency-replayed"}),
        (CUSTOMER, "get", card, {"etag"}),
        (ATTRIBUTES, "patch", changed, {"etag"}),
        (CUSTOMER, "get", unauthenticated, {"www-authenticate"}),
    ]
    every = {h.lower() for h in SECURITY_HEADERS}
    for path, method, reply, expected in answers:
        documented = _documented_headers(document, path, method, reply.status)
        sent = {h.lower() for h in reply.headers} & (documented | expected)
        assert expected | every <= sent, (path, method, reply)
        assert expected | every <= documented, (path, method, reply.status)
    assert replayed.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in {h.lower() for h in first.headers}


def test_unavailable_dependencies_say_when_to_retry(api: ApiClient) -> None:
    response = error_response(DependencyUnavailable("the database is busy; try again"))
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    document = api.get("/api/openapi.json").json
    assert "Retry-After" in _operation(document, CUSTOMER, "get")["responses"]["503"]["headers"]
    assert document["components"]["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_security_is_entra_oauth2_with_the_pos_scope_and_the_admin_role(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").json
    scheme = document["components"]["securitySchemes"]["entra"]
    assert scheme["type"] == "oauth2"
    code = scheme["flows"]["authorizationCode"]
    authority = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
    assert (code["authorizationUrl"], code["tokenUrl"]) == (
        f"{authority}/authorize",
        f"{authority}/token",
    )
    assert set(code["scopes"]) == {"Clienteling.Pos", "Clienteling.Admin"}
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == f"{authority}/token"
    assert _operation(document, CUSTOMER, "get")["security"] == [{"entra": ["Clienteling.Pos"]}]
    audit = _operation(document, "/api/admin/{legalEntity}/client-book-audit", "get")
    assert audit["security"] == [{"entra": [ADMIN_ROLE]}]
    assert _operation(document, "/api/health", "get")["security"] == []
