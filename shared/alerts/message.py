"""The alert on-call staff receive: which secret, where, who uses it, when, what breaks, the fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.alerts.usage import SecretUsage
from shared.domain.secret_expiry import ExpiryDecision, FindingKind, Severity


class AlertAction(StrEnum):
    TRIGGER = "trigger"
    RESOLVE = "resolve"


@dataclass(frozen=True)
class Alert:
    action: AlertAction
    secret_name: str
    vault: str
    reference: str
    legal_entities: tuple[str, ...]
    finding: str
    severity: Severity
    expires_on: datetime | None
    days_left: int | None
    title: str
    impact: str
    rotation: str
    rotate_command: str
    dedup_key: str
    source: str
    detected_at: datetime

    @property
    def expires_text(self) -> str:
        if self.expires_on is None:
            return "no expiry date"
        return f"{self.expires_on.date().isoformat()} ({_relative(self.days_left)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": "secret-expiry",
            "action": self.action.value,
            "title": self.title,
            "secretName": self.secret_name,
            "vault": self.vault,
            "reference": self.reference,
            "legalEntities": list(self.legal_entities),
            "finding": self.finding,
            "severity": self.severity.value,
            "expiresOn": self.expires_on.isoformat() if self.expires_on else None,
            "daysLeft": self.days_left,
            "impact": self.impact,
            "rotation": self.rotation,
            "rotateCommand": self.rotate_command,
            "dedupKey": self.dedup_key,
            "source": self.source,
            "detectedAt": self.detected_at.isoformat(),
        }


def dedup_key(usage: SecretUsage) -> str:
    """Stable per secret, so every event about one secret lands on the same incident."""
    return f"secret-expiry/{usage.reference.vault}/{usage.reference.name}".lower()


def compose_alert(
    usage: SecretUsage,
    decision: ExpiryDecision,
    now: datetime,
    *,
    cache_seconds: float,
    source: str = "clienteling",
) -> Alert:
    ref = usage.reference
    expires_on = decision.condition.expires_on
    problem = decision.condition.problem
    command = rotate_command(ref.vault, ref.name, now)
    resolve = decision.resolve
    return Alert(
        action=AlertAction.RESOLVE if resolve else AlertAction.TRIGGER,
        secret_name=ref.name,
        vault=ref.vault,
        reference=str(ref),
        legal_entities=usage.legal_entities,
        finding=decision.finding.code,
        severity=Severity.INFO if resolve else decision.severity,
        expires_on=expires_on,
        days_left=decision.days_left,
        title=_title(usage, decision, expires_on, problem),
        impact="Nothing is broken any more." if resolve else _impact(usage, decision),
        rotation=_rotation(decision, command, cache_seconds, problem),
        rotate_command=command,
        dedup_key=dedup_key(usage),
        source=source,
        detected_at=now,
    )


def rotate_command(vault: str, name: str, now: datetime) -> str:
    # Suggest a year's validity: long enough to be useful, short enough to stay rotated.
    expires = (now + timedelta(days=365)).date().isoformat()
    return (
        f"az keyvault secret set --vault-name {vault} --name {name} "
        f"--value '<new client secret>' --expires {expires}T00:00:00Z"
    )


def _relative(days: int | None) -> str:
    if days is None:
        return "no expiry"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "less than a day left"
    return f"{days} day{'s' if days != 1 else ''} left"


def _title(
    usage: SecretUsage, decision: ExpiryDecision, expires_on: datetime | None, problem: str | None
) -> str:
    secret = f"Secret {usage.reference.name} in vault {usage.reference.vault}"
    entities = ", ".join(usage.legal_entities) or "no legal entity"
    date = expires_on.date().isoformat() if expires_on else ""
    kind = decision.finding.kind
    if decision.resolve:
        state = f"is healthy again (expires {date})" if date else "is healthy again"
    elif kind is FindingKind.EXPIRED:
        state = f"expired on {date} ({_relative(decision.days_left)})"
    elif kind is FindingKind.DISABLED:
        state = "is disabled"
    elif kind is FindingKind.UNREADABLE:
        state = f"cannot be read ({problem or 'unknown reason'})"
    elif kind is FindingKind.NO_EXPIRY:
        state = "has no expiry date"
    else:
        state = f"expires on {date} ({_relative(decision.days_left)})"
    return f"{secret} {state}; used by {entities}"


def _impact(usage: SecretUsage, decision: ExpiryDecision) -> str:
    kind = decision.finding.kind
    if kind is FindingKind.NO_EXPIRY:
        return "Nothing breaks yet, but nobody can be warned before this secret lapses."
    if kind in (FindingKind.EXPIRED, FindingKind.DISABLED, FindingKind.UNREADABLE):
        return f"Broken now: {usage.impact}"
    return f"When it expires: {usage.impact}"


def _rotation(
    decision: ExpiryDecision, command: str, cache_seconds: float, problem: str | None
) -> str:
    pickup = (
        f"The app picks up the new value within {_duration(cache_seconds)} "
        "(its secret cache time); no restart is needed."
    )
    kind = decision.finding.kind
    if decision.resolve:
        return "The secret was rotated; no action needed."
    if kind is FindingKind.NO_EXPIRY:
        return f"Set an expiry date when you next rotate it: {command}"
    if kind is FindingKind.UNREADABLE:
        return (
            f"Check that the app's identity can read the vault ({problem or 'see logs'}); "
            f"if the secret is gone, create it: {command}. {pickup}"
        )
    return (
        f"Create a new client secret for the app registration, then store it: {command}. {pickup}"
    )


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:g} seconds"
