"""Activity routes: active types and the customer timeline on the POS, and for headquarters."""

from __future__ import annotations

import azure.functions as func
from pydantic import TypeAdapter, ValidationError

from functions.activity_schemas import (
    ActivityInput,
    ActivityResource,
    ActivityTypeOption,
    ActivityTypeOptions,
    Timeline,
)
from functions.http_support import Access, ApiRequest, ApiResponse, QueryParam, endpoint
from functions.idempotent_requests import create_once
from functions.paging_query import PAGING
from functions.route_values import legal_entity, route_id
from functions.store_caller import store_staff
from shared.domain.activities import ActivityDraft
from shared.domain.errors import ValidationFailed
from shared.domain.model_base import Identifier
from shared.domain.query_values import switch
from shared.services.activities import TimelineRequest

bp = func.Blueprint()
POS = {"access": Access.STAFF, "tag": "activities"}
ADMIN = {"access": Access.ADMIN, "tag": "admin: activities and notes"}
TIMELINE_ROUTE = "stores/{storeId}/customers/{customerId}/activities"
INSTANT = {"type": "string", "format": "date-time"}
TIMELINE_QUERY = (
    QueryParam("activityTypeId", "only activities of this type (active or not)"),
    QueryParam("from", "only activities starting at or after this time (ISO 8601)", INSTANT),
    QueryParam("to", "only activities starting before this time (exclusive)", INSTANT),
    QueryParam(
        "upcoming",
        "true: only activities that have not started yet, soonest first",
        {"type": "boolean"},
    ),
    *PAGING,
)
_identifier = TypeAdapter(Identifier)


def _timeline_request(request: ApiRequest) -> TimelineRequest:
    type_id = request.query_value("activityTypeId")
    if type_id is not None:
        try:
            type_id = _identifier.validate_python(type_id)
        except ValidationError:
            raise ValidationFailed.single("activityTypeId", "is not an activity type id") from None
    upcoming = switch(request.query_value("upcoming"), "upcoming", default=False)
    return TimelineRequest(
        activity_type_id=type_id,
        start_from=request.query_value("from"),
        start_before=request.query_value("to"),
        upcoming=upcoming,
        page_size=request.page_size(),
        continuation_token=request.continuation_token(),
    )


def _timeline(request: ApiRequest, entity: str) -> Timeline:
    page = request.services.activities.timeline(
        entity, route_id(request, "customerId"), _timeline_request(request)
    )
    return Timeline(
        activities=[ActivityResource.of(a) for a in page.activities],
        continuation_token=page.continuation_token,
    )


@endpoint(
    bp,
    name="pos_list_activity_types",
    route="stores/{storeId}/activity-types",
    method="GET",
    summary="Active activity types (changes show right after the 1110 distribution run)",
    response_model=ActivityTypeOptions,
    **POS,
)
def list_activity_types(request: ApiRequest) -> ActivityTypeOptions:
    found = request.services.activities.active_types(store_staff(request).legal_entity)
    return ActivityTypeOptions(
        published_version=found.published_version,
        activity_types=[
            ActivityTypeOption(activity_type_id=i, name=t.name, description=t.description)
            for i, t in found.types
        ],
    )


@endpoint(
    bp,
    name="pos_activity_timeline",
    route=TIMELINE_ROUTE,
    method="GET",
    summary="The customer's activities, newest first (or upcoming, soonest first), paged",
    response_model=Timeline,
    query=TIMELINE_QUERY,
    **POS,
)
def activity_timeline(request: ApiRequest) -> Timeline:
    return _timeline(request, store_staff(request).legal_entity)


@endpoint(
    bp,
    name="pos_record_activity",
    route=TIMELINE_ROUTE,
    method="POST",
    summary="Record an activity with the customer (by the caller, in this store)",
    request_model=ActivityInput,
    response_model=ActivityResource,
    success_status=201,
    headers=("Idempotency-Key",),
    **POS,
)
def record_activity(request: ApiRequest) -> ApiResponse:
    staff = store_staff(request)
    sent = request.json_body(ActivityInput)
    customer_id = route_id(request, "customerId")
    draft = ActivityDraft(
        activity_type_id=sent.activity_type_id,
        subject=sent.subject,
        start_time=sent.start_time,
        end_time=sent.end_time,
        description=sent.description,
        purpose=sent.purpose,
        outcome=sent.outcome,
    )
    activities = request.services.activities
    return create_once(
        request,
        activities.new_activity_id,
        lambda activity_id: ActivityResource.of(
            activities.record(staff, customer_id, draft, activity_id)
        ),
    )


@endpoint(
    bp,
    name="admin_activity_timeline",
    route="admin/{legalEntity}/customers/{customerId}/activities",
    method="GET",
    summary="Headquarters view of a customer's activities (the POS timeline)",
    response_model=Timeline,
    query=TIMELINE_QUERY,
    **ADMIN,
)
def admin_activity_timeline(request: ApiRequest) -> Timeline:
    return _timeline(request, legal_entity(request))
