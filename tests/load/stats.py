"""Latencies and statuses per operation kind, merged from every client thread."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


@dataclass
class Stats:
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, elapsed_ms: float) -> None:
        with self._lock:
            self.latencies_ms[kind].append(elapsed_ms)
            self.statuses[kind][status] += 1

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies_ms.values())

    def table(self, seconds: float) -> str:
        lines = [
            f"{self.total} requests in {seconds:.1f} s: {self.total / seconds:.0f} requests/s",
            f"{'kind':16} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses",
        ]
        for kind in sorted(self.latencies_ms):
            values = sorted(self.latencies_ms[kind])
            statuses = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses[kind].items()))
            lines.append(
                f"{kind:16} {len(values):6d} {percentile(values, 0.50):8.1f} "
                f"{percentile(values, 0.95):8.1f} {percentile(values, 0.99):8.1f}  {statuses}"
            )
        return "\n".join(lines)
