"""`make load`: the local host on loopback under concurrent POS clients, then the invariants.

    python -m tests.load.run [--requests 20000] [--associates 50] [--customers 5000]

Prints throughput and p50/p95/p99 per operation kind; exits non-zero on any 5xx, any answer
a client did not expect, or a broken invariant. Talks to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import requests

from tests.fuzz.running_app import running_app
from tests.load import invariants, seed
from tests.load.stats import Stats
from tests.load.workload import Associate, Budget, Ledger, Manager


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--associates", type=int, default=50)
    parser.add_argument("--customers", type=int, default=5_000)
    return parser.parse_args(argv)


def _drive(base: str, args: argparse.Namespace, stats: Stats, ledger: Ledger) -> float:
    tokens = seed.tokens(args.associates)
    customers = seed.customer_ids(args.customers)
    associates = seed.associate_ids(args.associates)
    budget = Budget(args.requests)
    clients = [
        Associate(base, tokens[sid], customers, budget, stats, ledger, seed=n)
        for n, sid in enumerate(associates)
    ]
    clients += [
        Manager(
            base,
            tokens[sid],
            customers,
            budget,
            stats,
            ledger,
            seed=1000 + n,
            associates=associates,
        )
        for n, sid in enumerate(seed.MANAGERS)
    ]
    started = time.perf_counter()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING)
    stats, ledger = Stats(), Ledger()
    started = time.perf_counter()
    with running_app(lambda: seed.seed(args.associates, args.customers)) as app:
        print(
            f"seeded {args.customers} customers, {args.associates} associates "
            f"in {time.perf_counter() - started:.1f} s"
        )
        seconds = _drive(app.url, args, stats, ledger)
        print(stats.table(seconds))
        checker = requests.Session()
        checker.headers["Authorization"] = f"Bearer {seed.tokens(args.associates)['M001']}"
        problems = [
            *ledger.unexpected[:20],
            *invariants.one_book_per_customer(app.state_dir / "clienteling.db", checker, app.url),
            *invariants.activities_recorded_once(ledger, checker, app.url),
        ]
    made = sum(len(ids) for ids in ledger.activities.values())
    retried = sum(1 for answers in ledger.answers_by_key.values() if len(answers) > 1)
    print(f"activities acknowledged: {made}; sent twice with one key: {retried}")
    for problem in problems:
        print("PROBLEM:", problem)
    print("invariants:", "broken" if problems else "hold")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
