"""Glue between the Functions HTTP trigger and our services.

`endpoint(...)` registers a handler on a blueprint and records its contract for the OpenAPI
document. The wrapper it builds is the same for every route: read the request within size
limits, authenticate, resolve the store context, call the handler, render the result or an
RFC 9457 problem. The published version is read at most once per request. Handlers never
see func.HttpRequest and never build error responses.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import azure.functions as func
from pydantic import BaseModel, ValidationError

from functions.problems import SECURITY_HEADERS, error_response, problem_response
from shared.composition import Services, services
from shared.domain import json_numbers
from shared.domain.access import StaffContext
from shared.domain.errors import (
    ClientelingError,
    MalformedRequest,
    PayloadTooLarge,
    PreconditionRequired,
    UnsupportedMediaType,
    ValidationFailed,
)
from shared.domain.identity import Identity
from shared.domain.model_base import field_errors
from shared.domain.organisation import Operation
from shared.paging import page_size
from shared.settings import SettingsError
from shared.telemetry.events import emit, event_logger
from shared.telemetry.fields import Event, Field

log = event_logger("http")
M = TypeVar("M", bound=BaseModel)
JSON_TYPES = ("application/json", "application/problem+json")
MAX_IDEMPOTENCY_KEY = 200


class Access(StrEnum):
    PUBLIC = "public"  # no token (health, OpenAPI)
    STAFF = "staff"  # any valid token; store routes also need staff of that store
    ADMIN = "admin"  # the Clienteling.Admin app role


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    repeated: bool = False


@dataclass(frozen=True)
class EndpointSpec:
    name: str
    route: str
    method: str
    access: Access
    summary: str
    tag: str
    request_model: type[BaseModel] | None = None
    response_model: type[BaseModel] | None = None
    response_schema: dict[str, Any] | None = None
    query: tuple[QueryParam, ...] = ()
    success_status: int = 200
    operation: Operation | None = None
    large_body: bool = False  # imports: MAX_IMPORT_BODY_BYTES instead of MAX_BODY_BYTES
    body_content_types: tuple[str, ...] = ("application/json",)
    # Bodies the service validates record by record (imports): the record shapes, for the
    # OpenAPI document only; the pipeline reads such a body as text and never validates it.
    body_record_models: tuple[type[BaseModel], ...] = ()
    headers: tuple[str, ...] = ()  # request headers the route reads (If-Match, Idempotency-Key)
    # Of those, the ones a request cannot go without: the pipeline answers 428 when If-Match
    # is one of them and missing, so the document's `required` and the behaviour agree.
    required_headers: tuple[str, ...] = ()
    # Headers the success answer carries besides the ones every answer has (ETag on routes
    # that answer a versioned document; Idempotency-Replayed follows from Idempotency-Key).
    response_headers: tuple[str, ...] = ()
    # Statuses of problems only this route answers (e.g. 422 when a setup check fails); the
    # OpenAPI document adds them to the ones every route of its kind can answer.
    problem_statuses: tuple[int, ...] = ()
    # Problem types only this route answers, as their error classes (ClientelingError): the
    # OpenAPI document names each type under its status, so a POS can tell refusals apart.
    problem_types: tuple[type, ...] = ()
    # What the success answer is (the unsubscribe page answers text/html).
    response_media_type: str = "application/json"

    @property
    def request_headers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.headers, *self.required_headers)))

    @property
    def route_params(self) -> list[str]:
        return [part[1:-1].split(":")[0] for part in self.route.split("/") if part.startswith("{")]


ENDPOINTS: list[EndpointSpec] = []


@dataclass
class ApiRequest:
    spec: EndpointSpec
    method: str
    headers: Mapping[str, str]
    route: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    request_id: str
    services: Services
    identity: Identity | None = None
    staff: StaffContext | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise ValidationFailed.single(name, "give this parameter once")
        return values[0]

    def page_size(self) -> int:
        return page_size(self.query_value("pageSize"))

    def continuation_token(self) -> str | None:
        return self.query_value("continuationToken")

    def if_match(self) -> str | None:
        raw = self.header("if-match")
        if raw is None:
            return None
        return raw.strip().removeprefix("W/").strip('"')

    def require_if_match(self) -> str:
        etag = self.if_match()
        if not etag:
            raise PreconditionRequired("send If-Match with the ETag you read")
        return etag

    def idempotency_key(self) -> str | None:
        key = self.header("idempotency-key")
        if key is not None and not (0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isprintable()):
            raise ValidationFailed.single(
                "Idempotency-Key", f"must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters"
            )
        return key

    def text_body(self) -> str:
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if not self.body:
            raise MalformedRequest("the request needs a body")
        if content_type not in self.spec.body_content_types:
            raise UnsupportedMediaType(
                f"send the body as {' or '.join(self.spec.body_content_types)}"
            )
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedRequest("the body is not valid UTF-8") from None

    def json_body(self, model: type[M]) -> M:
        """The body validated against `model`: 400 with per-field errors when it does not fit."""
        text = self.text_body()
        try:
            parsed = json_numbers.decoder.decode(text)
        except (ValueError, RecursionError):
            raise MalformedRequest("the body is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise MalformedRequest("the body must be a JSON object")
        out_of_range = json_numbers.out_of_range_numbers(parsed)
        if out_of_range:
            raise ValidationFailed(out_of_range)
        try:
            return model.model_validate_json(text, strict=True)
        except ValidationError as problem:
            raise ValidationFailed(field_errors(problem)) from None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


@dataclass
class ApiResponse:
    body: Any = None
    status: int = 200
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # A body that is not JSON (the unsubscribe page): sent as is, with this media type.
    media_type: str | None = None


Handler = Callable[[ApiRequest], Any]


def _query(url: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        result.setdefault(key, []).append(value)
    return result


def _json_ready(body: Any) -> Any:
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json", by_alias=True)
    return body


def render(result: Any, spec: EndpointSpec) -> func.HttpResponse:
    response = result if isinstance(result, ApiResponse) else ApiResponse(body=result)
    status = response.status if isinstance(result, ApiResponse) else spec.success_status
    headers = {**SECURITY_HEADERS, **response.headers}
    if response.etag:
        headers["ETag"] = f'"{response.etag}"'
    if status == 204:
        return func.HttpResponse(status_code=204, headers=headers)
    if response.media_type is not None:
        return func.HttpResponse(
            str(response.body),
            status_code=status,
            headers=headers,
            mimetype=response.media_type,
            charset="utf-8",
        )
    return func.HttpResponse(
        json.dumps(_json_ready(response.body), ensure_ascii=False),
        status_code=status,
        headers=headers,
        mimetype="application/json",
        charset="utf-8",
    )


def _authorize(request: ApiRequest) -> None:
    spec = request.spec
    if spec.access is Access.PUBLIC:
        return
    request.identity = request.services.tokens.identity(request.header("authorization"))
    if spec.access is Access.ADMIN:
        request.services.access.require_admin(request.identity)
    elif "storeId" in request.route:
        request.staff = request.services.access.in_store(request.identity, request.route["storeId"])
        if spec.operation is not None:
            request.staff.require(spec.operation)


def _limit(spec: EndpointSpec, app: Services) -> int:
    settings = app.settings
    return settings.max_import_body_bytes if spec.large_body else settings.max_body_bytes


def handle(req: func.HttpRequest, spec: EndpointSpec, handler: Handler) -> func.HttpResponse:
    """Run one request through the shared pipeline; never lets an exception escape."""
    started = time.perf_counter()
    request_id = uuid.uuid4().hex
    response: func.HttpResponse
    try:
        app = services()
        body = req.get_body() or b""
        if len(body) > _limit(spec, app):
            raise PayloadTooLarge(f"the body is larger than {_limit(spec, app)} bytes")
        request = ApiRequest(
            spec=spec,
            method=req.method.upper(),
            headers={k.lower(): v for k, v in req.headers.items()},
            route={k: v for k, v in (req.route_params or {}).items()},
            query=_query(req.url),
            body=body,
            request_id=request_id,
            services=app,
        )
        # One look at the published version per request: the access check and the use case
        # share it, and a distribution run's change shows on the next request.
        with app.published.one_request():
            _authorize(request)
            if "If-Match" in spec.required_headers:
                request.require_if_match()
            response = render(handler(request), spec)
    except ClientelingError as error:
        response = error_response(error)
    except SettingsError as error:
        log.error("request %s: configuration error: %s", request_id, error)
        response = problem_response(
            "configuration-error",
            "Service misconfigured",
            500,
            f"the service is misconfigured ({error.setting}); operators: see request {request_id}",
        )
    except Exception:  # the last line of defence: log with an id, reveal nothing
        log.exception("request %s failed unexpectedly", request_id)
        response = problem_response(
            "internal-error",
            "Internal error",
            500,
            f"the request could not be completed; support can trace request {request_id}",
        )
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    # The route template, never the URL: the query string can hold a customer's name.
    emit(
        log,
        Event.HTTP_REQUEST,
        {
            Field.ROUTE: spec.route,
            Field.METHOD: spec.method,
            Field.STATUS_CODE: response.status_code,
            Field.DURATION_MS: duration_ms,
            Field.REQUEST_ID: request_id,
        },
        "%s %s -> %d (%.1f ms) [%s]",
        req.method,
        spec.route,
        response.status_code,
        duration_ms,
        request_id,
    )
    return response


def endpoint(bp: func.Blueprint, **contract: Any) -> Callable[[Handler], Handler]:
    """Register `handler` as an HTTP function with the given contract (EndpointSpec fields)."""
    spec = EndpointSpec(**contract)

    def register(handler: Handler) -> Handler:
        def http_function(req: func.HttpRequest) -> func.HttpResponse:
            return handle(req, spec, handler)

        http_function.__name__ = spec.name
        http_function.__qualname__ = spec.name
        bp.function_name(name=spec.name)(
            bp.route(route=spec.route, methods=[spec.method], auth_level=func.AuthLevel.ANONYMOUS)(
                http_function
            )
        )
        ENDPOINTS.append(spec)
        return handler

    return register
