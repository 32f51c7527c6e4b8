"""Outreach settings of a legal entity and the rule that decides whether a message may go.

`refusal` is the whole decision, as a pure function: the first rule that stops a message, in
an order that tells the associate the most useful thing first (nothing can be sent at all;
the customer said no or never said yes; there is no address; not now; not this often).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from shared.domain.consent import Channel, ConsentEvent, ConsentState, channel_state
from shared.domain.model_base import DomainModel, Identifier
from shared.domain.time_zones import local_time

DEFAULT_FREQUENCY_CAP = 3
DEFAULT_LANGUAGE = "en"
# https, or http on the local host only (make run): a link in an email must not be
# interceptable on its way back.
UNSUBSCRIBE_BASE_URL = (
    r"^(https://[^\s/?#]+|http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?)(/[^\s?#]*)?$"
)

E164 = r"^\+[1-9][0-9]{6,14}$"
ClockTime = Annotated[
    str,
    StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Field(description="local time of day, HH:MM (24 hours)"),
]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"),
    Field(description="language code (BCP 47 primary tag, optional region), e.g. de, nb, en-GB"),
]


class QuietHours(DomainModel):
    """No message between `start` and `end`, in the store's local time (may span midnight)."""

    start: ClockTime = "21:00"
    end: ClockTime = "08:00"

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("start and end must differ (leave quietHours null for none)")
        return self

    def includes(self, moment: dt.datetime, time_zone: str) -> bool:
        now = local_time(moment, time_zone).strftime("%H:%M")
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # e.g. 21:00 to 08:00


class ActivityTypes(DomainModel):
    """The activity type each channel's messages are recorded as on the timeline."""

    email: Identifier = "EMAIL"
    sms: Identifier = "SMS"


class OutreachSettings(DomainModel):
    outreach_enabled: bool = Field(
        default=False, description="the kill switch: false stops every message at once"
    )
    quiet_hours: QuietHours | None = Field(default_factory=QuietHours)
    frequency_cap: int = Field(
        default=DEFAULT_FREQUENCY_CAP,
        ge=1,
        le=100,
        description="messages per customer in any rolling 7 days (all channels, all staff)",
    )
    activity_types: ActivityTypes = Field(default_factory=ActivityTypes)
    unsubscribe_base_url: Annotated[str, StringConstraints(pattern=UNSUBSCRIBE_BASE_URL)] | None = (
        Field(
            default=None,
            description="public https address of this API (e.g. https://clienteling.example.com;"
            " http only for localhost); unsubscribe links are <base>/api/unsubscribe/<token>;"
            " email needs it",
        )
    )
    default_language: LanguageCode = Field(
        default=DEFAULT_LANGUAGE, description="templates' language for customers without one"
    )
    default_calling_code: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,2}$")] | None = (
        Field(
            default=None,
            description="country calling code for phones stored without one (e.g. 49): how"
            " inbound SMS find the customer and SMS reach them",
        )
    )
    sms_sender_name: Annotated[str, StringConstraints(min_length=1, max_length=30)] = Field(
        default="Your store", description="how the STOP/START confirmations name the sender"
    )
    sms_numbers: list[Annotated[str, StringConstraints(pattern=E164)]] = Field(
        default_factory=list,
        max_length=20,
        description="the numbers (E.164) this legal entity texts its customers from: a STOP or"
        " START texted to one of them changes consent in this legal entity only; empty: a"
        " keyword applies to the sender's customers in every legal entity",
    )

    def texts_from(self, number: str) -> bool:
        return number in self.sms_numbers


@dataclass(frozen=True)
class Refused:
    problem_type: str
    detail: str
    # quiet-hours: when the store's local time leaves them (HH:MM), for a POS to say so in
    # its own language rather than parse the English detail
    send_after: str | None = None


def refusal(
    settings: OutreachSettings | None,
    history: list[ConsentEvent],
    channel: Channel,
    has_address: bool,
    now: dt.datetime,
    store_time_zone: str,
    sent_last_7_days: int,
) -> Refused | None:
    """None when a message may go now, else the first rule that refuses it."""
    if settings is None or not settings.outreach_enabled:
        return Refused("outreach-disabled", "outreach is switched off for this legal entity")
    state = channel_state(history, channel)
    if state is not ConsentState.OPTED_IN:
        said = "opted out of" if state is ConsentState.OPTED_OUT else "not opted in to"
        return Refused("consent-missing", f"the customer has {said} {channel} messages")
    if not has_address:
        what = "email address" if channel == "email" else "usable mobile number"
        return Refused("contact-missing", f"the customer has no {what} on record")
    quiet = settings.quiet_hours
    if quiet is not None and quiet.includes(now, store_time_zone):
        return Refused(
            "quiet-hours",
            f"it is quiet hours in the store ({quiet.start} to {quiet.end} local time); send"
            f" after {quiet.end}",
            send_after=str(quiet.end),
        )
    if sent_last_7_days >= settings.frequency_cap:
        return Refused(
            "frequency-cap",
            f"the customer already had {sent_last_7_days} messages in the last 7 days (at most"
            f" {settings.frequency_cap})",
        )
    return None
