"""What the follow-up routes answer: the worklist, one follow-up, the manager's view."""

from __future__ import annotations

from pydantic import Field

from shared.domain.cards import Card
from shared.domain.followups import BucketCounts, Followup, Outcome, State
from shared.domain.model_base import DomainModel


class FollowupResource(DomainModel):
    followup_id: str
    customer_id: str
    owner_staff_id: str = Field(description="the associate whose worklist holds it")
    rule_id: str = Field(description="the rule that made it; `manual` for one made by hand")
    rule_name: str
    reason: str = Field(description='in words, e.g. "Birthday on 3 December"')
    due_date: str = Field(description="YYYY-MM-DD in the store's calendar")
    expires_on: str = Field(description="open after this day, it is expired")
    state: State
    outcome: Outcome | None
    dismiss_reason: str | None
    activity_id: str | None = Field(description="the activity recorded with the completion")
    snoozed_from: str | None = Field(description="the due date before the last snooze")
    created_at: str
    created_by: str = Field(description='staff id, or "generation"')
    closed_at: str | None
    closed_by: str | None
    etag: str = Field(description="send as If-Match to complete, snooze or dismiss")
    customer: Card | None = Field(
        default=None, description="the customer card, as the client book shows it (lists)"
    )

    @classmethod
    def of(cls, followup: Followup, card: Card | None = None) -> FollowupResource:
        return cls(
            followup_id=followup.followup_id,
            customer_id=followup.customer_id,
            owner_staff_id=followup.owner_staff_id,
            rule_id=followup.rule_id,
            rule_name=followup.rule_name,
            reason=followup.reason,
            due_date=followup.due_date,
            expires_on=followup.expires_on,
            state=followup.state,
            outcome=followup.outcome,
            dismiss_reason=followup.dismiss_reason,
            activity_id=followup.activity_id,
            snoozed_from=followup.snoozed_from,
            created_at=followup.created_at,
            created_by=followup.created_by,
            closed_at=followup.closed_at,
            closed_by=followup.closed_by,
            etag=followup.etag,
            customer=card,
        )


class Buckets(DomainModel):
    """Open follow-ups by due date, for the badge on the POS home screen."""

    overdue: int
    today: int
    next7: int = Field(description="due in the 7 days after today")
    today_date: str = Field(description="the store's date these buckets count from")

    @classmethod
    def of(cls, counts: BucketCounts, today: str) -> Buckets:
        return cls(overdue=counts.overdue, today=counts.today, next7=counts.next7, today_date=today)


class FollowupPage(DomainModel):
    followups: list[FollowupResource] = Field(description="by due date, then customer name")
    buckets: Buckets = Field(description="counts of every open follow-up, whatever the filters")
    continuation_token: str | None = Field(description="present while more pages remain")


class AssociateTally(DomainModel):
    staff_id: str
    name: str
    open: int
    overdue: int
    completed_this_week: int = Field(description="since Monday in the store's calendar")


class StoreFollowups(DomainModel):
    today_date: str
    week_start: str
    associates: list[AssociateTally] = Field(
        description="every associate of the store client book, by name"
    )
