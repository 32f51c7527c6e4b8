"""Secret expiry rules: what state a secret is in, how bad it is, and whether to tell on-call.

Pure: given a secret's condition, the time, the alert thresholds and what was last alerted,
decide. Each secret alerts once per finding (crossing 30 then 14 days alerts twice; still at
14 days on the next run does not), and a secret that was alerting and is healthy again (it
was rotated) gets a "resolved".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DEFAULT_THRESHOLDS: tuple[int, ...] = (30, 14, 7, 1)


class Severity(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FindingKind(StrEnum):
    EXPIRED = "expired"
    DISABLED = "disabled"
    UNREADABLE = "unreadable"
    NO_EXPIRY = "no-expiry"
    THRESHOLD = "threshold"
    HEALTHY = "healthy"


_ACTIONABLE = frozenset(
    {FindingKind.THRESHOLD, FindingKind.EXPIRED, FindingKind.DISABLED, FindingKind.UNREADABLE}
)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    threshold_days: int | None = None

    @property
    def actionable(self) -> bool:
        """Whether on-call must act: a threshold crossed, expired, disabled or unreadable.

        A secret without an expiry date is a setup warning for the workbook, not a page.
        """
        return self.kind in _ACTIONABLE

    @property
    def code(self) -> str:
        """`threshold-14`, `expired`, ...: what is stored and logged."""
        if self.kind is FindingKind.THRESHOLD:
            return f"threshold-{self.threshold_days}"
        return self.kind.value


@dataclass(frozen=True)
class SecretCondition:
    """What the check saw: could the app read the secret, is it enabled, when does it expire."""

    readable: bool
    enabled: bool = True
    expires_on: datetime | None = None
    problem: str | None = None


@dataclass(frozen=True)
class AlertState:
    """What was last alerted for one secret (persisted by the caller between runs)."""

    finding: str
    changed_at: datetime
    expires_on: datetime | None = None


@dataclass(frozen=True)
class ExpiryDecision:
    condition: SecretCondition
    finding: Finding
    severity: Severity
    days_left: int | None
    alert: bool
    resolve: bool
    # The state to persist once the alert or resolve went out; None when nothing changed.
    next_state: AlertState | None


def parse_thresholds(text: str) -> tuple[int, ...]:
    """`"30,14,7,1"` -> (30, 14, 7, 1): whole days, positive, largest first, no repeats."""
    try:
        days = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise ValueError(f"thresholds must be whole days separated by commas: {text!r}") from None
    if not days or min(days) < 1:
        raise ValueError(f"thresholds must be at least one positive number of days: {text!r}")
    return tuple(sorted(days, reverse=True))


def days_left(expires_on: datetime | None, now: datetime) -> int | None:
    """Whole days until expiry, rounded down (negative once expired)."""
    if expires_on is None:
        return None
    return (expires_on - now) // timedelta(days=1)


def classify(condition: SecretCondition, now: datetime, thresholds: tuple[int, ...]) -> Finding:
    if not condition.enabled:
        return Finding(FindingKind.DISABLED)
    if condition.expires_on is not None and condition.expires_on <= now:
        return Finding(FindingKind.EXPIRED)
    if not condition.readable:
        return Finding(FindingKind.UNREADABLE)
    if condition.expires_on is None:
        return Finding(FindingKind.NO_EXPIRY)
    remaining = condition.expires_on - now
    for threshold in sorted(thresholds):
        if remaining <= timedelta(days=threshold):
            return Finding(FindingKind.THRESHOLD, threshold)
    return Finding(FindingKind.HEALTHY)


def severity_of(finding: Finding) -> Severity:
    if finding.kind in (FindingKind.EXPIRED, FindingKind.DISABLED, FindingKind.UNREADABLE):
        return Severity.CRITICAL
    if finding.kind is FindingKind.NO_EXPIRY:
        return Severity.WARNING
    if finding.kind is FindingKind.THRESHOLD and finding.threshold_days is not None:
        if finding.threshold_days <= 1:
            return Severity.CRITICAL
        if finding.threshold_days <= 7:
            return Severity.ERROR
        if finding.threshold_days <= 30:
            return Severity.WARNING
    return Severity.INFO


def decide(
    condition: SecretCondition,
    now: datetime,
    thresholds: tuple[int, ...],
    previous: AlertState | None,
) -> ExpiryDecision:
    finding = classify(condition, now, thresholds)
    last = previous.finding if previous else None
    if finding.kind is FindingKind.HEALTHY:
        alert = False
        resolve = last is not None and last != FindingKind.HEALTHY.value
    else:
        alert = last != finding.code
        resolve = False
    next_state = AlertState(finding.code, now, condition.expires_on) if alert or resolve else None
    return ExpiryDecision(
        condition=condition,
        finding=finding,
        severity=severity_of(finding),
        days_left=days_left(condition.expires_on, now),
        alert=alert,
        resolve=resolve,
        next_state=next_state,
    )
