"""Run distribution jobs: publish changed headquarters data to the POS read side."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from shared.domain.distribution import JOBS, DistributionJob
from shared.domain.errors import NotFound
from shared.ports.clock import Clock, iso
from shared.ports.distribution import DistributionRun
from shared.ports.documents import PublishedDocument, StoredDocument
from shared.ports.storage import Storage
from shared.telemetry.events import emit, event_logger
from shared.telemetry.fields import Event, Field

log = logging.getLogger(__name__)
_events = event_logger("distribution")

BATCH_SIZE = 500
LEASE_SECONDS = 600.0
MAX_ERROR_TEXT = 500


def job(job_id: str) -> DistributionJob:
    found = JOBS.get(job_id)
    if found is None:
        raise NotFound(f"no distribution job {job_id!r}; jobs are {', '.join(JOBS)}")
    return found


def _project(job_def: DistributionJob, doc: StoredDocument) -> PublishedDocument:
    published_kind, projection = job_def.sources[doc.kind]
    return PublishedDocument(doc.legal_entity, published_kind, doc.doc_id, projection(doc.body))


def _report(run: DistributionRun, started: float) -> None:
    """One event per run, for the operations workbook's last run of each job."""
    emit(
        _events,
        Event.DISTRIBUTION_RUN,
        {
            Field.JOB_ID: run.job_id,
            Field.RUN_ID: run.run_id,
            Field.RUN_STATUS: run.status,
            Field.TRIGGER: run.trigger,
            Field.PUBLISHED: run.counts.get("published", 0),
            Field.DURATION_MS: round((time.perf_counter() - started) * 1000, 1),
        },
        "distribution job %s %s: %s",
        run.job_id,
        run.status,
        run.counts,
        level=logging.ERROR if run.status == "failed" else logging.INFO,
    )


class DistributionService:
    def __init__(
        self, storage: Storage, clock: Clock, on_published: Callable[[], None] = lambda: None
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._on_published = on_published

    def run(self, job_id: str, trigger: str) -> DistributionRun:
        """Publish what changed since the job's watermark; one run at a time per job.

        The watermark moves after each batch is published, so a run that dies halfway resumes
        from the last full batch, and republishing an identical body writes nothing.
        """
        job_def = job(job_id)
        started = time.perf_counter()
        state = self._storage.distribution
        run = DistributionRun(uuid.uuid4().hex, job_id, iso(self._clock.now()), trigger)
        if not state.acquire_lease(
            job_id, run.run_id, self._clock.now().timestamp(), LEASE_SECONDS
        ):
            run.status, run.error = "skipped", "another run of this job is in progress"
            run.ended_at = run.started_at
            state.save_run(run)
            _report(run, started)
            return run
        state.save_run(run)
        try:
            run.counts = self._publish_changes(job_def)
            run.status = "succeeded"
        except Exception as problem:  # a run record must say what failed, whatever it was
            log.exception("distribution job %s failed", job_id)
            run.status = "failed"
            run.error = f"{type(problem).__name__}: {problem}"[:MAX_ERROR_TEXT]
        finally:
            state.release_lease(job_id, run.run_id)
            run.ended_at = iso(self._clock.now())
            state.save_run(run)
        if run.counts.get("published"):
            self._on_published()
        _report(run, started)
        return run

    def _publish_changes(self, job_def: DistributionJob) -> dict[str, int]:
        state = self._storage.distribution
        watermark = state.watermark(job_def.job_id)
        read = published = 0
        while True:
            batch = self._storage.headquarters.changed_since(
                job_def.source_kinds, watermark, BATCH_SIZE
            )
            if not batch:
                break
            published += self._storage.published.publish([_project(job_def, d) for d in batch])
            read += len(batch)
            watermark = batch[-1].change_seq
            state.set_watermark(job_def.job_id, watermark)
        return {"read": read, "published": published, "watermark": watermark}

    def runs(self, job_id: str | None = None, limit: int = 50) -> list[DistributionRun]:
        if job_id is not None:
            job(job_id)
        return self._storage.distribution.runs(job_id, limit)
