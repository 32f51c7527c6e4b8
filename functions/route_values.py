"""Validate identifiers taken from the route before they reach a service or a query."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from functions.http_support import ApiRequest
from shared.domain.errors import ValidationFailed
from shared.domain.model_base import Identifier, LegalEntityId

_identifier = TypeAdapter(Identifier)
_legal_entity = TypeAdapter(LegalEntityId)


def route_id(request: ApiRequest, name: str) -> str:
    """The route parameter `name` if it is a well-formed identifier."""
    return _checked(_identifier, request.route.get(name, ""), name)


def legal_entity(request: ApiRequest) -> str:
    return _checked(_legal_entity, request.route.get("legalEntity", ""), "legalEntity")


def _checked(adapter: TypeAdapter, value: str, name: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise ValidationFailed.single(
            name, "must be letters, digits, '.', '_' or '-' (at most 64), starting alphanumeric"
        ) from None
