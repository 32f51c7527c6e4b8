"""Secret-expiry alert state: what was last alerted per secret, kept across processes."""

from __future__ import annotations

import datetime as dt

from shared.domain.secret_expiry import AlertState
from tests.contract.conftest import OpenStorage

KEY = "clienteling-kv/insights-client-secret"
CHANGED = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
EXPIRES = dt.datetime(2026, 1, 19, 23, 59, 59, tzinfo=dt.UTC)


def test_alert_state_round_trips_per_secret_and_outlives_the_process(
    open_storage: OpenStorage,
) -> None:
    store = open_storage().alert_state
    assert store.load(KEY) is None
    warned = AlertState("threshold-14", CHANGED, EXPIRES)
    store.save(KEY, warned)
    store.save(f"{KEY}/v2", AlertState("no-expiry", CHANGED))
    assert store.load(KEY) == warned
    resolved = AlertState("healthy", CHANGED + dt.timedelta(days=3), None)
    store.save(KEY, resolved)
    later = open_storage().alert_state  # another process over the same data
    assert later.load(KEY) == resolved
    assert later.load(f"{KEY}/v2") == AlertState("no-expiry", CHANGED)
    assert later.load("clienteling-kv/other") is None
