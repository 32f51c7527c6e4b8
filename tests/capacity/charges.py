"""The request charges a real Cosmos DB account reports, read from every response.

Each response of a real account carries `x-ms-request-charge`: the RU it cost. The SDK's
pipeline has one place every response passes, whatever call made it: azure-core's
CustomHookPolicy (the `raw_response_hook` extension point). `recorded_charges()` wraps that
policy for the duration of a `with` block and keeps, per response, the container, the
operation (classified as the local server's counter does) and the charge, so the capacity
scenario can run unchanged against an account and set measured RU beside the model's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from azure.core.pipeline.policies import CustomHookPolicy

CHARGE_HEADER = "x-ms-request-charge"


@dataclass(frozen=True)
class Charge:
    container: str
    operation: str
    request_units: float


def operation_of(method: str, path: str, headers: Any) -> tuple[str, str]:
    """(container, operation) of one request, as tests/cosmos/server.js classifies them."""
    parts = [p for p in path.split("/") if p]
    container = parts[3] if len(parts) > 3 else ""
    flag = str(headers.get("x-ms-documentdb-isquery", "")).lower() == "true"
    if len(parts) > 4 and parts[4] == "docs":
        if len(parts) == 6:
            return container, {"GET": "read", "PUT": "replace", "PATCH": "patch"}.get(
                method, "delete"
            )
        if flag or headers.get("content-type") == "application/query+json":
            return container, "query"
        if str(headers.get("x-ms-cosmos-is-batch-request", "")).lower() == "true":
            return container, "batch"
        if str(headers.get("x-ms-documentdb-is-upsert", "")).lower() == "true":
            return container, "upsert"
        return container, "create"
    return container, f"{method} metadata"


@contextmanager
def recorded_charges() -> Iterator[list[Charge]]:
    """Every response's charge while the block runs, in order."""
    charges: list[Charge] = []
    original = CustomHookPolicy.on_response

    def on_response(self: CustomHookPolicy, request: Any, response: Any) -> None:
        http_request = request.http_request
        charge = response.http_response.headers.get(CHARGE_HEADER)
        if charge is not None:
            container, operation = operation_of(
                http_request.method, urlparse(http_request.url).path, http_request.headers
            )
            charges.append(Charge(container, operation, float(charge)))
        original(self, request, response)

    CustomHookPolicy.on_response = on_response  # type: ignore[method-assign]
    try:
        yield charges
    finally:
        CustomHookPolicy.on_response = original  # type: ignore[method-assign]
