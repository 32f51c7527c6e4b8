"""Customer Insights on cards: my book's first page (50 cards) through the HTTP functions,
with Insights off, on against a local platform answering each call in 50 ms, and on with the
platform down (breaker open).

Run with `make bench BENCH=insights`. The platform and Entra ID stand-ins listen on 127.0.0.1
over TLS in a child process (see insights_stand_ins); the embedded store lives in a temporary
directory. With the platform on, answers are not cached, so every page asks it.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from subprocess import PIPE
from typing import Any

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.composition import reset_services
from shared.settings import reset_settings
from tests.bench.measure import Result, measure, print_table
from tests.support.api_client import ApiClient, Reply
from tests.support.card_insights import name_the_secret, turn_off, turn_on, write_local_secret
from tests.support.world import World, add_to_book, pos_path

SECRET = "bench-client-secret"
LATENCY_SECONDS = 0.05
PAGE = 50
RUNS = 100
CUSTOMERS = PAGE + 10
MEASURES = ["ChurnRisk", "LifetimeSpend"]
MY_BOOK = pos_path("S1", "client-book/customers")
BREAKER_THRESHOLD = 5


class StandIns:
    """The Entra ID and platform stand-ins, running in a child process."""

    def __init__(self, directory: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "tests.bench.insights_stand_ins",
            str(directory),
            str(LATENCY_SECONDS),
            str(CUSTOMERS),
            SECRET,
        ]
        self._process = subprocess.Popen(command, stdin=PIPE, stdout=PIPE, text=True)
        address = json.loads(self._ask(None))
        self.ca_bundle: str = address["caBundle"]
        self.authority_host: str = address["authorityHost"]
        self.org_url: str = address["orgUrl"]

    def calls(self) -> int:
        return int(self._ask("calls"))

    def platform_down(self) -> None:
        self._ask("down")

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=10)

    def _ask(self, command: str | None) -> str:
        assert self._process.stdin and self._process.stdout
        if command:
            self._process.stdin.write(command + "\n")
            self._process.stdin.flush()
        return self._process.stdout.readline()


def _environment(directory: Path, stand_ins: StandIns) -> None:
    os.environ.update(
        {
            "STORE_KIND": "sqlite",
            "SQLITE_PATH": str(directory / "bench.sqlite"),
            "AUTH_MODE": "local",
            "AUTH_LOCAL_KEY_DIR": str(directory / "keys"),
            "LOCAL_STATE_DIR": str(directory),
            "SECRETS_MODE": "local",
            "LOCAL_SECRETS_FILE": str(directory / "secrets.json"),
            "INSIGHTS_AUTHORITY_HOST": stand_ins.authority_host,
            "OUTBOUND_TLS_CA_BUNDLE": stand_ins.ca_bundle,
        }
    )
    for name in ("AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CONTINUATION_TOKEN_KEY"):
        os.environ.pop(name, None)
    write_local_secret(directory / "secrets.json", SECRET)


def _restart(cache_seconds: str, profile_cache_seconds: str = "3600") -> None:
    """New services, as a new process would have: no client, token or cached measures."""
    os.environ["INSIGHTS_CACHE_SECONDS"] = cache_seconds
    os.environ["INSIGHTS_PROFILE_CACHE_SECONDS"] = profile_cache_seconds
    reset_settings()
    reset_services()


def _first_page(world: World, expected_status: str) -> Any:
    alice = world.as_staff("alice")

    def read(_: int) -> None:
        reply: Reply = alice.get(MY_BOOK, params={"pageSize": PAGE})
        cards = reply.json["customers"] if reply.status == 200 else []
        if len(cards) != PAGE or cards[0]["insights"]["status"] != expected_status:
            raise RuntimeError(f"unexpected page: {reply}")

    return read


def _runs(world: World, stand_ins: StandIns) -> list[Result]:
    off = measure("my book, first page, Insights off", _first_page(world, "disabled"), RUNS)
    turn_on(world, stand_ins.org_url, MEASURES)
    cold = _asking("profiles and measures (nothing cached)", world, stand_ins, "0")
    on = _asking("measures (profiles known)", world, stand_ins, "3600")
    _restart(cache_seconds="300")
    cached = measure("my book, first page, Insights on (answers cached)", _first_page(world, "ok"))
    stand_ins.platform_down()
    _restart(cache_seconds="0")
    down = measure(
        "my book, first page, platform down (breaker open)",
        _first_page(world, "unavailable"),
        RUNS,
        warmup=BREAKER_THRESHOLD + 5,
        target_p95_ms=round(off.p95_ms + 10, 1),
        note="target: Insights off + 10 ms",
    )
    turn_off(world)
    return [off, cold, on, cached, down]


def _asking(what: str, world: World, stand_ins: StandIns, profile_seconds: str) -> Result:
    """Every page asks the platform for fresh measures (measures are not cached)."""
    _restart(cache_seconds="0", profile_cache_seconds=profile_seconds)
    before = stand_ins.calls()
    result = measure(
        f"my book, first page, Insights on, asking {what}",
        _first_page(world, "ok"),
        RUNS,
        target_p95_ms=150,
        note=f"{LATENCY_SECONDS * 1000:.0f} ms per platform call",
    )
    result.note += f"; {(stand_ins.calls() - before) / (RUNS + 10):.1f} calls per page"
    return result


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-insights-") as name:
        directory = Path(name)
        stand_ins = StandIns(directory)
        try:
            _environment(directory, stand_ins)
            _restart(cache_seconds="300")
            import function_app

            key = LocalSigningKey.load_or_create(directory / "keys")
            world = World(ApiClient(function_app.app), key)
            name_the_secret(world)
            world.build(customers_per_entity=CUSTOMERS)
            add_to_book(world, "alice", [f"UC{n:03d}" for n in range(1, CUSTOMERS + 1)], "S1")
            # The outage is expected here; its warnings would only clutter the table.
            logging.getLogger("shared").setLevel(logging.ERROR)
            results = _runs(world, stand_ins)
            reset_services()
        finally:
            stand_ins.close()
    print_table("Insights on cards (embedded store, platform stand-in in its own process)", results)


if __name__ == "__main__":
    main()
