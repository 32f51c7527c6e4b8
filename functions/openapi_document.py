"""The OpenAPI 3.1 document, generated from the registered endpoints and their models."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from functions.http_support import ENDPOINTS, Access, EndpointSpec
from functions.idempotent_requests import REPLAYED_HEADER
from functions.problems import (
    PROBLEM_CONTENT_TYPE,
    PROBLEM_TYPE_PREFIX,
    RETRY_AFTER_SECONDS,
    SECURITY_HEADERS,
)
from functions.route_values import route_schema
from shared.domain.errors import all_error_types
from shared.domain.identity import ADMIN_ROLE, POS_SCOPE
from shared.domain.organisation import Operation

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
# Response headers, declared once under components/headers and referenced by each response.
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "version of the document answered; send it back as If-Match to change it",
        "schema": {"type": "string"},
    },
    REPLAYED_HEADER: {
        "description": "true when this is the stored answer to an earlier request with the"
        " same Idempotency-Key (nothing new was created)",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {
        "description": f"seconds to wait before retrying ({RETRY_AFTER_SECONDS} today)",
        "schema": {"type": "integer", "minimum": 0},
    },
    "WWW-Authenticate": {
        "description": "the bearer challenge (RFC 6750) of a missing or invalid token",
        "schema": {"type": "string"},
    },
    **{
        name: {"description": f"always {value!r}", "schema": {"type": "string"}}
        for name, value in SECURITY_HEADERS.items()
    },
}
# Entra ID (Microsoft identity platform v2.0 endpoints): {tenant} is the directory (tenant) id
# of the organisation that runs the app, as in the AUTH_ISSUER setting.
ENTRA_AUTHORITY = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
SECURITY_SCHEME = "entra"


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for spec in ENDPOINTS:
        for model in (spec.request_model, spec.response_model, *spec.body_record_models):
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    models = _models()
    modes = [(m, "validation") for m in models] + [(m, "serialization") for m in models]
    refs, top = models_json_schema(modes, by_alias=True, ref_template=REF)
    defs = top.get("$defs", {})
    defs["Problem"] = PROBLEM_SCHEMA
    defs["PermissionOperation"] = {
        "type": "string",
        "enum": [o.value for o in Operation],
        "description": "an operation a permission set grants (imports of permission-sets)",
    }
    return refs, defs


def _errors_for(spec: EndpointSpec) -> dict[str, Any]:
    statuses = (*spec.problem_statuses, *(error.status for error in spec.problem_types))
    codes = {"400", "500", *(str(status) for status in statuses)}
    if spec.access is not Access.PUBLIC:
        # Token keys, headquarters data and storage are behind every authenticated route:
        # 409 when setup is missing or unpublished, 503 when a dependency is unavailable.
        codes |= {"401", "403", "409", "503"}
    if spec.route_params:
        codes.add("404")
    if spec.request_model or spec.method in {"POST", "PUT", "PATCH"}:
        codes |= {"413", "415"}
    if "If-Match" in spec.request_headers:
        codes |= {"412", "428"}
    if "Idempotency-Key" in spec.request_headers:
        codes.add("422")
    ref = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {
            "description": _problem_description(spec, code),
            "headers": _headers(_problem_headers(code)),
            "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
        }
        for code in sorted(codes)
    }


def _problem_description(spec: EndpointSpec, code: str) -> str:
    own = [error.slug for error in spec.problem_types if str(error.status) == code]
    if not own:
        return "problem"
    types = ", ".join(f"{PROBLEM_TYPE_PREFIX}{slug}" for slug in own)
    return f"problem; this route's own types (docs/problems.md): {types}"


def _problem_headers(code: str) -> list[str]:
    if code == "401":
        return ["WWW-Authenticate"]
    if code == "503":
        return ["Retry-After"]
    return []


def _headers(names: list[str]) -> dict[str, Any]:
    """The given response headers and the security headers every answer carries."""
    every = [*names, *SECURITY_HEADERS]
    return {name: {"$ref": f"#/components/headers/{name}"} for name in every}


def _security(spec: EndpointSpec) -> list[dict[str, list[str]]]:
    if spec.access is Access.PUBLIC:
        return []
    if spec.access is Access.ADMIN:
        return [{SECURITY_SCHEME: [ADMIN_ROLE]}]
    return [{SECURITY_SCHEME: [POS_SCOPE]}]


def _security_scheme() -> dict[str, Any]:
    pos = (
        f"delegated scope of POS routes, acting as the signed-in associate; request it as"
        f" <Application ID URI of the API>/{POS_SCOPE}"
    )
    admin = (
        f"app role {ADMIN_ROLE} of admin routes, granted to the user or the calling"
        f" application; it arrives in the token's roles claim (client credentials: request"
        f" <Application ID URI of the API>/.default)"
    )
    return {
        "type": "oauth2",
        "description": "Entra ID access tokens (v1.0 or v2.0) for the API's app registration,"
        " sent as `Authorization: Bearer <token>`. Replace {tenant} with the directory (tenant)"
        " id. POS routes need a signed-in user's token with the delegated scope in scp; admin"
        " routes need the app role in roles (a user's or an application's token).",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": f"{ENTRA_AUTHORITY}/authorize",
                "tokenUrl": f"{ENTRA_AUTHORITY}/token",
                "scopes": {POS_SCOPE: pos, ADMIN_ROLE: admin},
            },
            "clientCredentials": {
                "tokenUrl": f"{ENTRA_AUTHORITY}/token",
                "scopes": {ADMIN_ROLE: admin},
            },
        },
    }


def _operation(spec: EndpointSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec),
        "responses": {str(spec.success_status): _success(spec, refs), **_errors_for(spec)},
        "security": _security(spec),
    }
    if spec.operation is not None:
        # The permission-set operation the caller needs (403 `forbidden` names it).
        operation["x-permission"] = spec.operation.value
    if spec.request_model is not None:
        schema = refs[(spec.request_model, "validation")]
        operation["requestBody"] = {
            "required": True,
            "content": {t: {"schema": schema} for t in spec.body_content_types},
        }
    elif spec.body_record_models:
        record = {"oneOf": [refs[(m, "validation")] for m in spec.body_record_models]}
        content = {"application/json": {"schema": {"type": "array", "items": record}}}
        # NDJSON: one record per line, each as an item of the array (OpenAPI 3.1 cannot
        # describe a line-delimited stream).
        content.update({t: {"schema": {}} for t in spec.body_content_types if t not in content})
        operation["requestBody"] = {"required": True, "content": content}
    elif spec.body_content_types != ("application/json",):
        operation["requestBody"] = {
            "required": True,
            "content": {t: {"schema": {}} for t in spec.body_content_types},
        }
    return operation


def _success(spec: EndpointSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    names = list(spec.response_headers)
    if "Idempotency-Key" in spec.request_headers:
        names.append(REPLAYED_HEADER)
    headers = _headers(names)
    if spec.success_status == 204:
        return {"description": "done", "headers": headers}
    if spec.response_model is not None:
        schema = refs[(spec.response_model, "serialization")]
    else:
        schema = spec.response_schema or {}
    return {
        "description": "success",
        "headers": headers,
        "content": {spec.response_media_type: {"schema": schema}},
    }


def _parameters(spec: EndpointSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": route_schema(name)}
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
    for header in spec.request_headers:
        params.append(
            {
                "name": header,
                "in": "header",
                "required": header in spec.required_headers,
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
        "security": [{SECURITY_SCHEME: []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": RESPONSE_HEADERS,
            "securitySchemes": {SECURITY_SCHEME: _security_scheme()},
        },
        "x-problem-types": sorted(PROBLEM_TYPE_PREFIX + e.slug for e in all_error_types()),
    }
