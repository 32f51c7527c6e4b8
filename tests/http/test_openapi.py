"""The OpenAPI document matches the registered functions."""

from __future__ import annotations

from tests.support.api_client import ApiClient


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
