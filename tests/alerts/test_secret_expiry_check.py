import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from shared.alerts.channels.pagerduty import PagerDutyChannel
from shared.alerts.channels.webhook import WebhookChannel
from shared.alerts.delivery import JsonPoster
from shared.alerts.dispatcher import AlertDispatcher
from shared.alerts.expiry_check import SecretExpiryCheck
from shared.alerts.state import InMemoryAlertStateStore
from shared.alerts.usage import SecretUsage
from shared.secrets.keyvault import KeyVaultSecretResolver
from shared.secrets.local import LocalSecretResolver
from shared.secrets.reference import parse_secret_reference
from shared.telemetry.fields import EVENT, Event, Field
from tests.alerts.alert_scenario import INSIGHTS_SECRET, NOW, ROUTING_KEY, UtcClock
from tests.fakes.alert_receivers import PAGERDUTY_PATH, WEBHOOK_PATH, FakeAlertReceivers
from tests.fakes.keyvault import FakeKeyVault
from tests.fakes.server import FakeResponse
from tests.infra.kql import fields_read_for
from tests.support.telemetry import telemetry_pipeline

SECRET_VALUE = "Insights-Client-Secret-Value-1"
PD_REF = parse_secret_reference("vault://kv-ops/pagerduty-routing-key")


@pytest.fixture
def store() -> InMemoryAlertStateStore:
    return InMemoryAlertStateStore()


@pytest.fixture
def pagerduty_key_resolver(local_secrets: Path) -> LocalSecretResolver:
    local_secrets.write_text(json.dumps({"kv-ops/pagerduty-routing-key": {"value": ROUTING_KEY}}))
    return LocalSecretResolver(local_secrets)


@pytest.fixture
def make_check(
    resolver: KeyVaultSecretResolver,
    store,
    receivers: FakeAlertReceivers,
    poster: JsonPoster,
    pagerduty_key_resolver: LocalSecretResolver,
    clock: UtcClock,
):
    def make(usages=(SecretUsage(INSIGHTS_SECRET, ("USRT", "DEMF")),)) -> SecretExpiryCheck:
        dispatcher = AlertDispatcher(
            [
                WebhookChannel(receivers.url(WEBHOOK_PATH), poster),
                PagerDutyChannel(
                    PD_REF, pagerduty_key_resolver, poster, receivers.url(PAGERDUTY_PATH)
                ),
            ]
        )
        return SecretExpiryCheck(
            list(usages),
            resolver,
            store,
            dispatcher,
            clock,
            thresholds=(30, 14, 7, 1),
            cache_seconds=300,
        )

    return make


def store_secret(key_vault: FakeKeyVault, days: float, **options) -> None:
    key_vault.set_secret(
        INSIGHTS_SECRET.vault,
        INSIGHTS_SECRET.name,
        SECRET_VALUE,
        expires_on=NOW + timedelta(days=days),
        **options,
    )


def events(receivers: FakeAlertReceivers) -> list[tuple[str, str]]:
    return [
        (b["event_action"], b.get("payload", {}).get("severity", "-"))
        for b in receivers.bodies(PAGERDUTY_PATH)
    ]


def test_each_threshold_alerts_once_across_runs(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers, clock: UtcClock
) -> None:
    store_secret(key_vault, days=29.5)
    check = make_check()

    first = check.run()
    clock.advance(days=1)
    second = check.run()  # still within 30 days: nothing new
    clock.advance(days=15)  # 13.5 days left
    third = check.run()

    assert (first.alerts_sent, second.alerts_sent, third.alerts_sent) == (1, 0, 1)
    assert first.findings == {"threshold-30": 1}
    assert third.findings == {"threshold-14": 1}
    assert [b["finding"] for b in receivers.bodies(WEBHOOK_PATH)] == [
        "threshold-30",
        "threshold-14",
    ]
    assert events(receivers) == [("trigger", "warning"), ("trigger", "warning")]


def test_rotation_sends_a_resolve_once(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers, clock: UtcClock
) -> None:
    store_secret(key_vault, days=5)
    check = make_check()
    check.run()

    store_secret(key_vault, days=400)  # az keyvault secret set ... --expires next year
    clock.advance(hours=1)
    resolved = check.run()
    again = check.run()

    assert (resolved.resolved_sent, resolved.findings) == (1, {"healthy": 1})
    assert (again.alerts_sent, again.resolved_sent) == (0, 0)
    assert events(receivers) == [("trigger", "error"), ("resolve", "-")]
    assert receivers.bodies(WEBHOOK_PATH)[-1]["action"] == "resolve"


def test_expired_disabled_and_unreadable_secrets_are_critical(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers
) -> None:
    key_vault.set_secret("kv-contoso", "expired-secret", "x", NOW - timedelta(days=1))
    key_vault.set_secret(
        "kv-contoso", "disabled-secret", "x", NOW + timedelta(days=90), enabled=False
    )
    key_vault.set_secret("kv-contoso", "locked-secret", "x", NOW + timedelta(days=90))
    key_vault.forbidden.add(("kv-contoso", "locked-secret"))
    usages = [
        SecretUsage(parse_secret_reference(f"vault://kv-contoso/{name}"), ("USRT",))
        for name in ("expired-secret", "disabled-secret", "locked-secret", "gone-secret")
    ]

    summary = make_check(usages).run()

    assert summary.findings == {"expired": 1, "disabled": 1, "unreadable": 2}
    assert summary.alerts_sent == 4
    assert [b["finding"] for b in receivers.bodies(WEBHOOK_PATH)] == [
        "expired",
        "disabled",
        "unreadable",
        "unreadable",
    ]
    titles = [b["title"] for b in receivers.bodies(WEBHOOK_PATH)]
    assert "cannot be read (forbidden)" in titles[2]
    assert "cannot be read (not-found)" in titles[3]
    assert {e for e in events(receivers)} == {("trigger", "critical")}


def test_an_alert_no_channel_took_is_tried_again_on_the_next_run(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers, pagerduty_key_resolver
) -> None:
    store_secret(key_vault, days=6)
    for path in (WEBHOOK_PATH, PAGERDUTY_PATH):
        for _ in range(3):
            receivers.server.enqueue(FakeResponse(503, {}), path)
    check = make_check()

    failed = check.run()
    retried = check.run()

    assert (failed.alerts_sent, failed.delivery_failures) == (0, {"webhook": 1, "pagerduty": 1})
    assert (retried.alerts_sent, retried.delivery_failures) == (1, {})


def test_a_channel_that_failed_is_retried_on_the_next_run_and_only_that_one(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers
) -> None:
    store_secret(key_vault, days=6)
    for _ in range(3):  # every attempt of the first run
        receivers.server.enqueue(FakeResponse(503, {}), WEBHOOK_PATH)
    check = make_check()

    first = check.run()  # PagerDuty takes it, the webhook does not
    second = check.run()
    third = check.run()

    assert (first.alerts_sent, first.delivery_failures) == (1, {"webhook": 1})
    assert (second.alerts_sent, second.delivery_failures) == (1, {})
    assert (third.alerts_sent, third.delivery_failures) == (0, {})
    # Three refused attempts in the first run, one delivery in the second, none after.
    assert [b["finding"] for b in receivers.bodies(WEBHOOK_PATH)] == ["threshold-7"] * 4
    assert events(receivers) == [("trigger", "error")]  # PagerDuty was not paged twice


def test_a_resolve_a_channel_missed_is_sent_to_it_on_the_next_run(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers, clock: UtcClock
) -> None:
    store_secret(key_vault, days=5)
    check = make_check()
    check.run()
    store_secret(key_vault, days=400)  # rotated
    clock.advance(hours=1)
    for _ in range(3):
        receivers.server.enqueue(FakeResponse(503, {}), PAGERDUTY_PATH)

    missed = check.run()  # the webhook takes the resolve, PagerDuty does not
    retried = check.run()
    settled = check.run()

    assert (missed.resolved_sent, missed.delivery_failures) == (1, {"pagerduty": 1})
    assert (retried.resolved_sent, retried.delivery_failures) == (1, {})
    assert (settled.resolved_sent, settled.alerts_sent) == (0, 0)
    # PagerDuty: the trigger, three refused resolves, then the resolve it took.
    assert events(receivers) == [("trigger", "error")] + [("resolve", "-")] * 4
    assert [b["action"] for b in receivers.bodies(WEBHOOK_PATH)] == ["trigger", "resolve"]


def test_a_channel_that_never_had_the_alert_gets_no_resolve(
    make_check, key_vault: FakeKeyVault, receivers: FakeAlertReceivers, clock: UtcClock
) -> None:
    store_secret(key_vault, days=5)
    for _ in range(3):
        receivers.server.enqueue(FakeResponse(503, {}), PAGERDUTY_PATH)
    check = make_check()
    check.run()  # only the webhook takes the alert
    store_secret(key_vault, days=400)  # rotated before PagerDuty was retried

    summary = check.run()

    assert (summary.resolved_sent, summary.alerts_sent) == (1, 0)
    assert events(receivers) == [("trigger", "error")] * 3  # the refused attempts only
    assert [b["action"] for b in receivers.bodies(WEBHOOK_PATH)] == ["trigger", "resolve"]


def test_one_structured_record_per_finding_and_no_secret_in_any_log(
    make_check, key_vault: FakeKeyVault, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store_secret(key_vault, days=0.5)
    key_vault.set_secret(
        "kv-contoso", "healthy-secret", "Another-Secret-Value", NOW + timedelta(days=300)
    )
    usages = [
        SecretUsage(INSIGHTS_SECRET, ("USRT",)),
        SecretUsage(INSIGHTS_SECRET, ("DEMF",)),
        SecretUsage(parse_secret_reference("vault://kv-contoso/healthy-secret"), ("USRT",)),
    ]

    make_check(usages).run()

    records = [r for r in caplog.records if hasattr(r, EVENT)]
    assert [
        {field: getattr(r, field) for field in Field if hasattr(r, field)} for r in records
    ] == [
        {
            "secretName": "insights-client-secret",
            "vault": "kv-contoso",
            "legalEntity": "DEMF,USRT",
            "severity": "critical",
            "daysLeft": 0,
            "finding": "threshold-1",
            "findingKind": "threshold",
            "expiresOn": "2030-01-01T21:00:00+00:00",
        },
        {
            "secretName": "healthy-secret",
            "vault": "kv-contoso",
            "legalEntity": "USRT",
            "severity": "info",
            "daysLeft": 300,
            "finding": "healthy",
            "findingKind": "healthy",
            "expiresOn": "2030-10-28T09:00:00+00:00",
        },
    ]
    # The alert rule counts secret-expiry-finding only: the healthy secret is a status record.
    assert [getattr(r, EVENT) for r in records] == [
        "secret-expiry-finding",
        "secret-expiry-status",
    ]
    findings = records
    assert [r.levelname for r in findings] == ["ERROR", "INFO"]
    assert any(r.name.startswith("azure") for r in caplog.records), "SDK logs were captured"
    for leaked in (SECRET_VALUE, "Another-Secret-Value", ROUTING_KEY):
        assert leaked not in caplog.text


def test_the_check_can_be_built_from_app_settings(
    resolver: KeyVaultSecretResolver,
    store,
    receivers: FakeAlertReceivers,
    poster: JsonPoster,
    key_vault: FakeKeyVault,
    clock: UtcClock,
) -> None:
    store_secret(key_vault, days=15)
    check = SecretExpiryCheck.from_settings(
        {
            "ALERT_WEBHOOK_URL": receivers.url(WEBHOOK_PATH),
            "SECRET_EXPIRY_THRESHOLDS_DAYS": "20",
            "SECRET_CACHE_SECONDS": "120",
        },
        [SecretUsage(INSIGHTS_SECRET, ("USRT",))],
        resolver,
        store,
        clock,
        poster=poster,
    )

    summary = check.run()

    assert summary.findings == {"threshold-20": 1}
    (body,) = receivers.bodies(WEBHOOK_PATH)
    assert "within 2 minutes" in body["rotation"]


def test_findings_reach_app_traces_properties_and_only_actionable_ones_are_alert_events(
    make_check, key_vault: FakeKeyVault
) -> None:
    store_secret(key_vault, days=10)
    key_vault.set_secret("kv-contoso", "healthy-secret", "v", NOW + timedelta(days=300))
    key_vault.set_secret("kv-contoso", "no-expiry-secret", "v", None)
    usages = [
        SecretUsage(INSIGHTS_SECRET, ("USRT",)),
        SecretUsage(parse_secret_reference("vault://kv-contoso/healthy-secret"), ("USRT",)),
        SecretUsage(parse_secret_reference("vault://kv-contoso/no-expiry-secret"), ("DEMF",)),
        SecretUsage(parse_secret_reference("vault://kv-contoso/missing-secret"), ("DEMF",)),
    ]

    with telemetry_pipeline() as pipeline:
        make_check(usages).run()

    alerting = {p["secretName"]: p for p in pipeline.properties(Event.SECRET_EXPIRY_FINDING)}
    assert {name: p["finding"] for name, p in alerting.items()} == {
        "insights-client-secret": "threshold-14",
        "missing-secret": "unreadable",
    }
    threshold = alerting["insights-client-secret"]
    assert threshold == {
        **threshold,
        "vault": "kv-contoso",
        "legalEntity": "USRT",
        "severity": "warning",
        "daysLeft": "10",
        "findingKind": "threshold",
        "expiresOn": (NOW + timedelta(days=10)).isoformat(),
    }
    assert alerting["missing-secret"]["problem"] == "not-found"
    statuses = pipeline.properties(Event.SECRET_EXPIRY_STATUS)
    assert {p["secretName"]: p["findingKind"] for p in statuses} == {
        "healthy-secret": "healthy",
        "no-expiry-secret": "no-expiry",
    }
    no_expiry = next(p for p in statuses if p["secretName"] == "no-expiry-secret")
    assert "daysLeft" not in no_expiry and "expiresOn" not in no_expiry
    # Every field the alert rule and the workbook read from these events is one the check sent.
    sent = set().union(*(set(p) for p in [*alerting.values(), *statuses]))
    read = fields_read_for(Event.SECRET_EXPIRY_FINDING) | fields_read_for(
        Event.SECRET_EXPIRY_STATUS
    )
    assert read <= sent
