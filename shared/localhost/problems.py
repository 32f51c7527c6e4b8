"""RFC 9457 problem responses for what the host itself answers (no route, wrong method, a
function that failed). Details never carry internals; the server log has those."""

from __future__ import annotations

import json
from collections.abc import Iterable

from shared.localhost.http_conversion import WireResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
_TYPE_PREFIX = "urn:clienteling:problem:"


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
