"""Outreach: the POS send route, the delivery queue function, ACS's Event Grid events, and
the outbox relay timer. Thin: the rules are in shared/services/outreach.py."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.http_support import Access, ApiRequest, ApiResponse, endpoint
from functions.idempotent_requests import REPLAYED_HEADER, body_fingerprint, caller_scope
from functions.outreach_schemas import MessageInput, MessageResource
from functions.route_values import route_id
from functions.store_caller import store_staff
from shared.composition import services
from shared.domain.errors import (
    ConsentMissing,
    ContactMissing,
    FrequencyCap,
    OutreachDisabled,
    QuietHours,
    ValidationFailed,
)
from shared.messaging.storage_queue import CONNECTION
from shared.services.idempotency import Result
from shared.services.outreach import DELIVERY_QUEUE, MessageRequest

bp = func.Blueprint()
log = logging.getLogger("outreach")
POS = {"access": Access.STAFF, "tag": "outreach"}
MESSAGES_ROUTE = "stores/{storeId}/customers/{customerId}/messages"


@endpoint(
    bp,
    name="pos_send_message",
    route=MESSAGES_ROUTE,
    method="POST",
    summary="Send the customer a message (email or SMS); 202: delivery follows from a queue",
    request_model=MessageInput,
    response_model=MessageResource,
    success_status=202,
    headers=("Idempotency-Key",),
    required_headers=("Idempotency-Key",),
    # In the order the policy applies them: the first that holds is the answer.
    problem_types=(OutreachDisabled, ConsentMissing, ContactMissing, QuietHours, FrequencyCap),
    **POS,
)
def send_message(request: ApiRequest) -> ApiResponse:
    staff = store_staff(request)
    sent = request.json_body(MessageInput)
    customer_id = route_id(request, "customerId")
    key = request.idempotency_key()
    if key is None:
        # A message must never go twice because a POS retried a timed-out request.
        raise ValidationFailed.single("Idempotency-Key", "required: a new key per message")
    outreach = request.services.outreach
    message_request = MessageRequest(sent.channel, sent.template_id, sent.text, sent.subject)
    outcome = request.services.idempotency.run(
        scope=caller_scope(request),
        key=key,
        fingerprint=body_fingerprint(request.body),
        new_id=outreach.new_message_id,
        perform=lambda message_id: Result(
            202,
            MessageResource.of(
                outreach.accept(staff, customer_id, message_request, message_id)
            ).model_dump(mode="json", by_alias=True),
        ),
    )
    headers = {REPLAYED_HEADER: "true"} if outcome.replayed else {}
    return ApiResponse(outcome.body, status=outcome.status, headers=headers)


@endpoint(
    bp,
    name="pos_get_message",
    route=MESSAGES_ROUTE + "/{messageId}",
    method="GET",
    summary="A message's delivery status",
    response_model=MessageResource,
    **POS,
)
def get_message(request: ApiRequest) -> MessageResource:
    staff = store_staff(request)
    return MessageResource.of(
        request.services.outreach.get(
            staff.legal_entity, route_id(request, "customerId"), route_id(request, "messageId")
        )
    )


@bp.function_name(name="outreach_deliver")
@bp.queue_trigger(arg_name="msg", queue_name=DELIVERY_QUEUE, connection=CONNECTION)
def outreach_deliver(msg: func.QueueMessage) -> None:
    """One delivery attempt. An exception makes the host retry after visibilityTimeout and,
    after maxDequeueCount attempts (host.json), move the message to the poison queue."""
    outcome = services().outreach.deliver(msg.get_body().decode("utf-8"), msg.dequeue_count or 1)
    log.info("outreach delivery %s: %s", msg.id, outcome)


@bp.function_name(name="outreach_delivery_reports")
@bp.event_grid_trigger(arg_name="event")
def outreach_delivery_reports(event: func.EventGridEvent) -> None:
    """Microsoft.Communication.EmailDeliveryReportReceived and SMSDeliveryReportReceived."""
    outcome = services().outreach.delivery_report(event.event_type, event.get_json() or {})
    log.info("delivery report %s (%s): %s", event.id, event.event_type, outcome)


@bp.function_name(name="outreach_inbound_sms")
@bp.event_grid_trigger(arg_name="event")
def outreach_inbound_sms(event: func.EventGridEvent) -> None:
    """Microsoft.Communication.SMSReceived: STOP/START keywords, answered with a confirmation."""
    outcome = services().outreach.inbound_sms(event.get_json() or {})
    log.info("inbound sms %s: %s", event.id, outcome)


@bp.function_name(name="outreach_outbox_relay")
@bp.timer_trigger(schedule="0 * * * * *", arg_name="timer")
def outreach_outbox_relay(timer: func.TimerRequest) -> None:
    """Every minute: messages accepted but never queued (a crash, the queue down) go now."""
    moved = services().outreach.relay()
    if moved:
        log.warning("outbox relay queued %d message(s) whose enqueue had been lost", moved)
