"""Response shapes of the admin and operational routes (request shapes are domain models)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.domain.activity_types import ActivityType
from shared.domain.attributes import AttributeGroup
from shared.domain.model_base import DomainModel


class Health(DomainModel):
    status: str = Field(
        description="ok, or degraded when storage cannot be reached or a setting is unusable"
    )
    version: str
    storage: str
    missing_settings: list[str] = Field(
        default_factory=list,
        description="app settings (names only) without a usable value; routes needing them"
        " answer 503 setting-unavailable",
    )


class AttributeGroupResource(AttributeGroup):
    group_id: str


class AttributeGroupList(DomainModel):
    attribute_groups: list[AttributeGroupResource]


class ActivityTypeResource(ActivityType):
    activity_type_id: str


class ActivityTypeList(DomainModel):
    activity_types: list[ActivityTypeResource]


class ImportRejection(DomainModel):
    index: int
    id: str | None
    errors: list[dict[str, str]]


class ImportReportBody(DomainModel):
    kind: str
    received: int
    accepted: int
    rejected: int
    written: int
    rejections: list[ImportRejection]
    rejections_not_shown: int


class DistributionRunBody(DomainModel):
    run_id: str
    job_id: str
    trigger: str
    started_at: str
    ended_at: str | None
    status: str
    counts: dict[str, Any]
    error: str | None


class DistributionRunList(DomainModel):
    runs: list[DistributionRunBody]
