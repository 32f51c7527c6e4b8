"""The one-click unsubscribe link of every email (RFC 8058), for anyone holding the link.

Mail clients that show an "Unsubscribe" button POST `List-Unsubscribe=One-Click` to the
link of the `List-Unsubscribe` header, without cookies or redirects; a person who opens the
link in a browser gets a small page whose button posts the same. A GET never unsubscribes:
link scanners and prefetchers open every link of an email, and must not opt anyone out.
The signed token is the only authority (shared/services/unsubscribe_links.py); a bad one is
a problem+json 400 and records nothing. Repeating the POST records nothing more.
"""

from __future__ import annotations

import html

import azure.functions as func

from functions.http_support import Access, ApiRequest, ApiResponse, endpoint

bp = func.Blueprint()
ROUTE = "unsubscribe/{token}"
PUBLIC = {"access": Access.PUBLIC, "tag": "unsubscribe"}
HTML = "text/html"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p>{form}</body></html>
"""
HTML_SCHEMA = {"type": "string", "description": "a small HTML page"}


def _token(request: ApiRequest) -> str:
    token = request.route.get("token", "")
    request.services.consent.links.target(token)  # refuse a bad link before anything else
    return token


def _page(title: str, text: str, form: str = "") -> ApiResponse:
    body = PAGE.format(title=html.escape(title), text=html.escape(text), form=form)
    return ApiResponse(body, media_type=HTML)


@endpoint(
    bp,
    name="unsubscribe_page",
    route=ROUTE,
    method="GET",
    summary="The unsubscribe link opened in a browser: a page asking to confirm (opening"
    " it changes nothing; 400 invalid-unsubscribe-link for a link we did not sign)",
    response_schema=HTML_SCHEMA,
    response_media_type=HTML,
    **PUBLIC,
)
def unsubscribe_page(request: ApiRequest) -> ApiResponse:
    token = _token(request)
    form = (
        f'<form method="post" action="{html.escape(token)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Unsubscribe</button></form>'
    )
    return _page("Unsubscribe", "Stop receiving emails from your store associate?", form)


@endpoint(
    bp,
    name="unsubscribe_one_click",
    route=ROUTE,
    method="POST",
    summary="One-click unsubscribe (RFC 8058): records the customer's opt-out of email;"
    " repeating it changes nothing; 400 invalid-unsubscribe-link for a link we did not sign",
    response_schema=HTML_SCHEMA,
    response_media_type=HTML,
    body_content_types=("application/x-www-form-urlencoded", "multipart/form-data"),
    **PUBLIC,
)
def unsubscribe(request: ApiRequest) -> ApiResponse:
    request.services.consent.unsubscribe(request.route.get("token", ""))
    return _page("Unsubscribed", "You will receive no more emails from us. Thank you.")
