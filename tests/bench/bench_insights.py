"""Customer Insights on cards: my book's first page (50 cards) through the HTTP functions,
with Insights off, on against a local platform answering each call in 50 ms, and on with the
platform down (breaker open).

Run with `make bench BENCH=insights`. The platform and Entra ID stand-ins listen on 127.0.0.1
over TLS; the embedded store lives in a temporary directory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.composition import reset_services
from shared.settings import reset_settings
from tests.bench.measure import Result, measure, print_table
from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.tls import TlsFiles, make_tls_files
from tests.insights.insights_scenario import ALTERNATE_ID, APP_ID, CATALOG, ENVIRONMENT_ID
from tests.support.api_client import ApiClient, Reply
from tests.support.card_insights import name_the_secret, turn_off, turn_on, write_local_secret
from tests.support.world import World, add_to_book, pos_path

SECRET = "bench-client-secret"
LATENCY_SECONDS = 0.05
PAGE = 50
RUNS = 100
MEASURES = ["ChurnRisk", "LifetimeSpend"]
MY_BOOK = pos_path("S1", "client-book/customers")
BREAKER_THRESHOLD = 5


def _environment(directory: Path, tls: TlsFiles, identity: FakeIdentityProvider) -> None:
    os.environ.update(
        {
            "STORE_KIND": "sqlite",
            "SQLITE_PATH": str(directory / "bench.sqlite"),
            "AUTH_MODE": "local",
            "AUTH_LOCAL_KEY_DIR": str(directory / "keys"),
            "LOCAL_STATE_DIR": str(directory),
            "SECRETS_MODE": "local",
            "LOCAL_SECRETS_FILE": str(directory / "secrets.json"),
            "INSIGHTS_AUTHORITY_HOST": identity.authority_host,
            "OUTBOUND_TLS_CA_BUNDLE": str(tls.ca_cert),
        }
    )
    for name in ("AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CONTINUATION_TOKEN_KEY"):
        os.environ.pop(name, None)
    write_local_secret(directory / "secrets.json", SECRET)


def _restart(cache_seconds: str) -> None:
    """New services, as a new process would have: no client, token or cached measures."""
    os.environ["INSIGHTS_CACHE_SECONDS"] = cache_seconds
    reset_settings()
    reset_services()


@contextmanager
def _stand_ins(directory: Path) -> Iterator[tuple[TlsFiles, FakeIdentityProvider, Any]]:
    tls = make_tls_files(directory)
    identity = FakeIdentityProvider(tls, APP_ID, {SECRET})
    platform = FakeCustomerInsights(tls, identity, ALTERNATE_ID, ENVIRONMENT_ID, CATALOG)
    for n in range(1, PAGE + 11):
        platform.add(f"UC{n:03d}", f"ci-{n}", ChurnRisk=n / 100, LifetimeSpend=n * 10)
    identity.server.start()
    platform.server.start()
    try:
        yield tls, identity, platform
    finally:
        platform.server.stop()
        identity.server.stop()


def _first_page(world: World, expected_status: str) -> Any:
    alice = world.as_staff("alice")

    def read(_: int) -> None:
        reply: Reply = alice.get(MY_BOOK, params={"pageSize": PAGE})
        cards = reply.json["customers"] if reply.status == 200 else []
        if len(cards) != PAGE or cards[0]["insights"]["status"] != expected_status:
            raise RuntimeError(f"unexpected page: {reply}")

    return read


def _runs(world: World, platform: FakeCustomerInsights) -> list[Result]:
    off = measure("my book, first page, Insights off", _first_page(world, "disabled"), RUNS)
    turn_on(world, platform, MEASURES)
    platform.latency = LATENCY_SECONDS
    _restart(cache_seconds="0")
    before = len(platform.data_requests())
    on = measure(
        "my book, first page, Insights on (every page asks)",
        _first_page(world, "ok"),
        RUNS,
        target_p95_ms=150,
        note=f"{LATENCY_SECONDS * 1000:.0f} ms per platform call",
    )
    calls = (len(platform.data_requests()) - before) / (RUNS + 10)
    on.note += f"; {calls:.1f} calls per page"
    _restart(cache_seconds="300")
    cached = measure("my book, first page, Insights on (answers cached)", _first_page(world, "ok"))
    platform.server.stop()
    _restart(cache_seconds="0")
    down = measure(
        "my book, first page, platform down (breaker open)",
        _first_page(world, "unavailable"),
        RUNS,
        warmup=BREAKER_THRESHOLD + 5,
        target_p95_ms=off.p95_ms + 10,
        note="target: Insights off + 10 ms",
    )
    turn_off(world)
    return [off, on, cached, down]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-insights-") as name:
        directory = Path(name)
        with _stand_ins(directory) as (tls, identity, platform):
            _environment(directory, tls, identity)
            _restart(cache_seconds="300")
            import function_app

            key = LocalSigningKey.load_or_create(directory / "keys")
            world = World(ApiClient(function_app.app), key)
            name_the_secret(world)
            world.build(customers_per_entity=PAGE + 10)
            add_to_book(world, "alice", [f"UC{n:03d}" for n in range(1, PAGE + 11)], "S1")
            results = _runs(world, platform)
            reset_services()
    print_table("Insights on cards (embedded store, local platform over TLS)", results)


if __name__ == "__main__":
    main()
