"""The base of every domain value that crosses the API: camelCase on the wire, strict input."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

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


# Identifiers appear in routes and Cosmos ids: no slashes, no spaces, no path tricks.
Identifier = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", strip_whitespace=True)
]
LegalEntityId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$", strip_whitespace=True)
]
# Texts shown on one line (names, labels, address parts): no control or bidi characters.
OneLineText = Annotated[str, AfterValidator(checked_text)]
# Texts that keep their layout (descriptions): tab and line breaks too, nothing else.
MultiLineText = Annotated[str, AfterValidator(lambda text: checked_text(text, multiline=True))]
Name = Annotated[
    OneLineText, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)
]
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
