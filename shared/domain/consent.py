"""Consent to be contacted, per customer and channel: what counts, and who wins.

A customer's consent is a history of events (opted in or out, on `email` or `sms`), each with
its source and two times: when the customer gave it (`givenAt`) and when we recorded it. The
state of a channel is `opted-in`, `opted-out` or `unknown` (no event yet), decided by one
rule, `channel_state`:

- The customer's own word (captured at the POS with their confirmation, an SMS keyword, the
  unsubscribe link) counts from the moment it is recorded.
- A headquarters import counts from the time it says the customer gave it (never later than
  when we recorded it: a future date cannot pin a state). An opt-in that names no time (the
  legacy `contactConsent` flag) is older than anything the customer said: it never overrides
  the customer's own word or any dated consent, only earlier undated imports. An undated
  opt-out counts from when it was recorded (erring towards not contacting).
- The later consent wins; on a tie, opted-out wins.

So an opt-out from the customer always wins over a later import of opted-in that is older
than the opt-out, and only an opt-in given after it (by the customer, or an import dated after
it) brings the channel back to `opted-in`. Only `opted-in` permits a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Literal

from pydantic import Field

from shared.domain.model_base import DomainModel, Identifier, multi_line_text

Channel = Literal["email", "sms"]
CHANNELS: tuple[Channel, ...] = ("email", "sms")
MAX_CONFIRMATION_TEXT = 1000
# A customer's history keeps this many events; older ones go first, but never the event a
# channel's state rests on (see `trimmed`). Imports that restate the state add nothing.
MAX_HISTORY = 200


class ConsentState(StrEnum):
    OPTED_IN = "opted-in"
    OPTED_OUT = "opted-out"
    UNKNOWN = "unknown"


class ConsentSource(StrEnum):
    HEADQUARTERS_IMPORT = "headquarters-import"
    POS = "pos"  # captured by an associate, with the customer's confirmation text
    SMS_KEYWORD = "sms-keyword"  # STOP / START by SMS
    UNSUBSCRIBE_LINK = "unsubscribe-link"  # the one-click link of an email


# Sources that are the customer's own word, recorded as it was given.
OWN_SOURCES = frozenset(
    {ConsentSource.POS, ConsentSource.SMS_KEYWORD, ConsentSource.UNSUBSCRIBE_LINK}
)

ConfirmationText = multi_line_text(min_length=1, max_length=MAX_CONFIRMATION_TEXT)


class ConsentEvent(DomainModel):
    """One change of a customer's consent on one channel."""

    channel: Channel
    state: Literal[ConsentState.OPTED_IN, ConsentState.OPTED_OUT]
    source: ConsentSource
    recorded_at: dt.datetime
    given_at: dt.datetime | None = Field(
        default=None,
        description="when the customer gave it; null for an import that names no time",
    )
    staff_id: Identifier | None = Field(default=None, description="POS: who captured it")
    store_id: Identifier | None = None
    confirmation_text: ConfirmationText | None = Field(
        default=None, description="POS: the customer's confirmation, in their words"
    )

    @property
    def own(self) -> bool:
        return self.source in OWN_SOURCES

    def effective_at(self) -> dt.datetime | None:
        """When this consent counts from (None: older than any dated consent)."""
        if self.own:
            return self.recorded_at
        if self.given_at is None:
            # An undated opt-out still stops messages from when we learnt of it; an undated
            # opt-in is the weakest statement there is.
            return self.recorded_at if self.state is ConsentState.OPTED_OUT else None
        return min(self.given_at, self.recorded_at)


def _overrides(new: ConsentEvent, current: ConsentEvent) -> bool:
    new_at, current_at = new.effective_at(), current.effective_at()
    if new_at is None:
        # An undated opt-in: headquarters restating its own data, never the customer's word
        # or a dated consent.
        return current_at is None
    if current_at is None or new_at > current_at:
        return True
    return new_at == current_at and new.state is ConsentState.OPTED_OUT


def deciding_event(history: Iterable[ConsentEvent], channel: Channel) -> ConsentEvent | None:
    """The event the channel's state rests on (None: unknown). `history` in recorded order."""
    current: ConsentEvent | None = None
    for event in history:
        if event.channel != channel:
            continue
        if current is None or _overrides(event, current):
            current = event
    return current


def channel_state(history: Iterable[ConsentEvent], channel: Channel) -> ConsentState:
    event = deciding_event(history, channel)
    return ConsentState(event.state) if event else ConsentState.UNKNOWN


def may_contact(history: Iterable[ConsentEvent], channel: Channel) -> bool:
    """Only an explicit, standing opt-in permits a message; unknown does not."""
    return channel_state(history, channel) is ConsentState.OPTED_IN


class ImportedConsent(DomainModel):
    """Consent on one channel as a headquarters import states it."""

    state: Literal[ConsentState.OPTED_IN, ConsentState.OPTED_OUT]
    given_at: dt.datetime | None = Field(
        default=None,
        description="when the customer gave it (with offset); without it, the import's consent"
        " never overrides what the customer said at the POS, by SMS or by the unsubscribe link",
    )


class ImportedConsents(DomainModel):
    email: ImportedConsent | None = None
    sms: ImportedConsent | None = None


def imported_consents(
    explicit: ImportedConsents | None, contact_consent: bool
) -> dict[Channel, ImportedConsent]:
    """What an import record says per channel. The explicit `consent` object wins; without
    it, the legacy `contactConsent: true` means opted-in on both channels at an unknown time,
    and `false` says nothing (it was also the value of every record that never asked)."""
    if explicit is not None:
        return {c: v for c in CHANNELS if (v := getattr(explicit, c)) is not None}
    if contact_consent:
        return {c: ImportedConsent(state=ConsentState.OPTED_IN) for c in CHANNELS}
    return {}


def import_events(
    history: Sequence[ConsentEvent], stated: dict[Channel, ImportedConsent], now: dt.datetime
) -> list[ConsentEvent]:
    """The events an import adds: one per channel whose statement is news. Re-sending the
    same extract adds nothing, so nightly imports do not grow the history."""
    added = []
    for channel, consent in stated.items():
        last_import = next(
            (
                e
                for e in reversed(history)
                if e.channel == channel and e.source is ConsentSource.HEADQUARTERS_IMPORT
            ),
            None,
        )
        if (
            last_import is not None
            and last_import.state == consent.state
            and last_import.given_at == consent.given_at
        ):
            continue
        added.append(
            ConsentEvent(
                channel=channel,
                state=consent.state,
                source=ConsentSource.HEADQUARTERS_IMPORT,
                recorded_at=now,
                given_at=consent.given_at,
            )
        )
    return added


def trimmed(history: Sequence[ConsentEvent], limit: int = MAX_HISTORY) -> list[ConsentEvent]:
    """At most `limit` events, dropping the oldest first but keeping each channel's deciding
    event (and what could override it), so trimming never changes a state."""
    if len(history) <= limit:
        return list(history)
    keep = {id(e) for c in CHANNELS if (e := deciding_event(history, c)) is not None}
    excess = len(history) - limit
    result = []
    for event in history:
        if excess > 0 and id(event) not in keep:
            excess -= 1
            continue
        result.append(event)
    return result


class ChannelConsent(DomainModel):
    """A channel's state and what it rests on, as the POS shows it."""

    state: ConsentState
    source: ConsentSource | None = None
    given_at: dt.datetime | None = None
    recorded_at: dt.datetime | None = None
    staff_id: str | None = None


class ConsentSummary(DomainModel):
    email: ChannelConsent
    sms: ChannelConsent


def summary(history: Sequence[ConsentEvent]) -> ConsentSummary:
    def one(channel: Channel) -> ChannelConsent:
        event = deciding_event(history, channel)
        if event is None:
            return ChannelConsent(state=ConsentState.UNKNOWN)
        return ChannelConsent(
            state=ConsentState(event.state),
            source=event.source,
            given_at=event.given_at or (event.recorded_at if event.own else None),
            recorded_at=event.recorded_at,
            staff_id=event.staff_id,
        )

    return ConsentSummary(email=one("email"), sms=one("sms"))


def history_from_json(items: Iterable[dict]) -> list[ConsentEvent]:
    return [ConsentEvent.model_validate(item) for item in items]


def history_to_json(history: Iterable[ConsentEvent]) -> list[dict]:
    return [e.to_json() for e in history]
