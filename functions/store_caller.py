"""The associate calling a store route (resolved by the pipeline before the handler runs)."""

from __future__ import annotations

from functions.http_support import ApiRequest
from shared.domain.access import StaffContext


def store_staff(request: ApiRequest) -> StaffContext:
    if request.staff is None:  # only if a route without {storeId} asked for it: a code bug
        raise RuntimeError(f"{request.spec.name} has no store context")
    return request.staff
