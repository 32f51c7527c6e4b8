"""The base of every domain value that crosses the API: camelCase on the wire, strict input."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic.alias_generators import to_camel

from shared.domain.dates import checked_date
from shared.domain.text import checked_text


class DomainModel(BaseModel):
    """Frozen, strict value: unknown fields are errors, names are camelCase in JSON."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
    )

    def to_json(self) -> dict:
        """The JSON-ready form, with camelCase names (what is stored and returned)."""
        return self.model_dump(mode="json", by_alias=True)


# Identifiers appear in routes and Cosmos ids: no slashes, no spaces, no path tricks. The
# OpenAPI document declares the same patterns for the route parameters (functions/route_values).
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
LEGAL_ENTITY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, strip_whitespace=True)]
LegalEntityId = Annotated[
    str, StringConstraints(pattern=LEGAL_ENTITY_PATTERN, strip_whitespace=True)
]


def _multi_line(text: str) -> str:
    return checked_text(text, multiline=True)


def one_line_text(**constraints: Any) -> Any:
    """A text shown on one line (names, labels, address parts): no control or bidi characters.

    The length constraints sit on the string and the text check after them, so the request
    and the response schema of a model are one and the same (with the check outermost, the
    response schema would lose the constraints and generators would see two models).
    """
    return Annotated[str, StringConstraints(**constraints), AfterValidator(checked_text)]


def multi_line_text(**constraints: Any) -> Any:
    """A text that keeps its layout (descriptions, notes): tab and line breaks too."""
    return Annotated[str, StringConstraints(**constraints), AfterValidator(_multi_line)]


OneLineText = one_line_text()
MultiLineText = multi_line_text()
Name = one_line_text(min_length=1, max_length=200, strip_whitespace=True)
# A calendar date we store (birthday, anniversary): within the years of shared/domain/dates.
StoredDate = Annotated[dt.date, AfterValidator(checked_date)]


def field_errors(error: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """Pydantic's errors as our per-field list: dotted camelCase paths, plain messages."""
    result = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"] if part != "__root__")
        path = f"{prefix}.{path}" if prefix and path else (prefix or path or "body")
        result.append({"field": path, "message": _message(item)})
    return result


def _message(item: dict) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required"
    message = str(item["msg"])
    return message.removeprefix("Value error, ")
