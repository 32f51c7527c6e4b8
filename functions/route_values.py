"""Validate identifiers taken from the route before they reach a service or a query.

`route_schema` is what the OpenAPI document declares for each route parameter; it is built
from the same patterns the checks below (and the domain models) enforce, so a generated client
validates ids exactly as the API does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from shared.domain.errors import ValidationFailed
from shared.domain.model_base import (
    IDENTIFIER_PATTERN,
    LEGAL_ENTITY_PATTERN,
    Identifier,
    LegalEntityId,
)
from shared.services.imports import IMPORT_KINDS

if TYPE_CHECKING:
    from functions.http_support import ApiRequest

_identifier = TypeAdapter(Identifier)
_legal_entity = TypeAdapter(LegalEntityId)
IDENTIFIER_RULE = "must be letters, digits, '.', '_' or '-' (at most 64), starting alphanumeric"
LEGAL_ENTITY_RULE = "must be letters, digits, '_' or '-' (at most 20), starting alphanumeric"

# Every other route parameter (storeId, customerId, noteId, groupId, activityTypeId, jobId,
# name) is an Identifier: route_id checks it, and storeId is looked up among published stores,
# whose ids are Identifiers, so any other value is an unknown store (404).
_SCHEMAS: dict[str, dict[str, Any]] = {
    "legalEntity": {"type": "string", "pattern": LEGAL_ENTITY_PATTERN},
    "kind": {"type": "string", "enum": list(IMPORT_KINDS)},
    # The unsubscribe link's token (shared/services/unsubscribe_links.py checks it whole).
    "token": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,400}$"},
}


def route_schema(name: str) -> dict[str, Any]:
    """The JSON schema of route parameter `name`, as the OpenAPI document declares it."""
    return dict(_SCHEMAS.get(name, {"type": "string", "pattern": IDENTIFIER_PATTERN}))


def route_id(request: ApiRequest, name: str) -> str:
    """The route parameter `name` if it is a well-formed identifier."""
    return _checked(_identifier, request.route.get(name, ""), name, IDENTIFIER_RULE)


def legal_entity(request: ApiRequest) -> str:
    value = request.route.get("legalEntity", "")
    return _checked(_legal_entity, value, "legalEntity", LEGAL_ENTITY_RULE)


def _checked(adapter: TypeAdapter, value: str, name: str, rule: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise ValidationFailed.single(name, rule) from None
