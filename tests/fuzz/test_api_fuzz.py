"""Generated requests against every operation of the served OpenAPI document.

Whatever schemathesis sends, the app must never answer 5xx, and every answer must match
what the document promises (a documented status, and a body of its schema). FUZZ_EXAMPLES bounds the
examples per operation: a few in CI (`make fuzz-ci`), many more with `make fuzz`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.fuzz.running_app import RunningApp
from tests.fuzz.served_document import served_document

schema = schemathesis.openapi.from_dict(served_document())
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
# Fuzzing takes tens of seconds: it runs from its own targets, not with the unit suite.
pytestmark = pytest.mark.skipif(not EXAMPLES, reason="set FUZZ_EXAMPLES: make fuzz-ci or make fuzz")
# Ids that exist in the demo data: with them requests get past 403/404 into the handlers.
KNOWN = {"storeId": "SEA01", "legalEntity": "USRT", "customerId": "C00003", "groupId": "CLIENTBOOK"}


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: schemathesis.SerializationContext, value: Any) -> dict[str, Any]:
    """Imports take one JSON record a line; a generated list becomes one record per item."""
    items = value if isinstance(value, list) else [value]
    return {"data": "\n".join(json.dumps(item) for item in items).encode("utf-8")}


def _token_for(path: str, app: RunningApp) -> str:
    # chloe manages SEA01 and POR01: every POS operation is open to her there.
    return app.tokens["admin"] if path.startswith("/api/admin/") else app.tokens["chloe"]


def _aim(case: schemathesis.Case) -> None:
    """Half the cases (chosen by the generated data) use ids that exist."""
    params = case.path_parameters or {}
    for name, value in list(params.items()):
        if name in KNOWN and len(str(value)) % 2 == 0:
            params[name] = KNOWN[name]


@schema.parametrize()
@settings(
    max_examples=max(EXAMPLES, 1),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation(case: schemathesis.Case, live_app: RunningApp) -> None:
    _aim(case)
    headers = {"Authorization": f"Bearer {_token_for(case.path, live_app)}"}
    case.call_and_validate(
        base_url=live_app.url,
        headers=headers,
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )


def test_the_fuzzed_document_is_the_served_one(live_app: RunningApp) -> None:
    served = requests.get(live_app.api("openapi.json"), timeout=10).json()
    assert served["paths"] == served_document()["paths"]
    assert served["components"] == served_document()["components"]
