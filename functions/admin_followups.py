"""Headquarters routes of follow-ups: rules per legal entity (published by job 1110), the
generation run on demand and its records, and the generation timer."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.followup_schemas import (
    FollowupRuleList,
    FollowupRuleResource,
    FollowupRunBody,
    FollowupRunList,
)
from functions.http_support import Access, ApiRequest, ApiResponse, QueryParam, endpoint
from functions.route_values import legal_entity, route_id
from shared.composition import services
from shared.domain.errors import ValidationFailed
from shared.domain.followup_rules import FollowupRule
from shared.domain.followups import MANUAL_RULE
from shared.domain.model_base import LEGAL_ENTITY_PATTERN
from shared.domain.query_values import whole_number
from shared.services.headquarters import Versioned

bp = func.Blueprint()
log = logging.getLogger(__name__)
ADMIN = {"access": Access.ADMIN, "tag": "admin: follow-ups"}
RULES = "admin/{legalEntity}/followup-rules"
MAX_RUNS = 200
LEGAL_ENTITY_QUERY = QueryParam(
    "legalEntity",
    "one legal entity; default: every legal entity with follow-up rules",
    {"type": "string", "pattern": LEGAL_ENTITY_PATTERN},
)


def _rule(found: Versioned[FollowupRule]) -> FollowupRuleResource:
    return FollowupRuleResource(rule_id=found.doc_id, **found.value.model_dump())


@endpoint(
    bp,
    name="admin_list_followup_rules",
    route=RULES,
    method="GET",
    summary="Follow-up rules of a legal entity, enabled or not",
    response_model=FollowupRuleList,
    **ADMIN,
)
def list_rules(request: ApiRequest) -> FollowupRuleList:
    found = request.services.headquarters.followup_rules.list(legal_entity(request))
    return FollowupRuleList(followup_rules=[_rule(r) for r in found])


@endpoint(
    bp,
    name="admin_get_followup_rule",
    route=RULES + "/{ruleId}",
    method="GET",
    summary="One follow-up rule",
    response_model=FollowupRuleResource,
    response_headers=("ETag",),
    **ADMIN,
)
def get_rule(request: ApiRequest) -> ApiResponse:
    found = request.services.headquarters.followup_rules.require(
        legal_entity(request), route_id(request, "ruleId")
    )
    return ApiResponse(_rule(found), etag=found.etag)


@endpoint(
    bp,
    name="admin_put_followup_rule",
    route=RULES + "/{ruleId}",
    method="PUT",
    summary="Create or replace a follow-up rule (reaches the POS with job 1110; disable with"
    " enabled: false)",
    request_model=FollowupRule,
    response_model=FollowupRuleResource,
    headers=("If-Match",),
    response_headers=("ETag",),
    **ADMIN,
)
def put_rule(request: ApiRequest) -> ApiResponse:
    rule = request.json_body(FollowupRule)
    rule_id = route_id(request, "ruleId")
    if rule_id == MANUAL_RULE:
        raise ValidationFailed.single("ruleId", "manual names follow-ups made by hand")
    saved = request.services.headquarters.save_followup_rule(
        legal_entity(request), rule_id, rule, request.if_match()
    )
    return ApiResponse(_rule(saved), etag=saved.etag)


def _legal_entity_query(request: ApiRequest) -> str | None:
    value = request.query_value("legalEntity")
    if value is None:
        return None
    request.route["legalEntity"] = value  # checked like the route value it stands for
    return legal_entity(request)


@endpoint(
    bp,
    name="admin_run_followups",
    route="admin/followups/run",
    method="POST",
    summary="Generate follow-ups now (what the daily timer does); idempotent: a rerun"
    " creates nothing twice",
    response_model=FollowupRunList,
    query=(LEGAL_ENTITY_QUERY,),
    **ADMIN,
)
def run_now(request: ApiRequest) -> FollowupRunList:
    generation = request.services.followup_generation
    entity = _legal_entity_query(request)
    runs = [generation.run(entity, "admin")] if entity else generation.run_all("admin")
    return FollowupRunList(runs=[FollowupRunBody.of(r) for r in runs])


@endpoint(
    bp,
    name="admin_list_followup_runs",
    route="admin/{legalEntity}/followups/runs",
    method="GET",
    summary="Follow-up generation runs, newest first: per rule what was made, what skipped and why",
    response_model=FollowupRunList,
    query=(
        QueryParam(
            "limit",
            f"at most this many (1-{MAX_RUNS}, default 50)",
            {"type": "integer", "minimum": 1, "maximum": MAX_RUNS},
        ),
    ),
    **ADMIN,
)
def list_runs(request: ApiRequest) -> FollowupRunList:
    limit = whole_number(request.query_value("limit"), "limit", 1, MAX_RUNS, default=50)
    runs = request.services.followup_generation.runs(legal_entity(request), limit)
    return FollowupRunList(runs=[FollowupRunBody.of(r) for r in runs])


@bp.function_name(name="followup_generation")
@bp.timer_trigger(schedule="%FOLLOWUPS_SCHEDULE%", arg_name="timer")
def generate_on_schedule(timer: func.TimerRequest) -> None:
    for run in services().followup_generation.run_all("timer"):
        if run.status == "failed":
            log.error("scheduled follow-up generation of %s failed", run.legal_entity)
