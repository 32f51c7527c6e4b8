"""`make soak`: the local host under sustained use, every request on a new connection (as
curl sends them), with the host's open files, threads and memory watched from /proc.

    python -m tests.soak.run [--requests 20000] [--clients 4] [--open-files 256]

The host runs in a process of its own, with a low open-file limit (a laptop's); a warm-up
fills its caches and pools first. Afterwards the open files, threads and RSS must be where
they were after the warm-up, every answer must have been the right one, and every activity
acknowledged must be on its timeline, once. Exits non-zero otherwise. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.soak.process_figures import Figures, figures, open_file_limit
from tests.soak.workload import Caller, Tally, drive, recorded_activities

WARM_UP_REQUESTS = 500
STARTUP_SECONDS = 120
SETTLE_SECONDS = 10  # for the last connections' threads to end after their callers closed
# What "flat" allows. Each client may hold one connection (a thread, a SQLite connection and
# its files) when the figures are read, and SQLite keeps a closed connection's database file
# open for reuse while others hold locks on it; a leak of one file per request is thousands.
OPEN_FILES_PER_CLIENT = 3
SLACK_OPEN_FILES = 4
RSS_GROWTH_KIB = 24 * 1024


@dataclass(frozen=True)
class Verdict:
    open_file_limit: int  # the host's, as /proc shows it
    before: Figures
    after: Figures
    seconds: float
    requests: int  # answered (a broken run stops early)
    problems: list[str]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4, help="callers at once")
    parser.add_argument(
        "--open-files", type=int, default=256, help="the host's open-file limit (0: inherit)"
    )
    return parser.parse_args(argv)


@contextmanager
def host_process(open_files: int) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """The local host in its own process: (process, base URL, bearer token)."""
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.soak.host", "--open-files", str(open_files)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                log.seek(0)
                raise RuntimeError(f"the host did not start:\n{log.read()[-3000:]}")
            ready = json.loads(line)
            yield process, ready["url"], ready["token"]
        finally:
            if process.stdin is not None:
                process.stdin.close()  # the host stops when its input closes
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode:
                log.seek(0)
                print(f"host log (exit {process.returncode}):\n{log.read()[-3000:]}")


def _settled(pid: int, baseline: Figures) -> Figures:
    """The figures once the threads of connections already closed have ended."""
    deadline = time.monotonic() + SETTLE_SECONDS
    now = figures(pid)
    while now.threads > baseline.threads and time.monotonic() < deadline:
        time.sleep(0.1)
        now = figures(pid)
    return now


def soak(requests: int, clients: int, open_files: int, warm_up: int = WARM_UP_REQUESTS) -> Verdict:
    with host_process(open_files) as (process, url, token):
        limit = open_file_limit(process.pid)
        caller = Caller(url, token)
        warm = Tally()
        drive(caller, 0, warm_up, clients, warm)
        idle = figures(process.pid)
        before = _settled(process.pid, Figures(0, idle.threads, 0))
        tally = Tally()
        started = time.perf_counter()
        drive(caller, warm_up, requests, clients, tally)
        seconds = time.perf_counter() - started
        after = _settled(process.pid, before)
        problems = [*warm.wrong, *tally.wrong]
        if tally.wrong_count:
            answered = sum(tally.answered.values())
            problems.append(f"{tally.wrong_count} of {answered} answers were wrong (stopped)")
        problems += _flatness(before, after, clients)
        if not problems:  # reading every timeline of a broken host would only time out
            problems += _activities_recorded_once(caller, warm, tally)
    return Verdict(limit, before, after, seconds, sum(tally.answered.values()), problems)


def _flatness(before: Figures, after: Figures, clients: int) -> list[str]:
    problems = []
    if after.open_files > before.open_files + OPEN_FILES_PER_CLIENT * clients + SLACK_OPEN_FILES:
        problems.append(f"open files grew: {before.open_files} -> {after.open_files}")
    if after.threads > before.threads:
        problems.append(f"threads grew: {before.threads} -> {after.threads}")
    if after.rss_kib > before.rss_kib + RSS_GROWTH_KIB:
        problems.append(f"RSS grew: {before.rss_kib} KiB -> {after.rss_kib} KiB")
    return problems


def _activities_recorded_once(caller: Caller, *tallies: Tally) -> list[str]:
    acknowledged: dict[str, set[str]] = {}
    for tally in tallies:
        for customer, ids in tally.activities.items():
            acknowledged.setdefault(customer, set()).update(ids)
    recorded = recorded_activities(caller)
    return [
        f"{customer}: {len(ids)} activities acknowledged, "
        f"{len(ids & recorded.get(customer, set()))} of them on the timeline"
        for customer, ids in sorted(acknowledged.items())
        if not ids <= recorded.get(customer, set())
    ]


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    print(f"soak: {args.requests} requests, each on a new connection, {args.clients} at once,")
    print(f"      after {WARM_UP_REQUESTS} to warm up; the host in a process of its own")
    verdict = soak(args.requests, args.clients, args.open_files)
    print(f"host's open-file limit: {verdict.open_file_limit}")
    print(f"before: {verdict.before}")
    print(f"after:  {verdict.after}")
    print(f"{verdict.requests} requests in {verdict.seconds:.1f} s: {verdict.per_second:.0f} req/s")
    for problem in verdict.problems:
        print("PROBLEM:", problem)
    print("sustained use:", "broken" if verdict.problems else "flat, every answer right")
    return 1 if verdict.problems else 0


if __name__ == "__main__":
    sys.exit(main())
