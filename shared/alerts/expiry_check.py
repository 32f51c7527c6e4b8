"""The scheduled secret-expiry check: read each secret in use, decide, alert, remember.

Every run emits one structured event per secret (shared/telemetry): `secret-expiry-finding` for
an actionable finding, which an Azure Monitor alert rule also counts, so a broken channel
configuration still pages someone; `secret-expiry-status` for the rest. Alert state is kept per
channel and saved for the channels that took the alert (or resolve): a channel that failed is
sent it again on the next run, and the channels that delivered are not repeated.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.alerts.config import channels_from_settings, thresholds_from_settings
from shared.alerts.delivery import JsonPoster
from shared.alerts.dispatcher import AlertDispatcher
from shared.alerts.message import compose_alert
from shared.alerts.state import AlertStateStore
from shared.alerts.usage import SecretUsage, merge_usages
from shared.domain.secret_expiry import (
    DEFAULT_THRESHOLDS,
    ExpiryDecision,
    SecretCondition,
    Severity,
    decide,
)
from shared.secrets.config import SecretsConfig
from shared.secrets.errors import SecretUnavailable
from shared.secrets.reference import SecretReference
from shared.secrets.resolver import SecretResolver
from shared.telemetry.events import emit, event_logger
from shared.telemetry.fields import Event, Field

_events = event_logger("secret-expiry")

_LOG_LEVEL = {
    Severity.CRITICAL: logging.ERROR,
    Severity.ERROR: logging.ERROR,
    Severity.WARNING: logging.WARNING,
    Severity.INFO: logging.INFO,
}


@dataclass(frozen=True)
class ExpiryCheckSummary:
    checked: int
    findings: dict[str, int] = field(default_factory=dict)
    alerts_sent: int = 0
    resolved_sent: int = 0
    delivery_failures: dict[str, int] = field(default_factory=dict)


class SecretExpiryCheck:
    def __init__(
        self,
        usages: Sequence[SecretUsage],
        resolver: SecretResolver,
        store: AlertStateStore,
        dispatcher: AlertDispatcher,
        clock: Callable[[], datetime],
        *,
        thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS,
        cache_seconds: float = 300,
        source: str = "clienteling",
    ) -> None:
        self._usages = merge_usages(usages)
        self._resolver = resolver
        self._store = store
        self._dispatcher = dispatcher
        self._clock = clock
        self._thresholds = thresholds
        self._cache_seconds = cache_seconds
        self._source = source

    @classmethod
    def from_settings(
        cls,
        settings: Mapping[str, str],
        usages: Sequence[SecretUsage],
        resolver: SecretResolver,
        store: AlertStateStore,
        clock: Callable[[], datetime],
        poster: JsonPoster | None = None,
    ) -> SecretExpiryCheck:
        """The check as the timer runs it: channels, thresholds and cache time from settings."""
        return cls(
            usages,
            resolver,
            store,
            AlertDispatcher(channels_from_settings(settings, resolver, poster)),
            clock,
            thresholds=thresholds_from_settings(settings),
            cache_seconds=SecretsConfig.from_settings(settings).cache_seconds,
        )

    def run(self) -> ExpiryCheckSummary:
        findings: Counter[str] = Counter()
        failures: Counter[str] = Counter()
        sent = resolved = 0
        for usage in self._usages:
            now = self._clock()
            key = usage.reference.key
            condition = self._condition(usage.reference)
            # The secret's finding, whatever each channel was sent before.
            current = decide(condition, now, self._thresholds, None)
            findings[current.finding.code] += 1
            _log_finding(usage, current)
            decision, channels = self._due(key, condition, now)
            if decision is None or decision.next_state is None:
                continue
            alert = compose_alert(
                usage, decision, now, cache_seconds=self._cache_seconds, source=self._source
            )
            report = self._dispatcher.dispatch(alert, only=channels)
            failures.update(report.failed.keys())
            for channel in report.delivered:
                self._store.save(key, channel, decision.next_state)
            if report.delivered:
                sent += decision.alert
                resolved += decision.resolve
        return ExpiryCheckSummary(
            checked=len(self._usages),
            findings=dict(findings),
            alerts_sent=sent,
            resolved_sent=resolved,
            delivery_failures=dict(failures),
        )

    def _due(
        self, key: str, condition: SecretCondition, now: datetime
    ) -> tuple[ExpiryDecision | None, list[str]]:
        """What to send and the channels it is due to, each judged by what it was last sent.
        Those channels agree on what: the finding is the secret's, so it is an alert of that
        finding for every channel that has not had it, or a resolve for every channel that
        had an alert."""
        due: ExpiryDecision | None = None
        channels: list[str] = []
        for channel in self._dispatcher.channel_names:
            decision = decide(condition, now, self._thresholds, self._store.load(key, channel))
            if (decision.alert or decision.resolve) and decision.next_state is not None:
                due = decision
                channels.append(channel)
        return due, channels

    def _condition(self, ref: SecretReference) -> SecretCondition:
        try:
            properties = self._resolver.properties(ref)
        except SecretUnavailable as error:
            return SecretCondition(readable=False, problem=error.reason.value)
        if not properties.enabled:
            return SecretCondition(readable=False, enabled=False, expires_on=properties.expires_on)
        # Listing metadata can work while reading the value does not (permissions, a pinned
        # version): probe the read itself, bypassing the cache so the answer is current.
        self._resolver.invalidate(ref)
        try:
            self._resolver.get(ref)
        except SecretUnavailable as error:
            return SecretCondition(
                readable=False, expires_on=properties.expires_on, problem=error.reason.value
            )
        return SecretCondition(readable=True, expires_on=properties.expires_on)


def _log_finding(usage: SecretUsage, decision: ExpiryDecision) -> None:
    ref = usage.reference
    legal_entities = ",".join(usage.legal_entities)
    finding = decision.finding
    # Only actionable findings carry the event the alert rule counts; a healthy secret is
    # reported every day too, under its own event, for the workbook.
    event = Event.SECRET_EXPIRY_FINDING if finding.actionable else Event.SECRET_EXPIRY_STATUS
    expires_on = decision.condition.expires_on
    emit(
        _events,
        event,
        {
            Field.SECRET_NAME: ref.name,
            Field.VAULT: ref.vault,
            Field.LEGAL_ENTITY: legal_entities,
            Field.SEVERITY: decision.severity.value,
            Field.DAYS_LEFT: decision.days_left,
            Field.FINDING: finding.code,
            Field.FINDING_KIND: finding.kind.value,
            Field.EXPIRES_ON: expires_on.isoformat() if expires_on else None,
            Field.PROBLEM: decision.condition.problem,
        },
        "%s %s: secret %s in vault %s (legal entities %s), days left %s",
        event.value,
        finding.code,
        ref.name,
        ref.vault,
        legal_entities or "-",
        decision.days_left,
        level=_LOG_LEVEL[decision.severity],
    )
