"""Request and response shapes of the activity routes (the POS timeline and headquarters)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.activities import (
    MAX_DESCRIPTION,
    MAX_OUTCOME,
    MAX_PURPOSE,
    MAX_SUBJECT,
    Activity,
)
from shared.domain.model_base import DomainModel, Identifier

DateTimeText = Annotated[
    str,
    StringConstraints(max_length=40),
    Field(
        json_schema_extra={"format": "date-time"},
        description="ISO 8601 with a UTC offset, e.g. 2024-05-31T17:30:00+02:00",
    ),
]


class ActivityInput(DomainModel):
    """An activity to record. The associate and store come from the token and the route."""

    activity_type_id: Identifier = Field(description="an active activity type")
    subject: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SUBJECT)]
    description: Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION)] | None = None
    start_time: DateTimeText
    end_time: DateTimeText | None = Field(default=None, description="not before startTime")
    purpose: Annotated[str, StringConstraints(max_length=MAX_PURPOSE)] | None = None
    outcome: Annotated[str, StringConstraints(max_length=MAX_OUTCOME)] | None = None


class ActivityResource(DomainModel):
    activity_id: str
    customer_id: str
    activity_type_id: str
    activity_type_name: str = Field(description="the type's name, also once it is inactive")
    subject: str
    description: str | None
    start_time: str = Field(description="UTC")
    end_time: str | None
    purpose: str | None
    outcome: str | None
    staff_id: str = Field(description="the associate who recorded it")
    staff_name: str
    store_id: str = Field(description="the store it was recorded in")
    recorded_at: str
    channel: str | None = Field(
        default=None, description="messages only: the channel it was sent on (email, sms)"
    )
    delivery_status: str | None = Field(
        default=None,
        description="messages only: accepted, queued, sent, delivered or failed",
    )

    @classmethod
    def of(cls, activity: Activity) -> ActivityResource:
        # Field names match the domain record's attributes; extra ones (legal entity) stay out.
        return cls.model_validate(activity, from_attributes=True)


class Timeline(DomainModel):
    activities: list[ActivityResource]
    continuation_token: str | None = Field(description="present while more pages remain")


class ActivityTypeOption(DomainModel):
    activity_type_id: str
    name: str
    description: str


class ActivityTypeOptions(DomainModel):
    published_version: int = Field(
        description="moves when a distribution run publishes a change; cache the list on it"
    )
    activity_types: list[ActivityTypeOption]
