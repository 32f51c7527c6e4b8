"""Timing and memory helpers shared by the benchmark modules."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    name: str
    runs: int
    p50_ms: float
    p95_ms: float
    target_p95_ms: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target_p95_ms is None:
            return ""
        return "ok" if self.p95_ms <= self.target_p95_ms else "MISSED"


def measure(
    name: str,
    action: Callable[[int], Any],
    runs: int = 200,
    warmup: int = 10,
    target_p95_ms: float | None = None,
    note: str = "",
) -> Result:
    """Call action(i) `runs` times after a warm-up; report p50 and p95 in milliseconds."""
    for i in range(warmup):
        action(i)
    timings = []
    for i in range(runs):
        started = time.perf_counter()
        action(warmup + i)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return Result(name, runs, statistics.median(timings), p95, target_p95_ms, note)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_table(title: str, results: list[Result]) -> None:
    print(f"\n## {title}\n")
    print("| operation | runs | p50 ms | p95 ms | target p95 ms | verdict | note |")
    print("|---|---:|---:|---:|---:|---|---|")
    for r in results:
        target = f"{r.target_p95_ms:g}" if r.target_p95_ms is not None else ""
        print(
            f"| {r.name} | {r.runs} | {r.p50_ms:.2f} | {r.p95_ms:.2f} | {target} |"
            f" {r.verdict} | {r.note} |"
        )
