"""Distribution bookkeeping: watermarks, leases and run history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class DistributionRun:
    run_id: str
    job_id: str
    started_at: str
    trigger: str
    ended_at: str | None = None
    status: str = "running"  # running | succeeded | failed | skipped
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


class DistributionState(Protocol):
    def watermark(self, job_id: str) -> int: ...

    def set_watermark(self, job_id: str, change_seq: int) -> None: ...

    def acquire_lease(self, job_id: str, holder: str, now: float, ttl_seconds: float) -> bool:
        """Take the job's lease unless another holder has an unexpired one."""
        ...

    def release_lease(self, job_id: str, holder: str) -> None: ...

    def save_run(self, run: DistributionRun) -> None: ...

    def runs(self, job_id: str | None, limit: int) -> list[DistributionRun]: ...
