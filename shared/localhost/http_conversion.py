"""Between the wire and azure.functions: requests in as func.HttpRequest, responses out.

The host hands the worker one value per header and per query key; repeated ones are joined
with commas (ASP.NET's StringValues), so handlers that care about repeated query keys read them
from `req.url`, which keeps the query string exactly as sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

import azure.functions as func

# Hop-by-hop and framing headers are the server's business, not the function's.
_FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}
_TEXT_PLAIN = "text/plain; charset=utf-8"


class UnsupportedReturnValue(TypeError):
    """The function returned something the HTTP output binding cannot encode."""


@dataclass(frozen=True)
class WireResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def build_request(
    method: str,
    url: str,
    header_pairs: Iterable[tuple[str, str]],
    route_params: Mapping[str, str],
    body: bytes,
) -> func.HttpRequest:
    """The func.HttpRequest a function receives for this request."""
    query = url.partition("?")[2].partition("#")[0]
    return func.HttpRequest(
        method=method.upper(),
        url=url,
        headers=join_repeated(header_pairs, separator=", "),
        params=join_repeated(parse_qsl(query, keep_blank_values=True), separator=","),
        route_params=dict(route_params),
        body=body,
    )


def join_repeated(pairs: Iterable[tuple[str, str]], separator: str) -> dict[str, str]:
    """One value per name (names compared case-insensitively, first spelling kept)."""
    joined: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for name, value in pairs:
        key = spelling.setdefault(name.lower(), name)
        joined[key] = f"{joined[key]}{separator}{value}" if key in joined else value
    return joined


def encode_response(result: object) -> WireResponse:
    """Status, headers and body for what the function returned (HttpResponse or str)."""
    if isinstance(result, str):
        return WireResponse(200, (("Content-Type", _TEXT_PLAIN),), result.encode("utf-8"))
    if not isinstance(result, func.HttpResponse):
        raise UnsupportedReturnValue(
            f"an HTTP function must return func.HttpResponse or str, not {type(result).__name__}"
        )
    headers = [
        (name, value)
        for name, value in result.headers.items()
        if name.lower() not in _FRAMING_HEADERS
    ]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", _content_type(result)))
    return WireResponse(result.status_code, tuple(headers), result.get_body())


def _content_type(response: func.HttpResponse) -> str:
    # Same rule as azure.functions' HttpResponseConverter: charset only on text/* types.
    if response.mimetype.startswith("text/"):
        return f"{response.mimetype}; charset={response.charset}"
    return response.mimetype
