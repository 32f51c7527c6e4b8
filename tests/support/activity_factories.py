"""Small factories for activity and note requests in tests."""

from __future__ import annotations

from typing import Any


def activities_path(store_id: str, customer_id: str) -> str:
    return f"/api/stores/{store_id}/customers/{customer_id}/activities"


def notes_path(store_id: str, customer_id: str) -> str:
    return f"/api/stores/{store_id}/customers/{customer_id}/notes"


def activity_body(**overrides: Any) -> dict[str, Any]:
    """A valid store visit; override any field (None removes it)."""
    body: dict[str, Any] = {
        "activityTypeId": "VISIT",
        "subject": "Tried on the spring collection",
        "startTime": "2024-05-31T17:30:00+02:00",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}
