"""Request and response shapes of the message route (POS outreach)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.domain.model_base import DomainModel, Identifier
from shared.domain.outreach_messages import OutreachMessage

MAX_TEXT = 4_000  # free text; the template side applies its own channel rules on top
MAX_SUBJECT = 200


class MessageInput(DomainModel):
    """A message to one customer: a template (by id) or free text, on one channel."""

    channel: Literal["email", "sms"]
    template_id: Identifier | None = Field(
        default=None, description="a published template of this channel (or give text)"
    )
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)] | None = Field(
        default=None, description="free text (or give templateId); placeholders are filled"
    )
    subject: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SUBJECT)] | None = Field(
        default=None, description="email free text only"
    )

    @model_validator(mode="after")
    def _one_source(self) -> MessageInput:
        if (self.template_id is None) == (self.text is None):
            raise ValueError("give either templateId or text")
        if self.subject is not None and (self.channel != "email" or self.text is None):
            raise ValueError("subject goes with free text on the email channel only")
        return self


class MessageResource(DomainModel):
    message_id: str = Field(description="also the activity id on the customer's timeline")
    customer_id: str
    channel: str
    status: str = Field(description="accepted, queued, sent, delivered or failed")
    status_detail: str | None = Field(description="why it failed, in words for the associate")
    activity_type_id: str
    staff_id: str = Field(description="the associate who sent it")
    store_id: str
    accepted_at: str

    @classmethod
    def of(cls, message: OutreachMessage) -> MessageResource:
        return cls(
            message_id=message.message_id,
            customer_id=message.customer_id,
            channel=message.channel,
            status=message.status,
            status_detail=message.status_detail,
            activity_type_id=message.activity_type,
            staff_id=message.staff_id,
            store_id=message.store_id,
            accepted_at=message.accepted_at,
        )
