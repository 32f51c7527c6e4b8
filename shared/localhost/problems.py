"""RFC 9457 problem responses for what the host itself answers (no route, wrong method, a
function that failed). Details never carry internals; the server log has those."""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus

from shared.localhost.http_conversion import WireResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
_TYPE_PREFIX = "urn:clienteling:problem:"
# What http.server refuses before a request reaches the route table (its send_error calls):
# status -> (problem type, title, detail). The details are ours: http.server's echo the request.
REFUSALS = {
    400: ("bad-request", "Bad request", "The request line is not an HTTP/1.1 request line."),
    414: ("uri-too-long", "URI too long", "The request line is longer than 65,536 bytes."),
    431: (
        "header-fields-too-large",
        "Request header fields too large",
        "A header line is longer than 65,536 bytes, or there are more than 100 header fields.",
    ),
    505: (
        "http-version-not-supported",
        "HTTP version not supported",
        "Only HTTP/1.0 and HTTP/1.1 are served.",
    ),
}


def problem(
    status: int,
    kind: str,
    title: str,
    detail: str,
    headers: Iterable[tuple[str, str]] = (),
) -> WireResponse:
    document = {"type": _TYPE_PREFIX + kind, "title": title, "status": status, "detail": detail}
    body = json.dumps(document).encode("utf-8")
    return WireResponse(status, (("Content-Type", PROBLEM_CONTENT_TYPE), *headers), body)


def internal_error() -> WireResponse:
    return problem(500, "internal-error", "Internal error", "The request could not be completed.")


def not_found(detail: str) -> WireResponse:
    return problem(404, "not-found", "Not found", detail)


def method_not_allowed(method: str, allowed: Iterable[str]) -> WireResponse:
    allow = ", ".join(sorted(allowed))
    detail = f"{method} is not allowed here; allowed: {allow}."
    return problem(405, "method-not-allowed", "Method not allowed", detail, [("Allow", allow)])


def refusal(status: int) -> WireResponse:
    """The problem for a request http.server could not read (see REFUSALS)."""
    known = HTTPStatus(status)
    kind, title, detail = REFUSALS.get(
        status, (known.phrase.lower().replace(" ", "-"), known.phrase, known.description)
    )
    return problem(status, kind, title, detail)
