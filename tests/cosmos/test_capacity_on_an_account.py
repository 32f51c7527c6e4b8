"""`make capacity`'s real-account path, run against the local server answering set charges:
the scenario reads every response's x-ms-request-charge and sets it beside the model."""

from __future__ import annotations

from pathlib import Path

from tests.capacity import scenario
from tests.capacity.__main__ import measure_real, side_by_side
from tests.cosmos.harness import CosmosTestServer, RealCosmos

TINY = scenario.Sample(60, 6, 20)  # 38 customers left free for the adds


def test_the_scenario_on_an_account_reports_what_each_route_was_charged(
    local_server: CosmosTestServer, tmp_path: Path
) -> None:
    account = RealCosmos(
        local_server.endpoint, "bG9jYWwgY29zbW9zIHRlc3Qgc2VydmVy", local_server.ca_bundle
    )
    local_server.set_charges({"read": 1.0, "query": 3.0, "batch": 50.0})
    try:
        measured = measure_real(account, tmp_path, (TINY,))[TINY]
    finally:
        local_server.set_charges({})
    assert set(measured) >= {"details", "search", "book-page", "store-book", "add 10", "reassign"}
    search = measured["search"]
    assert [c.request_units for c in search if c.operation == "query"]
    assert all(c.request_units == 3.0 for c in search if c.operation == "query")
    # the claims in the holder registry, then the memberships in the book
    assert sum(c.request_units for c in measured["add 10"] if c.operation == "batch") == 100.0
    modelled = {"search": [], "add 10": []}
    table = side_by_side(modelled, measured)
    assert "search" in table and "add 10" in table
