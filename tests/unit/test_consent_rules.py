"""Consent rules: whose word wins, what imports add, and (property-tested over random
histories) that nothing may be sent after the customer's own opt-out unless they opted in
again later."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.consent import (
    OWN_SOURCES,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ImportedConsent,
    ImportedConsents,
    channel_state,
    import_events,
    imported_consents,
    may_contact,
    trimmed,
)
from tests.support.properties import QUICK

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
IN, OUT = ConsentState.OPTED_IN, ConsentState.OPTED_OUT


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def own(state: ConsentState, hours: float, source=ConsentSource.POS) -> ConsentEvent:
    return ConsentEvent(channel="sms", state=state, source=source, recorded_at=at(hours))


def imported(state: ConsentState, recorded: float, given: float | None) -> ConsentEvent:
    return ConsentEvent(
        channel="sms",
        state=state,
        source=ConsentSource.HEADQUARTERS_IMPORT,
        recorded_at=at(recorded),
        given_at=None if given is None else at(given),
    )


def test_nothing_recorded_is_unknown_and_unknown_may_not_be_contacted() -> None:
    assert channel_state([], "email") is ConsentState.UNKNOWN
    assert not may_contact([], "email")


def test_a_later_import_of_an_older_opt_in_loses_to_the_customers_opt_out() -> None:
    history = [imported(IN, 0, 0), own(OUT, 5, ConsentSource.SMS_KEYWORD), imported(IN, 9, 3)]

    assert channel_state(history, "sms") is OUT


def test_an_import_dated_after_the_opt_out_is_a_new_opt_in() -> None:
    history = [own(OUT, 5, ConsentSource.UNSUBSCRIBE_LINK), imported(IN, 9, 7)]

    assert channel_state(history, "sms") is IN


def test_an_undated_opt_in_never_overrides_the_customer() -> None:
    history = [own(OUT, 5), imported(IN, 9, None)]

    assert channel_state(history, "sms") is OUT


def test_an_import_dated_in_the_future_counts_from_when_it_was_recorded() -> None:
    history = [imported(IN, 1, 1000), own(OUT, 5)]

    assert channel_state(history, "sms") is OUT


def test_an_undated_import_opt_out_stops_messages_from_when_it_arrived() -> None:
    history = [own(IN, 1), imported(OUT, 9, None)]

    assert channel_state(history, "sms") is OUT


def test_channels_are_independent() -> None:
    history = [own(OUT, 1)]

    assert channel_state(history, "email") is ConsentState.UNKNOWN


def test_the_legacy_flag_means_opted_in_on_both_channels_at_an_unknown_time() -> None:
    stated = imported_consents(None, contact_consent=True)

    assert set(stated) == {"email", "sms"}
    assert all(c.state is IN and c.given_at is None for c in stated.values())
    assert imported_consents(None, contact_consent=False) == {}
    explicit = ImportedConsents(sms=ImportedConsent(state=OUT))
    assert set(imported_consents(explicit, contact_consent=True)) == {"sms"}


def test_resending_the_same_import_adds_nothing() -> None:
    stated = {"sms": ImportedConsent(state=IN, given_at=at(1))}
    first = import_events([], stated, at(2))
    again = import_events(first, stated, at(30))

    assert len(first) == 1 and again == []


def test_trimming_keeps_the_deciding_event() -> None:
    history = [own(OUT, 0), *[imported(IN, h, None) for h in range(1, 20)]]

    kept = trimmed(history, limit=5)

    assert len(kept) == 5
    assert channel_state(kept, "sms") is channel_state(history, "sms") is OUT


# -- the property ------------------------------------------------------------------------

SOURCES = list(ConsentSource)
# Pure functions, cheap examples: enough of them that an undated import after an opt-out (the
# case that matters) comes up many times over.
MANY = settings(QUICK, max_examples=1000)


@st.composite
def histories(draw: st.DrawFn) -> list[ConsentEvent]:
    """Random histories on one channel: any source, state, and (for imports) any consent
    time, before, after or without, recorded in time order."""
    count = draw(st.integers(0, 12))
    events, recorded = [], 0.0
    for _ in range(count):
        recorded += draw(st.floats(0, 48, allow_nan=False))
        source = draw(st.sampled_from(SOURCES))
        given = None
        if source is ConsentSource.HEADQUARTERS_IMPORT:
            given = draw(st.none() | st.floats(-200, recorded + 200, allow_nan=False))
        event = ConsentEvent(
            channel="sms",
            state=draw(st.sampled_from([IN, OUT])),
            source=source,
            recorded_at=at(recorded),
            given_at=None if given is None else at(given),
        )
        events.append(event)
    return events


@MANY
@given(histories())
def test_no_message_after_the_customers_own_opt_out_unless_they_opted_in_again(
    history: list[ConsentEvent],
) -> None:
    own_outs = [e for e in history if e.source in OWN_SOURCES and e.state is OUT]
    if not own_outs or not may_contact(history, "sms"):
        return
    opted_out_at = own_outs[-1].recorded_at
    later_opt_ins = [
        e
        for e in history
        if e.state is IN
        and (e.effective_at() is not None and e.effective_at() > opted_out_at)
        and (e.source in OWN_SOURCES or e.given_at is not None)
    ]
    assert later_opt_ins, "may send after the customer's opt-out without a later opt-in"


@QUICK
@given(histories())
def test_only_an_opt_in_permits_a_message(history: list[ConsentEvent]) -> None:
    if may_contact(history, "sms"):
        assert any(e.state is IN for e in history)
    assert not may_contact(history, "email")


@QUICK
@given(histories(), st.integers(1, 12))
def test_trimming_never_changes_the_state(history: list[ConsentEvent], limit: int) -> None:
    assert channel_state(trimmed(history, limit), "sms") is channel_state(history, "sms")
