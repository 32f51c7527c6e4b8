"""Secret-expiry alert state in Cosmos DB (the AlertStateStore port of shared/alerts/state.py).

Item (`operations` container, partition `/kind`): one per secret, all in the small
`alert-state` partition, so a load is a point read and a save one upsert:

    {"id": "alert-state:<hash>", "kind": "alert-state", "secretKey": "vault/name",
     "finding": "threshold-14", "changedAt": "2026-01-05T06:00:00+00:00", "expiresOn": null}

Secret keys hold '/', which an item id may not, so the id names a hash of the key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import body_hash
from shared.domain.secret_expiry import AlertState

KIND = "alert-state"


def alert_item_id(secret_key: str) -> str:
    return f"{KIND}:{body_hash(secret_key)}"


class CosmosAlertStateStore:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def load(self, secret_key: str) -> AlertState | None:
        item = self._container.read(alert_item_id(secret_key), KIND)
        if item is None:
            return None
        expires_on = item.get("expiresOn")
        return AlertState(
            finding=item["finding"],
            changed_at=dt.datetime.fromisoformat(item["changedAt"]),
            expires_on=dt.datetime.fromisoformat(expires_on) if expires_on else None,
        )

    def save(self, secret_key: str, state: AlertState) -> None:
        self._container.upsert(_item(secret_key, state))


def _item(secret_key: str, state: AlertState) -> dict[str, Any]:
    return {
        "id": alert_item_id(secret_key),
        "kind": KIND,
        "secretKey": secret_key,
        "finding": state.finding,
        "changedAt": state.changed_at.isoformat(),
        "expiresOn": state.expires_on.isoformat() if state.expires_on else None,
    }
