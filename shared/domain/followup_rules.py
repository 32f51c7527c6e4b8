"""Follow-up rules: what headquarters asks associates to follow up on, per legal entity.

Four kinds, each with its own range for `days`:
- important-date: a birthday, anniversary or date attribute of the client-book attribute
  group falls in `days` (0-60) days;
- keep-in-touch: no activity of the selected types (any type when none are selected) for
  `days` (7-730) days;
- welcome: added to a book `days` (0-90) days ago and no activity since;
- insights-measure: a Customer Insights measure is >= or <= a threshold.
Every rule says when its follow-ups are due (`dueOffsetDays` after the day the rule matches)
and how long an open one stays before it expires (`expiresAfterDays` after the due date).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.domain.model_base import DomainModel, Identifier, Name


class RuleKind(StrEnum):
    IMPORTANT_DATE = "important-date"
    KEEP_IN_TOUCH = "keep-in-touch"
    WELCOME = "welcome"
    INSIGHTS_MEASURE = "insights-measure"


# The inclusive range of `days` per kind (None: the kind has no days).
DAY_RANGES: dict[RuleKind, tuple[int, int] | None] = {
    RuleKind.IMPORTANT_DATE: (0, 60),
    RuleKind.KEEP_IN_TOUCH: (7, 730),
    RuleKind.WELCOME: (0, 90),
    RuleKind.INSIGHTS_MEASURE: None,
}
BIRTHDAY = "birthday"
ANNIVERSARY = "anniversary"
MAX_DUE_OFFSET = 30
MAX_EXPIRY_DAYS = 365
MAX_RULES = 50

AttributeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]


class FollowupRule(DomainModel):
    """One rule as admins write it (PUT /api/admin/{legalEntity}/followup-rules/{ruleId})."""

    name: Name = Field(description="shown to associates on each follow-up")
    enabled: bool = True
    kind: RuleKind
    days: int | None = Field(
        default=None,
        description="important-date: 0-60 days ahead; keep-in-touch: 7-730 days without"
        " contact; welcome: 0-90 days after the add; not used by insights-measure",
    )
    date_field: AttributeName | None = Field(
        default=None,
        description="important-date: birthday, anniversary, or a date attribute of the"
        " client-book attribute group",
    )
    activity_type_ids: list[Identifier] = Field(
        default_factory=list,
        max_length=20,
        description="keep-in-touch: the activity types that count as contact (empty: any)",
    )
    measure: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, description="insights-measure: the measure's name"
    )
    comparison: Literal[">=", "<="] | None = Field(
        default=None, description="insights-measure: how the value compares to threshold"
    )
    threshold: float | None = Field(default=None, description="insights-measure")
    due_offset_days: int = Field(
        default=0,
        ge=0,
        le=MAX_DUE_OFFSET,
        description="due this many days after the day the rule matches",
    )
    expires_after_days: int = Field(
        default=14,
        ge=1,
        le=MAX_EXPIRY_DAYS,
        description="an open follow-up expires this many days after its due date",
    )

    @model_validator(mode="after")
    def _fits_its_kind(self) -> FollowupRule:
        span = DAY_RANGES[self.kind]
        if span is None:
            if self.days is not None:
                raise ValueError(f"days: not used by {self.kind} rules")
        elif self.days is None or not span[0] <= self.days <= span[1]:
            raise ValueError(f"days: {self.kind} rules need days from {span[0]} to {span[1]}")
        if (self.kind is RuleKind.IMPORTANT_DATE) != (self.date_field is not None):
            raise ValueError("dateField: required by important-date rules and only by them")
        if self.activity_type_ids and self.kind is not RuleKind.KEEP_IN_TOUCH:
            raise ValueError("activityTypeIds: only keep-in-touch rules select activity types")
        measured = (self.measure, self.comparison, self.threshold)
        if self.kind is RuleKind.INSIGHTS_MEASURE:
            if any(value is None for value in measured):
                raise ValueError(
                    "measure, comparison and threshold: required by insights-measure rules"
                )
        elif any(value is not None for value in measured):
            raise ValueError("measure, comparison, threshold: only insights-measure rules")
        return self

    def crosses(self, value: float) -> bool:
        """Does a measure value meet this insights rule's threshold?"""
        assert self.threshold is not None
        return value >= self.threshold if self.comparison == ">=" else value <= self.threshold
