"""The query parameters every paged list route takes (documented once for OpenAPI)."""

from __future__ import annotations

from functions.http_support import QueryParam
from shared.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PAGING = (
    QueryParam(
        "pageSize",
        f"1-{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
    QueryParam("continuationToken", "from the previous page, to read the next one"),
)
