"""The Event Grid webhook of the local host: `POST /runtime/webhooks/eventgrid?functionName=NAME`.

Event Grid posts a JSON array of events (Event Grid schema: id, topic, subject, eventType,
eventTime, data, dataVersion). A subscription's first request is the validation handshake
(`aeg-event-type: SubscriptionValidation`, one Microsoft.EventGrid.SubscriptionValidationEvent
whose data holds `validationCode`), answered with `{"validationResponse": code}`. Notifications
(`aeg-event-type: Notification`) invoke the function once per event; any failure answers 500 so
Event Grid retries the delivery, which is why the functions must be idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

import azure.functions as func

from shared.localhost.function_catalog import EventGridFunction
from shared.localhost.http_conversion import WireResponse
from shared.localhost.invocation import invoke
from shared.localhost.problems import internal_error, not_found, problem

logger = logging.getLogger("localhost")
WEBHOOK_PATH = "/runtime/webhooks/eventgrid"
VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent"
_JSON = (("Content-Type", "application/json"),)


def _event_time(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _event(raw: Mapping[str, Any]) -> func.EventGridEvent:
    return func.EventGridEvent(
        id=str(raw.get("id", "")),
        data=raw.get("data") or {},
        topic=str(raw.get("topic", "")),
        subject=str(raw.get("subject", "")),
        event_type=str(raw.get("eventType", "")),
        event_time=_event_time(raw.get("eventTime")),
        data_version=str(raw.get("dataVersion", "")),
    )


def serve_event_grid(
    functions: Sequence[EventGridFunction],
    query: str,
    headers: Mapping[str, str],
    body: bytes,
) -> tuple[WireResponse, str]:
    names = parse_qs(query).get("functionName") or []
    wanted = names[0].casefold() if names else ""
    function = next((f for f in functions if f.name.casefold() == wanted), None)
    if function is None:
        return not_found("No Event Grid function has that functionName."), "-"
    try:
        events = json.loads(body or b"null")
    except ValueError:
        events = None
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return problem(400, "bad-request", "Bad request", "send a JSON array of events"), "-"
    kind = headers.get("aeg-event-type", "").casefold()
    if kind == "subscriptionvalidation" or any(
        e.get("eventType") == VALIDATION_EVENT for e in events
    ):
        code = (events[0].get("data") or {}).get("validationCode") if events else None
        answer = json.dumps({"validationResponse": code}).encode()
        return WireResponse(200, _JSON, answer), function.name
    for raw in events:
        try:
            invoke(function.user_function, function.name, function.trigger_arg, _event(raw))
        except Exception:
            logger.exception(
                "event grid function %s failed on event %s", function.name, raw.get("id")
            )
            return internal_error(), function.name
    return WireResponse(200, (), b""), function.name
