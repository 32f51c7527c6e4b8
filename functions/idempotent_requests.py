"""Idempotency-Key on creating routes: who and where the key belongs to, and the replay.

The key is scoped to the caller and the concrete route (method and path with its values),
so two associates, or one associate on two customers, never share a key. The body's
fingerprint is taken from its parsed JSON, so a retry that re-serialises the same body the
same way is recognised while another body under the same key is refused (422).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from functions.http_support import ApiRequest, ApiResponse
from shared.services.idempotency import Result

REPLAYED_HEADER = "Idempotency-Replayed"


def caller_scope(request: ApiRequest) -> str:
    if request.staff is not None:
        caller = f"staff:{request.staff.legal_entity}/{request.staff.staff_id}"
    else:
        caller = f"principal:{request.identity.object_id if request.identity else '-'}"
    path = request.spec.route
    for name, value in request.route.items():
        path = path.replace(f"{{{name}}}", value)
    return f"{caller} {request.method} /{path}"


def body_fingerprint(body: bytes) -> str:
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def create_once(
    request: ApiRequest,
    new_id: Callable[[], str],
    create: Callable[[str], BaseModel],
    etag_of: Callable[[dict[str, Any]], str | None] = lambda body: None,
    status: int = 201,
) -> ApiResponse:
    """`status` (201) with what create(id) returns; a retry with the same key gets the same
    answer. A change of an existing resource passes its own id and 200.

    Call after the body has been validated, so malformed requests never hold a key.
    """
    key = request.idempotency_key()
    outcome = request.services.idempotency.run(
        scope=caller_scope(request),
        key=key,
        fingerprint=body_fingerprint(request.body) if key is not None else "",
        new_id=new_id,
        perform=lambda resource_id: Result(
            status, create(resource_id).model_dump(mode="json", by_alias=True)
        ),
    )
    headers = {REPLAYED_HEADER: "true"} if outcome.replayed else {}
    return ApiResponse(
        outcome.body, status=outcome.status, etag=etag_of(outcome.body), headers=headers
    )
