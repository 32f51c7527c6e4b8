"""OData query text built safely: quoted literals, checked identifiers, URL-length chunks."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote, urlencode

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters left readable in query values; everything else is percent-encoded.
_URL_SAFE = "$',()"


class InvalidODataValue(ValueError):
    pass


def quote_literal(value: str) -> str:
    """An OData string literal: single quotes doubled, control characters refused.

    Quoting keeps a value a value: `O'Brien' or x eq 'y` stays one literal, it cannot add a
    clause to the filter.
    """
    if _CONTROL.search(value):
        raise InvalidODataValue("control characters are not allowed in a filter value")
    return "'" + value.replace("'", "''") + "'"


def identifier(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise InvalidODataValue(f"{name!r} is not a property name")
    return name


def any_of(property_name: str, values: Sequence[str]) -> str:
    """`p eq 'a' or p eq 'b'`. Dataverse speaks OData 4.0, which has no `in` operator."""
    column = identifier(property_name)
    return " or ".join(f"{column} eq {quote_literal(value)}" for value in values)


def query_url(base: str, params: Mapping[str, str]) -> str:
    # %20 for spaces, not '+': some OData servers read '+' literally.
    return f"{base}?{urlencode(params, quote_via=quote, safe=_URL_SAFE)}"


def chunk_by_url_length(
    values: Sequence[str], build_url: Callable[[Sequence[str]], str], max_length: int
) -> list[list[str]]:
    """Split values into as few groups as possible whose URL stays within `max_length`.

    A single value that alone exceeds the limit still gets its own group: the server decides.
    """
    # The URL only grows as values are added, so the longest prefix that fits is found by
    # bisection: a page's worth of ids costs one URL build, not one per id.
    chunks: list[list[str]] = []
    rest = list(values)
    while rest:
        fits, too_long = 1, len(rest) + 1
        if len(build_url(rest)) <= max_length:
            fits = len(rest)
        while fits + 1 < too_long and fits < len(rest):
            middle = (fits + too_long) // 2
            if len(build_url(rest[:middle])) <= max_length:
                fits = middle
            else:
                too_long = middle
        chunks.append(rest[:fits])
        rest = rest[fits:]
    return chunks
