"""Request and response shapes of the follow-up routes (POS and headquarters)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.activities import MAX_DESCRIPTION, MAX_SUBJECT
from shared.domain.followup_rules import FollowupRule
from shared.domain.followups import MAX_TEXT, Outcome
from shared.domain.model_base import DomainModel, Identifier, multi_line_text, one_line_text
from shared.ports.followups import FollowupRun

ReasonText = one_line_text(min_length=1, max_length=MAX_TEXT, strip_whitespace=True)


class CompletionActivityInput(DomainModel):
    """An activity recorded with the customer together with the completion."""

    activity_type_id: Identifier = Field(description="an active activity type")
    subject: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SUBJECT)] | None = Field(
        default=None, description="default: the rule's name"
    )
    description: multi_line_text(max_length=MAX_DESCRIPTION) | None = None


class CompleteFollowup(DomainModel):
    outcome: Outcome
    activity: CompletionActivityInput | None = Field(
        default=None,
        description="record this activity too, in the same request; it shows on the"
        " customer's timeline",
    )


class SnoozeFollowup(DomainModel):
    until: dt.date = Field(description="the new due date (YYYY-MM-DD), after today")


class DismissFollowup(DomainModel):
    reason: ReasonText


class NewFollowup(DomainModel):
    """A follow-up made by hand for a customer of the owner's client book."""

    customer_id: Identifier
    due_date: dt.date = Field(description="YYYY-MM-DD, today or later in the store's calendar")
    text: ReasonText = Field(description="what to follow up on, shown as the reason")
    staff_id: Identifier | None = Field(
        default=None,
        description="managers (manage-store-client-books): an associate of the store client"
        " book; default: the caller",
    )


class FollowupRuleResource(FollowupRule):
    rule_id: str


class FollowupRuleList(DomainModel):
    followup_rules: list[FollowupRuleResource]


class FollowupRunBody(DomainModel):
    run_id: str
    legal_entity: str
    trigger: str
    started_at: str
    ended_at: str | None
    status: str = Field(description="running, succeeded or failed")
    created: dict[str, int] = Field(description="per rule id: follow-ups made by this run")
    matched: dict[str, int] = Field(description="per rule id: matches, already stored included")
    skipped: dict[str, str] = Field(description="per rule id: why the rule did not run")
    expired: int = Field(description="open follow-ups this run marked expired")
    cancelled: int = Field(
        description="open follow-ups of customers no longer in the owner's book, cancelled"
    )
    duration_ms: float
    error: str | None

    @classmethod
    def of(cls, run: FollowupRun) -> FollowupRunBody:
        return cls.model_validate(run, from_attributes=True)


class FollowupRunList(DomainModel):
    runs: list[FollowupRunBody]
