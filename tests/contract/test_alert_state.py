"""Secret-expiry alert state: what each channel was last sent per secret, kept across
processes, and read for every channel from a state kept before delivery was per channel."""

from __future__ import annotations

import datetime as dt

from shared.adapters.cosmos.alert_state import KIND, alert_item_id
from shared.adapters.cosmos.storage import CosmosStorage
from shared.adapters.sqlite.storage import SqliteStorage
from shared.domain.secret_expiry import AlertState
from shared.ports.storage import Storage
from tests.contract.conftest import OpenStorage

KEY = "clienteling-kv/insights-client-secret"
CHANGED = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
EXPIRES = dt.datetime(2026, 1, 19, 23, 59, 59, tzinfo=dt.UTC)


def test_alert_state_round_trips_per_secret_and_channel_and_outlives_the_process(
    open_storage: OpenStorage,
) -> None:
    store = open_storage().alert_state
    assert store.load(KEY, "pagerduty") is None
    warned = AlertState("threshold-14", CHANGED, EXPIRES)
    store.save(KEY, "pagerduty", warned)
    store.save(f"{KEY}/v2", "pagerduty", AlertState("no-expiry", CHANGED))
    assert store.load(KEY, "pagerduty") == warned
    assert store.load(KEY, "webhook") is None  # a channel that has not taken it yet
    resolved = AlertState("healthy", CHANGED + dt.timedelta(days=3), None)
    store.save(KEY, "pagerduty", resolved)
    store.save(KEY, "webhook", warned)
    later = open_storage().alert_state  # another process over the same data
    assert later.load(KEY, "pagerduty") == resolved
    assert later.load(KEY, "webhook") == warned
    assert later.load(f"{KEY}/v2", "pagerduty") == AlertState("no-expiry", CHANGED)
    assert later.load(f"{KEY}/v2", "webhook") is None
    assert later.load("clienteling-kv/other", "pagerduty") is None


def test_a_state_kept_before_delivery_was_per_channel_counts_for_every_channel(
    storage: Storage,
) -> None:
    # Written when any channel took the alert: an upgrade must neither alert again nor
    # forget to resolve what was alerted.
    alerted = AlertState("threshold-7", CHANGED, EXPIRES)
    _save_state_of_old(storage, KEY, alerted)
    store = storage.alert_state
    assert store.load(KEY, "pagerduty") == alerted
    assert store.load(KEY, "teams") == alerted

    resolved = AlertState("healthy", CHANGED + dt.timedelta(days=1))
    store.save(KEY, "pagerduty", resolved)
    assert store.load(KEY, "pagerduty") == resolved
    assert store.load(KEY, "teams") == alerted
    assert store.load("clienteling-kv/other", "teams") is None


def _save_state_of_old(storage: Storage, key: str, state: AlertState) -> None:
    """What the adapters wrote before delivery was kept per channel: one record per secret."""
    expires = state.expires_on.isoformat() if state.expires_on else None
    if isinstance(storage, SqliteStorage):
        with storage.db.transaction() as conn:
            conn.execute(
                "INSERT INTO alert_state(secret_key, finding, changed_at, expires_on)"
                " VALUES (?,?,?,?)",
                (key, state.finding, state.changed_at.isoformat(), expires),
            )
    else:
        assert isinstance(storage, CosmosStorage)
        storage.database.container("operations").upsert(
            {
                "id": alert_item_id(key),
                "kind": KIND,
                "secretKey": key,
                "finding": state.finding,
                "changedAt": state.changed_at.isoformat(),
                "expiresOn": expires,
            }
        )
