"""The OpenAPI 3.1 document, generated from the registered endpoints and their models."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from functions.http_support import ENDPOINTS, Access, EndpointSpec
from functions.problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX
from shared.domain.errors import all_error_types

REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": f"stable id, {PROBLEM_TYPE_PREFIX}<slug>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}
HEADER_PARAMS = {
    "If-Match": "the ETag you read; required to change an existing document",
    "Idempotency-Key": "retrying with the same key returns the first result",
}


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for spec in ENDPOINTS:
        for model in (spec.request_model, spec.response_model):
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    models = _models()
    modes = [(m, "validation") for m in models] + [(m, "serialization") for m in models]
    refs, top = models_json_schema(modes, by_alias=True, ref_template=REF)
    defs = top.get("$defs", {})
    defs["Problem"] = PROBLEM_SCHEMA
    return refs, defs


def _errors_for(spec: EndpointSpec) -> dict[str, Any]:
    codes = {"400", "500", *(str(status) for status in spec.problem_statuses)}
    if spec.access is not Access.PUBLIC:
        # Token keys, headquarters data and storage are behind every authenticated route:
        # 409 when setup is missing or unpublished, 503 when a dependency is unavailable.
        codes |= {"401", "403", "409", "503"}
    if spec.route_params:
        codes.add("404")
    if spec.request_model or spec.method in {"POST", "PUT", "PATCH"}:
        codes |= {"413", "415"}
    if "If-Match" in spec.headers:
        codes |= {"412", "428"}
    if "Idempotency-Key" in spec.headers:
        codes.add("422")
    ref = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {"description": "problem", "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}}}
        for code in sorted(codes)
    }


def _operation(spec: EndpointSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec),
        "responses": {str(spec.success_status): _success(spec, refs), **_errors_for(spec)},
    }
    if spec.access is Access.PUBLIC:
        operation["security"] = []
    if spec.request_model is not None:
        schema = refs[(spec.request_model, "validation")]
        operation["requestBody"] = {
            "required": True,
            "content": {t: {"schema": schema} for t in spec.body_content_types},
        }
    elif spec.body_content_types != ("application/json",):
        operation["requestBody"] = {
            "required": True,
            "content": {t: {"schema": {}} for t in spec.body_content_types},
        }
    return operation


def _success(spec: EndpointSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    if spec.success_status == 204:
        return {"description": "done"}
    if spec.response_model is not None:
        schema = refs[(spec.response_model, "serialization")]
    else:
        schema = spec.response_schema or {}
    return {"description": "success", "content": {"application/json": {"schema": schema}}}


def _parameters(spec: EndpointSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in spec.route_params
    ]
    for query in spec.query:
        schema = {"type": "array", "items": query.schema} if query.repeated else query.schema
        params.append(
            {
                "name": query.name,
                "in": "query",
                "required": False,
                "description": query.description,
                "schema": schema,
                **({"style": "form", "explode": True} if query.repeated else {}),
            }
        )
    for header in spec.headers:
        params.append(
            {
                "name": header,
                "in": "header",
                "required": False,
                "description": HEADER_PARAMS.get(header, ""),
                "schema": {"type": "string"},
            }
        )
    return params


@lru_cache(maxsize=4)
def openapi_document(version: str) -> dict[str, Any]:
    refs, schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for spec in ENDPOINTS:
        paths.setdefault(f"/api/{spec.route}", {})[spec.method.lower()] = _operation(spec, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Clienteling API",
            "version": version,
            "description": "Client books, customers, activities and notes for retail POS.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": (
                        "An Entra ID access token for the API (v1.0 or v2.0): a signed-in "
                        "user's with the Clienteling.Pos scope in scp, or an application's "
                        "with the Clienteling.Admin app role in roles. Admin routes need "
                        "Clienteling.Admin in roles."
                    ),
                }
            },
        },
        "x-problem-types": sorted(PROBLEM_TYPE_PREFIX + e.slug for e in all_error_types()),
    }
