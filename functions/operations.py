"""Operational routes: health and the OpenAPI document (both anonymous)."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.http_support import Access, ApiRequest, ApiResponse, endpoint
from functions.openapi_document import openapi_document
from functions.schemas import Health

bp = func.Blueprint()
log = logging.getLogger(__name__)


@endpoint(
    bp,
    name="health",
    route="health",
    method="GET",
    access=Access.PUBLIC,
    summary="Is the service up, its storage reachable and its settings usable?",
    tag="operations",
    response_model=Health,
)
def health(request: ApiRequest) -> ApiResponse:
    app = request.services
    try:
        app.storage.ping()
        storage = "ok"
    except Exception:  # health must answer whatever the storage does
        log.exception("health check: storage unreachable")
        storage = "unreachable"
    # Names only: the value of an unusable setting may be a secret's first characters.
    missing = [app.continuation.problem.setting] if app.continuation.problem else []
    status = "ok" if storage == "ok" and not missing else "degraded"
    body = Health(
        status=status,
        version=app.settings.app_version,
        storage=storage,
        missing_settings=missing,
    )
    return ApiResponse(body, status=200 if status == "ok" else 503)


@endpoint(
    bp,
    name="openapi",
    route="openapi.json",
    method="GET",
    access=Access.PUBLIC,
    summary="This API's OpenAPI 3.1 document",
    tag="operations",
    response_schema={"type": "object"},
)
def openapi(request: ApiRequest) -> dict:
    return openapi_document(request.services.settings.app_version)
