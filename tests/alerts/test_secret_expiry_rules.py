from datetime import timedelta

import pytest

from shared.domain.secret_expiry import (
    AlertState,
    SecretCondition,
    Severity,
    decide,
    parse_thresholds,
)
from tests.alerts.alert_scenario import NOW

THRESHOLDS = (30, 14, 7, 1)


def expiring_in(**delta: float) -> SecretCondition:
    return SecretCondition(readable=True, expires_on=NOW + timedelta(**delta))


@pytest.mark.parametrize(
    ("condition", "code", "severity"),
    [
        (expiring_in(days=90), "healthy", Severity.INFO),
        (expiring_in(days=30, seconds=1), "healthy", Severity.INFO),
        (expiring_in(days=30), "threshold-30", Severity.WARNING),
        (expiring_in(days=14.5), "threshold-30", Severity.WARNING),
        (expiring_in(days=14), "threshold-14", Severity.WARNING),
        (expiring_in(days=7), "threshold-7", Severity.ERROR),
        (expiring_in(days=2), "threshold-7", Severity.ERROR),
        (expiring_in(hours=23), "threshold-1", Severity.CRITICAL),
        (expiring_in(seconds=0), "expired", Severity.CRITICAL),
        (expiring_in(days=-3), "expired", Severity.CRITICAL),
        (SecretCondition(readable=True), "no-expiry", Severity.WARNING),
        (SecretCondition(readable=False, problem="forbidden"), "unreadable", Severity.CRITICAL),
        (
            SecretCondition(readable=False, enabled=False, expires_on=NOW + timedelta(days=90)),
            "disabled",
            Severity.CRITICAL,
        ),
    ],
)
def test_each_condition_has_one_finding_and_severity(
    condition: SecretCondition, code: str, severity: Severity
) -> None:
    decision = decide(condition, NOW, THRESHOLDS, previous=None)
    assert (decision.finding.code, decision.severity) == (code, severity)


def test_an_expired_secret_is_reported_as_expired_even_if_unreadable() -> None:
    condition = SecretCondition(readable=False, expires_on=NOW - timedelta(days=1))
    assert decide(condition, NOW, THRESHOLDS, None).finding.code == "expired"


def test_days_left_are_whole_days_rounded_down() -> None:
    assert decide(expiring_in(days=13, hours=20), NOW, THRESHOLDS, None).days_left == 13
    assert decide(expiring_in(hours=-2), NOW, THRESHOLDS, None).days_left == -1
    assert decide(SecretCondition(readable=True), NOW, THRESHOLDS, None).days_left is None


def run(condition: SecretCondition, at, previous: AlertState | None):
    decision = decide(condition, at, THRESHOLDS, previous)
    return decision, decision.next_state or previous


def test_each_threshold_alerts_once_as_time_passes() -> None:
    condition = SecretCondition(readable=True, expires_on=NOW + timedelta(days=31))
    state = None
    alerts: list[str] = []
    for day in range(0, 40):
        decision, state = run(condition, NOW + timedelta(days=day), state)
        if decision.alert:
            alerts.append(decision.finding.code)
        assert not decision.resolve
    assert alerts == ["threshold-30", "threshold-14", "threshold-7", "threshold-1", "expired"]


def test_a_skipped_run_alerts_only_for_the_threshold_reached() -> None:
    condition = SecretCondition(readable=True, expires_on=NOW + timedelta(days=20))
    _, state = run(condition, NOW, None)  # threshold-30
    decision, _ = run(condition, NOW + timedelta(days=15), state)  # 5 days left
    assert (decision.alert, decision.finding.code) == (True, "threshold-7")


def test_rotation_after_an_alert_resolves_it_once() -> None:
    old = SecretCondition(readable=True, expires_on=NOW + timedelta(days=10))
    _, state = run(old, NOW, None)
    rotated = SecretCondition(readable=True, expires_on=NOW + timedelta(days=365))

    decision, state = run(rotated, NOW + timedelta(days=1), state)
    assert (decision.alert, decision.resolve) == (False, True)
    assert decision.next_state is not None and decision.next_state.finding == "healthy"

    again, _ = run(rotated, NOW + timedelta(days=2), state)
    assert (again.alert, again.resolve, again.next_state) == (False, False, None)


def test_a_healthy_secret_never_alerted_is_not_resolved() -> None:
    decision = decide(expiring_in(days=200), NOW, THRESHOLDS, None)
    assert (decision.alert, decision.resolve, decision.next_state) == (False, False, None)


def test_a_rotation_that_still_expires_soon_alerts_for_its_new_threshold() -> None:
    _, state = run(expiring_in(days=5), NOW, None)  # threshold-7
    decision, _ = run(expiring_in(days=20), NOW, state)
    assert (decision.alert, decision.finding.code) == (True, "threshold-30")


def test_an_unreadable_secret_alerts_once_and_again_when_it_changes() -> None:
    broken = SecretCondition(
        readable=False, expires_on=NOW + timedelta(days=90), problem="forbidden"
    )
    first, state = run(broken, NOW, None)
    second, state = run(broken, NOW + timedelta(hours=1), state)
    fixed, _ = run(expiring_in(days=90), NOW + timedelta(hours=2), state)
    assert (first.alert, second.alert, fixed.resolve) == (True, False, True)


def test_thresholds_are_parsed_largest_first() -> None:
    assert parse_thresholds("1, 7,30,14,7") == (30, 14, 7, 1)
    assert parse_thresholds("60") == (60,)


@pytest.mark.parametrize("text", ["", "30,x", "0,7", "-1"])
def test_bad_thresholds_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        parse_thresholds(text)


def test_custom_thresholds_above_thirty_days_are_informational() -> None:
    decision = decide(expiring_in(days=45), NOW, (60, 30), None)
    assert (decision.finding.code, decision.severity, decision.alert) == (
        "threshold-60",
        Severity.INFO,
        True,
    )
