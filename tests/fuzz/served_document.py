"""The OpenAPI document exactly as `GET /api/openapi.json` builds it.

Tests are generated when pytest collects, before any server runs, so the document is built
from the registered endpoints here; a test checks it matches what the running app serves.
"""

from __future__ import annotations

from typing import Any


def served_document() -> dict[str, Any]:
    import function_app  # noqa: F401  (registers every endpoint)
    from functions.openapi_document import openapi_document

    return openapi_document("fuzz")
