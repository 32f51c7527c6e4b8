"""`make flex-cost`: throughput and CPU per POS read on Cosmos DB one region round trip away.

    python -m tests.bench.flex_cost [--levels 1,4,8,16,16:5] [--seconds 20] [--delay-ms 5]

A level is N (N clients, N worker threads) or N:T (N clients, T threads: the worker
queues what its threads cannot take).

Starts the local Cosmos DB test server, a delay proxy in front of it (tests/bench/delay_proxy.py,
5 ms per request: a round trip within a region), seeds it like `make load`, then for each
level runs one app process on a thread pool of T (tests/bench/flex_app.py, the Python
worker's PYTHON_THREADPOOL_THREAD_COUNT) under N POS clients doing the read mix of
`make load`. CPU time is read from /proc for the app process alone, before and after each
measured window, so CPU ms per request is the worker's own cost whatever else runs on the
machine. Prints a table and the Flex Consumption instance-seconds and GB-seconds per million
requests at each level. Loopback only; stops by itself (about 30 s per level plus seeding).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.cosmos.harness import CosmosTestServer, unavailable_reason
from tests.load import seed
from tests.load.stats import Stats, percentile
from tests.load.workload import ACTIVITY_CUSTOMERS, ASSOCIATE_MIX, Associate, Budget, Ledger

READ_KINDS = ("book-page", "store-book", "search", "details", "timeline")
READ_MIX = {kind: ASSOCIATE_MIX[kind] for kind in READ_KINDS}
BOOK_SIZE = 25  # customers in each associate's book
INSTANCE_GB = 2.0  # Flex bills the instance memory size: 2048 MB
START_TIMEOUT_SECONDS = 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Row:
    concurrency: int
    threads: int
    requests: int
    seconds: float
    cpu_seconds: float
    p50_ms: float
    p95_ms: float
    other_cpu_share: float  # CPU of the Cosmos server, the proxy and the clients, in cores
    machine_busy: float  # share of all the machine's CPUs busy (anyone's work)
    cosmos_requests: int  # requests the Cosmos DB server answered in the window
    load_average: float  # the machine's, over the last minute, at the end of the window

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / self.requests

    @property
    def cpu_bound_limit(self) -> float:
        """Requests per second if the worker did nothing but compute (one core, no waiting)."""
        return 1000 / self.cpu_ms

    @property
    def share_of_limit(self) -> float:
        return self.per_second / self.cpu_bound_limit

    @property
    def instance_seconds_per_million(self) -> float:
        """An instance kept at this concurrency serves per_second; Flex bills while it does."""
        return 1_000_000 / self.per_second


class ReadingAssociate(Associate):
    """An associate doing only the reads of the `make load` mix, until the deadline."""

    deadline = 0.0

    def run(self) -> None:
        kinds, weights = zip(*READ_MIX.items(), strict=True)
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            getattr(self, "do_" + kind.replace("-", "_"))()


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (/proc/<pid>/stat utime and stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextmanager
def child(arguments: list[str], env: dict[str, str] | None = None) -> Iterator[tuple[int, str]]:
    """A Python child that prints `READY <value>`; it stops when its standard input closes."""
    process = subprocess.Popen(
        [sys.executable, "-m", *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready: list[str] = []
        reader = threading.Thread(
            target=lambda: ready.append(process.stdout.readline()), daemon=True
        )
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        if not ready or not ready[0].startswith("READY "):
            raise RuntimeError(f"{arguments[0]} did not start: {ready[:1]!r}")
        yield process.pid, ready[0].split()[1]
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Setup:
    env: dict[str, str]  # the app's settings: Cosmos DB through the proxy
    tokens: dict[str, str]
    customers: list[str]
    others: list[int]  # the Cosmos server's and the proxy's process ids (clients: this one)
    args: argparse.Namespace
    server: CosmosTestServer
    database: str

    def cosmos_requests(self) -> int:
        return sum(self.server.request_counts(self.database).values())


def drive(url: str, setup: Setup, clients: int, seconds: float, stats: Stats, ledger: Ledger):
    tokens, customers = setup.tokens, setup.customers
    associates = seed.associate_ids(clients)
    pos = [
        ReadingAssociate(url, tokens[sid], customers, Budget(10**9), stats, ledger, seed=n)
        for n, sid in enumerate(associates)
    ]
    started = time.monotonic()
    for client in pos:
        client.deadline = started + seconds
        client.start()
    for client in pos:
        client.join()
    return time.monotonic() - started


def populate(url: str, tokens: dict[str, str], associates: int, customers: list[str]) -> None:
    """Books of BOOK_SIZE customers each, and one activity on each timeline the reads open."""
    base = f"{url}/api/stores/{seed.STORE}"

    def work(index: int) -> None:
        sid = seed.associate_ids(associates)[index]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[sid]}"
        book = customers[index * BOOK_SIZE : (index + 1) * BOOK_SIZE]
        reply = session.post(f"{base}/client-book/customers", json={"customerIds": book})
        reply.raise_for_status()
        body = {"activityTypeId": "VISIT", "subject": "bench", "startTime": "2026-11-20T15:00:00Z"}
        for customer in customers[index:ACTIVITY_CUSTOMERS:associates]:
            session.post(f"{base}/customers/{customer}/activities", json=body).raise_for_status()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(associates)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def machine_cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return sum(values) - idle, sum(values)


def measure(clients: int, threads: int, setup: Setup) -> Row:
    arguments = ["tests.bench.flex_app", "--threads", str(threads)]
    with child(arguments, setup.env) as (pid, url):
        ledger = Ledger()
        drive(url, setup, clients, setup.args.warmup, Stats(), ledger)
        stats = Stats()
        others = [*setup.others, os.getpid()]
        cpu_before = process_cpu_seconds(pid)
        others_before = sum(process_cpu_seconds(p) for p in others)
        machine_before = machine_cpu_jiffies()
        cosmos_before = setup.cosmos_requests()
        seconds = drive(url, setup, clients, setup.args.seconds, stats, ledger)
        cpu = process_cpu_seconds(pid) - cpu_before
        others_cpu = sum(process_cpu_seconds(p) for p in others) - others_before
        busy, total = (b - a for a, b in zip(machine_before, machine_cpu_jiffies(), strict=True))
        cosmos = setup.cosmos_requests() - cosmos_before
    if ledger.unexpected:
        raise RuntimeError(f"unexpected answers: {ledger.unexpected[:5]}")
    latencies = sorted(v for values in stats.latencies_ms.values() for v in values)
    return Row(
        concurrency=clients,
        threads=threads,
        requests=stats.total,
        seconds=seconds,
        cpu_seconds=cpu,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        other_cpu_share=others_cpu / seconds,
        machine_busy=busy / total,
        cosmos_requests=cosmos,
        load_average=os.getloadavg()[0],
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| concurrency | threads | req/s | CPU ms/req | p50 ms | p95 ms | % of CPU-bound limit "
        "| instance-s per 1M | GB-s per 1M | Cosmos requests per request "
        "| server, proxy and clients, cores | machine busy | load average |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.concurrency} | {r.threads} | {r.per_second:.0f} | {r.cpu_ms:.2f} "
            f"| {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.share_of_limit:.0%} "
            f"| {r.instance_seconds_per_million:,.0f} "
            f"| {r.instance_seconds_per_million * INSTANCE_GB:,.0f} "
            f"| {r.cosmos_requests / r.requests:.1f} | {r.other_cpu_share:.2f} "
            f"| {r.machine_busy:.0%} | {r.load_average:.1f} |"
        )
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,4,8,16,16:5", help="N or N:T, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window per level")
    parser.add_argument("--warmup", type=float, default=4.0, help="unmeasured seconds per level")
    parser.add_argument("--delay-ms", type=float, default=5.0)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument(
        "--version-check-seconds",
        default="0",
        help="PUBLISHED_VERSION_CHECK_SECONDS of the app (0, the default: every request)",
    )
    return parser.parse_args(argv)


def parse_level(text: str) -> tuple[int, int]:
    clients, _, threads = text.partition(":")
    return int(clients), int(threads or clients)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    levels = [parse_level(text) for text in args.levels.split(",")]
    reason = unavailable_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 2
    logging.basicConfig(level=logging.WARNING)
    associates = max(clients for clients, _ in levels)
    with tempfile.TemporaryDirectory(prefix="flex-cost-") as directory:
        state = Path(directory)
        server = CosmosTestServer(state).start()
        # This measures the app's CPU, not request units: the server's query metering reads a
        # container again for every query and would make the stand-in the bottleneck.
        server.meter_queries(False)
        try:
            return _run(server, state, args, levels, associates)
        finally:
            server.stop()


def _run(
    server: CosmosTestServer,
    state: Path,
    args: argparse.Namespace,
    levels: list[tuple[int, int]],
    associates: int,
) -> int:
    from shared.adapters.cosmos.provisioning import provision
    from shared.composition import reset_services
    from shared.localhost.demo import apply_local_settings
    from shared.settings import reset_settings

    database = "flexcost"
    settings = {
        **server.app_settings(database),
        "AUTH_MODE": "local",
        "AUTH_LOCAL_KEY_DIR": str(state / "keys"),
        "LOCAL_STATE_DIR": str(state),
    }
    os.environ.update(settings)
    apply_local_settings(state / "absent.settings.json")
    reset_settings()
    reset_services()
    started = time.monotonic()
    provision(server.cosmos_settings(database))
    seed.seed(associates, args.customers)
    customers = seed.customer_ids(args.customers)
    tokens = seed.tokens(associates)
    assert server.process is not None
    proxy_args = ["tests.bench.delay_proxy", "--target", server.endpoint.split("/")[2]]
    with child([*proxy_args, "--delay-ms", str(args.delay_ms)]) as (proxy_pid, port):
        env = {
            **os.environ,
            "COSMOS_ENDPOINT": f"https://127.0.0.1:{port}/",
            "PUBLISHED_VERSION_CHECK_SECONDS": args.version_check_seconds,
        }
        with child(["tests.bench.flex_app", "--threads", str(associates)], env) as (_, url):
            populate(url, tokens, associates, customers)
        print(
            f"seeded {args.customers} customers, {associates} associates' books and "
            f"{ACTIVITY_CUSTOMERS} timelines in {time.monotonic() - started:.0f} s; "
            f"{args.delay_ms:g} ms added per Cosmos DB request"
        )
        others = [server.process.pid, proxy_pid]
        setup = Setup(env, tokens, customers, others, args, server, database)
        rows = []
        for clients, threads in levels:
            rows.append(measure(clients, threads, setup))
            print(f"{clients} clients, {threads} threads: done", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
