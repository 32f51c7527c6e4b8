"""Distribution watermarks, leases and run history in Cosmos DB, one partition per job.

A job's watermark, lease and runs share its partition, so each is a point read or a
single-partition query, and the lease is taken with an ETag-guarded write.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from shared.adapters.cosmos.database import CosmosContainer
from shared.domain.errors import Conflict, PreconditionFailed
from shared.ports.distribution import DistributionRun

WATERMARK_ID = "watermark"
LEASE_ID = "lease"
RUN_TYPE = "run"
LEASE_ATTEMPTS = 3
RUN_FIELDS = "c.runId, c.jobId, c.trigger, c.startedAt, c.endedAt, c.status, c.counts, c.error"


class CosmosDistributionState:
    def __init__(self, container: CosmosContainer) -> None:
        self._container = container

    def watermark(self, job_id: str) -> int:
        item = self._container.read(WATERMARK_ID, job_id)
        return int(item["changeSeq"]) if item else 0

    def set_watermark(self, job_id: str, change_seq: int) -> None:
        self._container.upsert({"id": WATERMARK_ID, "jobId": job_id, "changeSeq": change_seq})

    def acquire_lease(self, job_id: str, holder: str, now: float, ttl_seconds: float) -> bool:
        """Take the lease unless another holder's is unexpired; racing takers: one wins."""
        lease = {"id": LEASE_ID, "jobId": job_id, "holder": holder, "expiresAt": now + ttl_seconds}
        for _ in range(LEASE_ATTEMPTS):
            current = self._container.read(LEASE_ID, job_id)
            if current is not None and current["holder"] != holder and current["expiresAt"] > now:
                return False
            try:
                if current is None:
                    self._container.create(lease)
                else:
                    self._container.replace(lease, etag=current["_etag"])
                return True
            except (Conflict, PreconditionFailed):
                continue  # someone wrote the lease meanwhile: look at it again
        return False

    def release_lease(self, job_id: str, holder: str) -> None:
        current = self._container.read(LEASE_ID, job_id)
        if current is None or current["holder"] != holder:
            return
        # Taken over after it expired (412): the lease is no longer ours to release.
        with suppress(PreconditionFailed):
            self._container.delete(LEASE_ID, job_id, etag=current["_etag"])

    def save_run(self, run: DistributionRun) -> None:
        self._container.upsert(
            {
                "id": f"{RUN_TYPE}:{run.run_id}",
                "jobId": run.job_id,
                "type": RUN_TYPE,
                "runId": run.run_id,
                "trigger": run.trigger,
                "startedAt": run.started_at,
                "endedAt": run.ended_at,
                "status": run.status,
                "counts": run.counts,
                "error": run.error,
            }
        )

    def runs(self, job_id: str | None, limit: int) -> list[DistributionRun]:
        """Newest first. One job: one partition; all jobs: a fan-out over the few jobs."""
        if limit <= 0:
            return []
        where = "c.type = @type"
        parameters: dict[str, Any] = {"@type": RUN_TYPE}
        if job_id:
            where += " AND c.jobId = @job"
            parameters["@job"] = job_id
        items = self._container.query(
            f"SELECT TOP {int(limit)} {RUN_FIELDS} FROM c WHERE {where}"
            " ORDER BY c.startedAt DESC, c.runId DESC",
            parameters,
            partition_key=job_id or None,
            page_size=min(int(limit), 1000),
        )
        return [_run(i) for i in items]


def _run(item: dict[str, Any]) -> DistributionRun:
    return DistributionRun(
        run_id=item["runId"],
        job_id=item["jobId"],
        trigger=item["trigger"],
        started_at=item["startedAt"],
        ended_at=item.get("endedAt"),
        status=item["status"],
        counts=item.get("counts") or {},
        error=item.get("error"),
    )
