"""`make capacity`: the request-unit plan for a retailer profile, with its budgets checked.

    python -m tests.capacity [--quick]

Runs the POS routes of `make load` through the app on the local Cosmos DB test server (on
127.0.0.1, started and stopped here) at three sample sizes, turns what the server metered
into RU (tests/capacity/ru_model.py), fits how each route grows and prints the plan at the
profile (tests/capacity/plan.py). Exits 1 when a budget is broken, 2 when it cannot run.

With COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY set, the same scenario also runs, scaled down,
against that account, and the RU it reports per route (x-ms-request-charge) are printed
beside the model's for the same size. docs/cosmos-scale.md explains the figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.adapters.cosmos.client import close_clients
from shared.adapters.cosmos.provisioning import drop, provision
from tests.capacity import scenario
from tests.capacity.charges import Charge, recorded_charges
from tests.capacity.plan import build_plan, report
from tests.capacity.ru_model import MODEL
from tests.cosmos.harness import CosmosTarget, CosmosTestServer, RealCosmos, unavailable_reason

QUICK_SAMPLES = (
    scenario.Sample(200, 40, 150),
    scenario.Sample(600, 100, 300),
    scenario.Sample(1000, 150, 500),
)


def _database(target: CosmosTarget) -> str:
    name = f"capacity-{uuid.uuid4().hex[:10]}"
    provision(target.cosmos_settings(name))
    return name


def measure_local(
    server: CosmosTestServer, work: Path, samples: tuple[scenario.Sample, ...]
) -> dict[scenario.Sample, dict[str, list[dict[str, Any]]]]:
    database = _database(server)
    try:
        return scenario.run_samples(
            server.app_settings(database),
            work,
            samples,
            scenario.metered_by(server, database),
            seeding=lambda on: server.meter_queries(not on),
        )
    finally:
        drop(server.cosmos_settings(database))


def measure_real(
    account: RealCosmos, work: Path, samples: tuple[scenario.Sample, ...]
) -> dict[scenario.Sample, dict[str, list[Charge]]]:
    database = _database(account)

    def measure(call: scenario.Call) -> list[Charge]:
        with recorded_charges() as charges:
            call()
        return list(charges)

    try:
        return scenario.run_samples(account.app_settings(database), work, samples, measure)
    finally:
        drop(account.cosmos_settings(database))


def side_by_side(
    modelled: Mapping[str, list[dict[str, Any]]], measured: Mapping[str, list[Charge]]
) -> str:
    lines = [f"  {'route':<16} {'model RU':>10} {'measured RU':>12} {'measured/model':>15}"]
    for name, records in modelled.items():
        model = sum(MODEL.request_units(r) for r in records)
        real = sum(c.request_units for c in measured.get(name, []))
        ratio = f"{real / model:.2f}" if model else "-"
        lines.append(f"  {name:<16} {model:>10.1f} {real:>12.1f} {ratio:>15}")
    return "\n".join(lines)


def _average(records: list[dict[str, Any]], container: str, field: str, per: str) -> float:
    hits = [r for r in records if r["container"] == container and r.get(field)]
    total = sum(r[field] for r in hits)
    count = sum(max(r.get(per, 1), 1) for r in hits) if per else len(hits)
    return total / count if count else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples (a smoke run)")
    args = parser.parse_args(argv)
    samples = QUICK_SAMPLES if args.quick else scenario.LOCAL_SAMPLES
    reason = unavailable_reason()
    if reason is not None:
        print(f"make capacity cannot run: {reason}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="capacity-") as directory:
        work = Path(directory)
        server = CosmosTestServer(work).start()
        try:
            measured = measure_local(server, work / "local", samples)
            account = RealCosmos.from_environment()
            comparison = None
            if account is not None:
                small = scenario.REAL_SAMPLES
                modelled = measure_local(server, work / "local-small", small)[small[0]]
                real = measure_real(account, work / "real", small)[small[0]]
                comparison = side_by_side(modelled, real)
        finally:
            close_clients()
            server.stop()
    largest = measured[max(measured, key=lambda s: s.customers)]
    plan = build_plan(
        measured,
        customer_bytes=_average(largest["details"], "customers", "bytesRead", "") or 800.0,
        holder_bytes=350.0,
    )
    print(report(plan))
    if comparison is not None:
        print(f"\nModel and a real account, side by side ({scenario.REAL_SAMPLES[0]}):")
        print(comparison)
    print(f"\n(measured in {time.perf_counter() - started:.0f} s)")
    return 1 if plan.broken else 0


if __name__ == "__main__":
    sys.exit(main())
