"""RFC 9457 problem details: the one place errors become HTTP responses."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func

from shared.domain.errors import ClientelingError

PROBLEM_TYPE_PREFIX = "urn:clienteling:problem:"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# A page on another origin (a browser POS) may read only CORS-safelisted response headers. The
# platform's CORS (siteConfig.cors, Host.CORS) lists origins and credentials but has no setting
# for exposed headers, so the app names the ones a POS acts on. Without an allowed origin's
# Access-Control-Allow-Origin, which only the platform adds, a browser ignores this header.
CORS_EXPOSED_HEADERS = {"Access-Control-Expose-Headers": "ETag, Idempotency-Replayed, Retry-After"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    **CORS_EXPOSED_HEADERS,
}
# A dependency that is unavailable (storage busy, identity keys unreachable) usually is again
# within moments; clients that honour Retry-After then spread their retries instead of looping.
RETRY_AFTER_SECONDS = 2


def problem_body(
    slug: str, title: str, status: int, detail: str, **extensions: Any
) -> dict[str, Any]:
    body = {
        "type": PROBLEM_TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extensions.items() if v is not None})
    return body


def problem_response(
    slug: str,
    title: str,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> func.HttpResponse:
    body = problem_body(slug, title, status, detail, **extensions)
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={**SECURITY_HEADERS, **(headers or {})},
        mimetype=PROBLEM_CONTENT_TYPE,
        charset="utf-8",
    )


def error_response(error: ClientelingError, instance: str | None = None) -> func.HttpResponse:
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if error.status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return problem_response(
        error.slug,
        error.title,
        error.status,
        error.detail,
        headers=headers,
        instance=instance,
        **error.extensions,
    )
