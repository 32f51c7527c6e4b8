"""Admin routes for secrets and Customer Insights: check a secret, turn Insights on or off."""

from __future__ import annotations

from typing import Any

import azure.functions as func

from functions.http_support import Access, ApiRequest, endpoint
from functions.route_values import legal_entity, route_id
from shared.domain.model_base import DomainModel
from shared.domain.parameters import ClientelingParameters

bp = func.Blueprint()
ADMIN = {"access": Access.ADMIN, "tag": "admin: secrets and Insights"}


class SecretHealthBody(DomainModel):
    name: str
    reference: str
    readable: bool
    enabled: bool | None
    expires_on: str | None
    days_left: int | None
    problem: str | None


class InsightsEnabled(DomainModel):
    parameters: ClientelingParameters
    steps: list[dict[str, Any]]


@endpoint(
    bp,
    name="admin_validate_secret",
    route="admin/{legalEntity}/key-vault/secrets/{name}/validate",
    method="POST",
    summary="Can the app read this secret? Returns expiry and days left, never the value",
    response_model=SecretHealthBody,
    **ADMIN,
)
def validate_secret(request: ApiRequest) -> SecretHealthBody:
    health = request.services.insights_admin.secret_health(
        legal_entity(request), route_id(request, "name")
    )
    return SecretHealthBody(**health.__dict__)


@endpoint(
    bp,
    name="admin_enable_insights",
    route="admin/{legalEntity}/insights/enable",
    method="POST",
    response_model=InsightsEnabled,
    summary="Validate the Insights setup end to end and turn it on; on failure it stays off",
    problem_statuses=(422,),
    **ADMIN,
)
def enable_insights(request: ApiRequest) -> InsightsEnabled:
    parameters, steps = request.services.insights_admin.enable(legal_entity(request))
    return InsightsEnabled(parameters=parameters, steps=steps)


@endpoint(
    bp,
    name="admin_disable_insights",
    route="admin/{legalEntity}/insights/disable",
    method="POST",
    response_model=ClientelingParameters,
    summary="Turn Insights off (no validation needed)",
    **ADMIN,
)
def disable_insights(request: ApiRequest) -> ClientelingParameters:
    return request.services.insights_admin.disable(legal_entity(request))
