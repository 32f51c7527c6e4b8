"""POS routes of follow-ups: my worklist, complete, snooze, dismiss, manual ones, and the
manager's view of the store client book."""

from __future__ import annotations

import azure.functions as func

from functions.followup_schemas import (
    CompleteFollowup,
    DismissFollowup,
    NewFollowup,
    SnoozeFollowup,
)
from functions.http_support import Access, ApiRequest, ApiResponse, QueryParam, endpoint
from functions.idempotent_requests import create_once
from functions.paging_query import PAGING
from functions.route_values import route_id
from functions.store_caller import store_staff
from shared.domain.access import StaffContext
from shared.domain.followup_views import FollowupPage, FollowupResource, StoreFollowups
from shared.domain.followups import Due
from shared.domain.organisation import Operation
from shared.domain.record_ids import time_ordered_id
from shared.services.followups import CompletionActivity, ManualFollowup

bp = func.Blueprint()
POS = {"access": Access.STAFF, "tag": "follow-ups", "operation": Operation.VIEW_CLIENT_BOOK}
BASE = "stores/{storeId}/followups"
ONE = BASE + "/{followupId}"
DATE = {"type": "string", "format": "date"}
ETAG = ("ETag",)
CHANGE_HEADERS = {"required_headers": ("If-Match",), "response_headers": ETAG}
LIST_QUERY = (
    QueryParam(
        "due",
        "overdue (before today), today, or next7 (the 7 days after today), in the store's calendar",
        {"type": "string", "enum": [d.value for d in Due]},
    ),
    QueryParam("from", "due on or after this date", DATE),
    QueryParam("to", "due on or before this date", DATE),
    QueryParam("ruleId", "only follow-ups of this rule (`manual`: made by hand)"),
    QueryParam(
        "staffId",
        "managers (manage-store-client-books): an associate of the store client book",
    ),
    *PAGING,
)


def _changed(resource: FollowupResource) -> ApiResponse:
    return ApiResponse(resource, etag=resource.etag)


def _guarded(request: ApiRequest) -> tuple[StaffContext, str, str]:
    """What an If-Match guarded change acts on: the caller, the follow-up the route names and
    the ETag it must still have."""
    return store_staff(request), route_id(request, "followupId"), request.require_if_match()


@endpoint(
    bp,
    name="followups_mine",
    route=BASE,
    method="GET",
    summary="My open follow-ups by due date then customer name, each with the customer card,"
    " rule and reason; bucket counts (overdue, today, next 7 days) for the home-screen badge",
    response_model=FollowupPage,
    query=LIST_QUERY,
    **POS,
)
def my_followups(request: ApiRequest) -> FollowupPage:
    return request.services.followups.my_page(
        store_staff(request), request.query, request.page_size(), request.continuation_token()
    )


@endpoint(
    bp,
    name="followups_create",
    route=BASE,
    method="POST",
    summary="Create a follow-up by hand for a customer of my client book (managers: of an"
    " associate's book in the store client book)",
    request_model=NewFollowup,
    response_model=FollowupResource,
    success_status=201,
    headers=("Idempotency-Key",),
    response_headers=ETAG,
    **POS,
)
def create_followup(request: ApiRequest) -> ApiResponse:
    staff = store_staff(request)
    sent = request.json_body(NewFollowup)
    manual = ManualFollowup(sent.customer_id, sent.due_date, sent.text, sent.staff_id)
    service = request.services.followups
    return create_once(
        request,
        lambda: "fu-" + time_ordered_id(request.services.clock.now()),
        lambda new_id: service.create_manual(staff, manual, new_id),
        etag_of=lambda body: body.get("etag"),
    )


@endpoint(
    bp,
    name="followups_one",
    route=ONE,
    method="GET",
    summary="One of my follow-ups, whatever its state (ETag for the changes)",
    response_model=FollowupResource,
    response_headers=ETAG,
    **POS,
)
def one_followup(request: ApiRequest) -> ApiResponse:
    found = request.services.followups.one(store_staff(request), route_id(request, "followupId"))
    return _changed(found)


@endpoint(
    bp,
    name="followups_complete",
    route=ONE + "/complete",
    method="POST",
    summary="Complete with an outcome, and optionally record an activity with the customer in"
    " the same request (retry-safe with Idempotency-Key)",
    request_model=CompleteFollowup,
    response_model=FollowupResource,
    headers=("Idempotency-Key",),
    **CHANGE_HEADERS,
    **POS,
)
def complete_followup(request: ApiRequest) -> ApiResponse:
    staff = store_staff(request)
    followup_id = route_id(request, "followupId")
    sent = request.json_body(CompleteFollowup)
    activity = None
    if sent.activity is not None:
        activity = CompletionActivity(
            sent.activity.activity_type_id, sent.activity.subject, sent.activity.description
        )
    etag = request.require_if_match()
    # Idempotency-Key on a change: a retry gets the first answer instead of a 412.
    return create_once(
        request,
        lambda: followup_id,
        lambda _: request.services.followups.complete(
            staff, followup_id, etag, sent.outcome, activity
        ),
        etag_of=lambda body: body.get("etag"),
        status=200,
    )


@endpoint(
    bp,
    name="followups_snooze",
    route=ONE + "/snooze",
    method="POST",
    summary="Snooze to a later due date",
    request_model=SnoozeFollowup,
    response_model=FollowupResource,
    **CHANGE_HEADERS,
    **POS,
)
def snooze_followup(request: ApiRequest) -> ApiResponse:
    sent = request.json_body(SnoozeFollowup)
    return _changed(request.services.followups.snooze(*_guarded(request), sent.until))


@endpoint(
    bp,
    name="followups_dismiss",
    route=ONE + "/dismiss",
    method="POST",
    summary="Dismiss with a reason",
    request_model=DismissFollowup,
    response_model=FollowupResource,
    **CHANGE_HEADERS,
    **POS,
)
def dismiss_followup(request: ApiRequest) -> ApiResponse:
    sent = request.json_body(DismissFollowup)
    return _changed(request.services.followups.dismiss(*_guarded(request), sent.reason))


@endpoint(
    bp,
    name="store_followups",
    route="stores/{storeId}/store-followups",
    method="GET",
    summary="The manager's weekly view: per associate of the store client book, open,"
    " overdue and completed this week (list one associate's with"
    " GET .../followups?staffId=)",
    response_model=StoreFollowups,
    access=Access.STAFF,
    tag="follow-ups",
    operation=Operation.MANAGE_STORE_CLIENT_BOOKS,
)
def store_followups(request: ApiRequest) -> StoreFollowups:
    return request.services.followups.store_view(store_staff(request))
