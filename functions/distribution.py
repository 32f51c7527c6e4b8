"""Distribution: a timer per job on its schedule setting, and admin routes to run and audit."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.http_support import Access, ApiRequest, QueryParam, endpoint
from functions.route_values import route_id
from functions.schemas import DistributionRunBody, DistributionRunList
from shared.composition import services
from shared.domain.distribution import JOBS
from shared.domain.errors import ValidationFailed
from shared.domain.query_values import whole_number
from shared.ports.distribution import DistributionRun

bp = func.Blueprint()
log = logging.getLogger(__name__)
TAG = "admin: distribution"
MAX_RUNS = 200


def _body(run: DistributionRun) -> DistributionRunBody:
    return DistributionRunBody(
        run_id=run.run_id,
        job_id=run.job_id,
        trigger=run.trigger,
        started_at=run.started_at,
        ended_at=run.ended_at,
        status=run.status,
        counts=run.counts,
        error=run.error,
    )


@endpoint(
    bp,
    name="admin_run_distribution_job",
    route="admin/distribution/{jobId}/run",
    method="POST",
    access=Access.ADMIN,
    tag=TAG,
    summary="Run a distribution job now",
    response_model=DistributionRunBody,
)
def run_job(request: ApiRequest) -> DistributionRunBody:
    run = request.services.distribution.run(route_id(request, "jobId"), trigger="admin")
    return _body(run)


@endpoint(
    bp,
    name="admin_list_distribution_runs",
    route="admin/distribution/runs",
    method="GET",
    access=Access.ADMIN,
    tag=TAG,
    summary="Distribution run history, newest first",
    response_model=DistributionRunList,
    query=(
        QueryParam("jobId", "only this job's runs", {"type": "string", "enum": sorted(JOBS)}),
        QueryParam(
            "limit",
            f"at most this many (1-{MAX_RUNS}, default 50)",
            {"type": "integer", "minimum": 1, "maximum": MAX_RUNS},
        ),
    ),
)
def list_runs(request: ApiRequest) -> DistributionRunList:
    limit = whole_number(request.query_value("limit"), "limit", 1, MAX_RUNS, default=50)
    job_id = request.query_value("jobId")
    if job_id is not None and job_id not in JOBS:
        # A filter, not a resource: an unknown value is a bad request, not a missing page.
        raise ValidationFailed.single("jobId", f"must be one of {', '.join(sorted(JOBS))}")
    runs = request.services.distribution.runs(job_id, limit)
    return DistributionRunList(runs=[_body(r) for r in runs])


def _timer(job_id: str) -> None:
    def run_on_schedule(timer: func.TimerRequest) -> None:
        run = services().distribution.run(job_id, trigger="timer")
        if run.status == "failed":
            log.error("scheduled distribution job %s failed: %s", job_id, run.error)

    name = f"distribution_job_{job_id}"
    run_on_schedule.__name__ = name
    bp.function_name(name=name)(
        bp.timer_trigger(schedule=f"%DISTRIBUTION_{job_id}_SCHEDULE%", arg_name="timer")(
            run_on_schedule
        )
    )


for _job_id in JOBS:
    _timer(_job_id)
