"""The send decision as a pure function: its order, and quiet hours in local time (across
midnight and daylight saving changes)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.consent import ConsentEvent, ConsentSource, ConsentState
from shared.domain.outreach import OutreachSettings, QuietHours, refusal

NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
OPTED_IN = [
    ConsentEvent(
        channel="sms", state=ConsentState.OPTED_IN, source=ConsentSource.POS, recorded_at=NOON
    )
]
ON = OutreachSettings(outreach_enabled=True, quiet_hours=None, frequency_cap=2)


@pytest.mark.parametrize(
    ("settings", "history", "address", "sent", "expected"),
    [
        (None, OPTED_IN, True, 0, "outreach-disabled"),
        (OutreachSettings(), OPTED_IN, True, 0, "outreach-disabled"),
        (ON, [], False, 9, "consent-missing"),  # consent before address and cap
        (ON, OPTED_IN, False, 9, "contact-missing"),
        (ON, OPTED_IN, True, 2, "frequency-cap"),
        (ON, OPTED_IN, True, 1, None),
    ],
)
def test_the_first_rule_that_refuses_is_named(settings, history, address, sent, expected) -> None:
    found = refusal(settings, history, "sms", address, NOON, "UTC", sent)
    assert (found.problem_type if found else None) == expected


@pytest.mark.parametrize(
    ("local", "zone", "quiet"),
    [
        ("2026-06-01T20:59", "Europe/Oslo", False),
        ("2026-06-01T21:00", "Europe/Oslo", True),
        ("2026-06-02T00:30", "Europe/Oslo", True),
        ("2026-06-02T07:59", "Europe/Oslo", True),
        ("2026-06-02T08:00", "Europe/Oslo", False),
        # the night clocks go forward in Tallinn, and back in New York
        ("2026-03-29T07:30", "Europe/Tallinn", True),
        ("2026-11-01T08:30", "America/New_York", False),
    ],
)
def test_quiet_hours_span_midnight_in_the_stores_zone(local: str, zone: str, quiet: bool) -> None:
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    hours = QuietHours(start="21:00", end="08:00")

    assert hours.includes(moment.astimezone(dt.UTC), zone) is quiet


def test_a_daytime_window_does_not_wrap() -> None:
    lunch = QuietHours(start="12:00", end="13:00")
    assert lunch.includes(NOON, "UTC")
    assert not lunch.includes(NOON + dt.timedelta(hours=1), "UTC")


def test_empty_quiet_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="differ"):
        QuietHours(start="08:00", end="08:00")
