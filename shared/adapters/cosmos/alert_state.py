"""Secret-expiry alert state in Cosmos DB (the AlertStateStore port of shared/alerts/state.py).

Items (`operations` container, partition `/kind`): one per secret and alert channel, all in
the small `alert-state` partition, so a load is a point read and a save one upsert:

    {"id": "alert-state:<hash>", "kind": "alert-state", "secretKey": "vault/name",
     "channel": "pagerduty", "finding": "threshold-14",
     "changedAt": "2026-01-05T06:00:00+00:00", "expiresOn": null}

Secret keys hold '/', which an item id may not, so the id names a hash of key and channel.
An item without `channel` (one per secret, from before delivery was kept per channel, its id
the hash of the key alone) stands for every channel that has no item of its own: a second
point read, only for such channels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import body_hash
from shared.domain.secret_expiry import AlertState

KIND = "alert-state"


def alert_item_id(secret_key: str, channel: str | None = None) -> str:
    """The item of one secret and channel; without a channel, the per-secret item of old."""
    if channel is None:
        return f"{KIND}:{body_hash(secret_key)}"
    return f"{KIND}:{body_hash(secret_key + chr(0) + channel)}"


class CosmosAlertStateStore:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def load(self, secret_key: str, channel: str) -> AlertState | None:
        item = self._container.read(alert_item_id(secret_key, channel), KIND)
        if item is None:
            item = self._container.read(alert_item_id(secret_key), KIND)
        if item is None:
            return None
        expires_on = item.get("expiresOn")
        return AlertState(
            finding=item["finding"],
            changed_at=dt.datetime.fromisoformat(item["changedAt"]),
            expires_on=dt.datetime.fromisoformat(expires_on) if expires_on else None,
        )

    def save(self, secret_key: str, channel: str, state: AlertState) -> None:
        self._container.upsert(_item(secret_key, channel, state))


def _item(secret_key: str, channel: str, state: AlertState) -> dict[str, Any]:
    return {
        "id": alert_item_id(secret_key, channel),
        "kind": KIND,
        "secretKey": secret_key,
        "channel": channel,
        "finding": state.finding,
        "changedAt": state.changed_at.isoformat(),
        "expiresOn": state.expires_on.isoformat() if state.expires_on else None,
    }
