"""Names and test doubles shared by the alert tests."""

from datetime import UTC, datetime, timedelta

from shared.alerts.message import Alert, compose_alert
from shared.alerts.usage import SecretUsage
from shared.domain.secret_expiry import DEFAULT_THRESHOLDS, SecretCondition, decide
from shared.secrets.reference import parse_secret_reference

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
INSIGHTS_SECRET = parse_secret_reference("vault://kv-contoso/insights-client-secret")
INSIGHTS_USAGE = SecretUsage(INSIGHTS_SECRET, ("USRT", "DEMF"))
ROUTING_KEY = "R0UT1NGKEY0000000000000000000001"


class UtcClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Sleeps(list[float]):
    """Records the waits between delivery attempts instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def warning_alert() -> Alert:
    condition = SecretCondition(readable=True, expires_on=NOW + timedelta(days=13, hours=12))
    decision = decide(condition, NOW, DEFAULT_THRESHOLDS, None)
    return compose_alert(INSIGHTS_USAGE, decision, NOW, cache_seconds=300)


def resolve_alert() -> Alert:
    warned = decide(
        SecretCondition(readable=True, expires_on=NOW + timedelta(days=3)),
        NOW,
        DEFAULT_THRESHOLDS,
        None,
    ).next_state
    decision = decide(
        SecretCondition(readable=True, expires_on=NOW + timedelta(days=400)),
        NOW,
        DEFAULT_THRESHOLDS,
        warned,
    )
    return compose_alert(INSIGHTS_USAGE, decision, NOW, cache_seconds=300)
