import json
import logging
from pathlib import Path

import pytest

from shared.alerts.channels.pagerduty import PagerDutyChannel
from shared.alerts.channels.slack import SlackChannel
from shared.alerts.channels.teams import TeamsChannel
from shared.alerts.channels.webhook import WebhookChannel
from shared.alerts.delivery import DeliveryFailed, JsonPoster
from shared.alerts.dispatcher import AlertDispatcher
from shared.secrets.local import LocalSecretResolver
from shared.secrets.reference import parse_secret_reference
from tests.alerts.alert_scenario import ROUTING_KEY, resolve_alert, warning_alert
from tests.fakes.alert_receivers import (
    PAGERDUTY_PATH,
    SLACK_PATH,
    TEAMS_PATH,
    WEBHOOK_PATH,
    FakeAlertReceivers,
)
from tests.fakes.server import FakeResponse

TITLE = (
    "Secret insights-client-secret in vault kv-contoso expires on 2030-01-14 "
    "(13 days left); used by USRT, DEMF"
)
IMPACT = "When it expires: Customer Insights measures on customer cards stop loading."
COMMAND = (
    "az keyvault secret set --vault-name kv-contoso --name insights-client-secret "
    "--value '<new client secret>' --expires 2031-01-01T00:00:00Z"
)
ROTATION = (
    f"Create a new client secret for the app registration, then store it: {COMMAND}. "
    "The app picks up the new value within 5 minutes (its secret cache time); "
    "no restart is needed."
)
EXPIRES = "2030-01-14 (13 days left)"
PD_REF = parse_secret_reference("vault://kv-contoso/pagerduty-routing-key")


@pytest.fixture
def routing_key_resolver(local_secrets: Path) -> LocalSecretResolver:
    local_secrets.write_text(json.dumps({str(PD_REF)[len("vault://") :]: {"value": ROUTING_KEY}}))
    return LocalSecretResolver(local_secrets)


def test_the_generic_webhook_gets_the_alert_fields(
    receivers: FakeAlertReceivers, poster: JsonPoster
) -> None:
    WebhookChannel(receivers.url(WEBHOOK_PATH), poster).send(warning_alert())

    assert receivers.bodies(WEBHOOK_PATH) == [
        {
            "event": "secret-expiry",
            "action": "trigger",
            "title": TITLE,
            "secretName": "insights-client-secret",
            "vault": "kv-contoso",
            "reference": "vault://kv-contoso/insights-client-secret",
            "legalEntities": ["USRT", "DEMF"],
            "finding": "threshold-14",
            "severity": "warning",
            "expiresOn": "2030-01-14T21:00:00+00:00",
            "daysLeft": 13,
            "impact": IMPACT,
            "rotation": ROTATION,
            "rotateCommand": COMMAND,
            "dedupKey": "secret-expiry/kv-contoso/insights-client-secret",
            "source": "clienteling",
            "detectedAt": "2030-01-01T09:00:00+00:00",
        }
    ]


def test_teams_gets_an_adaptive_card_message(
    receivers: FakeAlertReceivers, poster: JsonPoster
) -> None:
    TeamsChannel(receivers.url(TEAMS_PATH), poster).send(warning_alert())

    assert receivers.bodies(TEAMS_PATH) == [
        {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {
                                "type": "TextBlock",
                                "text": TITLE,
                                "weight": "Bolder",
                                "size": "Medium",
                                "wrap": True,
                                "color": "warning",
                            },
                            {
                                "type": "FactSet",
                                "facts": [
                                    {"title": "Secret", "value": "insights-client-secret"},
                                    {"title": "Vault", "value": "kv-contoso"},
                                    {"title": "Legal entities", "value": "USRT, DEMF"},
                                    {"title": "Expires", "value": EXPIRES},
                                    {"title": "Severity", "value": "warning"},
                                    {"title": "Finding", "value": "threshold-14"},
                                ],
                            },
                            {"type": "TextBlock", "text": IMPACT, "wrap": True},
                            {"type": "TextBlock", "text": ROTATION, "wrap": True},
                            {
                                "type": "TextBlock",
                                "text": COMMAND,
                                "wrap": True,
                                "fontType": "Monospace",
                            },
                        ],
                    },
                }
            ],
        }
    ]


def test_slack_gets_text_and_blocks(receivers: FakeAlertReceivers, poster: JsonPoster) -> None:
    SlackChannel(receivers.url(SLACK_PATH), poster).send(warning_alert())

    assert receivers.bodies(SLACK_PATH) == [
        {
            "text": TITLE,
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": TITLE}},
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": "*Secret*\ninsights-client-secret"},
                        {"type": "mrkdwn", "text": "*Vault*\nkv-contoso"},
                        {"type": "mrkdwn", "text": "*Legal entities*\nUSRT, DEMF"},
                        {"type": "mrkdwn", "text": f"*Expires*\n{EXPIRES}"},
                        {"type": "mrkdwn", "text": "*Severity*\nwarning"},
                        {"type": "mrkdwn", "text": "*Finding*\nthreshold-14"},
                    ],
                },
                {"type": "section", "text": {"type": "mrkdwn", "text": f"{IMPACT}\n{ROTATION}"}},
                {"type": "section", "text": {"type": "mrkdwn", "text": f"```{COMMAND}```"}},
            ],
        }
    ]


def test_pagerduty_triggers_with_the_routing_key_from_the_vault(
    receivers: FakeAlertReceivers, poster: JsonPoster, routing_key_resolver
) -> None:
    channel = PagerDutyChannel(PD_REF, routing_key_resolver, poster, receivers.url(PAGERDUTY_PATH))
    channel.send(warning_alert())

    assert receivers.bodies(PAGERDUTY_PATH) == [
        {
            "routing_key": ROUTING_KEY,
            "event_action": "trigger",
            "dedup_key": "secret-expiry/kv-contoso/insights-client-secret",
            "payload": {
                "summary": TITLE,
                "source": "clienteling",
                "severity": "warning",
                "timestamp": "2030-01-01T09:00:00+00:00",
                "component": "kv-contoso",
                "group": "USRT,DEMF",
                "class": "secret-expiry",
                "custom_details": {
                    "secret": "insights-client-secret",
                    "vault": "kv-contoso",
                    "legal_entities": ["USRT", "DEMF"],
                    "finding": "threshold-14",
                    "expires_on": "2030-01-14T21:00:00+00:00",
                    "days_left": 13,
                    "impact": IMPACT,
                    "how_to_rotate": ROTATION,
                },
            },
        }
    ]


def test_pagerduty_resolves_the_same_incident(
    receivers: FakeAlertReceivers, poster: JsonPoster, routing_key_resolver
) -> None:
    channel = PagerDutyChannel(
        ROUTING_KEY, routing_key_resolver, poster, receivers.url(PAGERDUTY_PATH)
    )
    channel.send(warning_alert())
    channel.send(resolve_alert())

    trigger, resolve = receivers.bodies(PAGERDUTY_PATH)
    assert resolve == {
        "routing_key": ROUTING_KEY,
        "event_action": "resolve",
        "dedup_key": trigger["dedup_key"],
    }


def test_an_unreadable_routing_key_fails_only_that_delivery(
    receivers: FakeAlertReceivers, poster: JsonPoster, local_secrets: Path
) -> None:
    local_secrets.write_text("{}")
    channel = PagerDutyChannel(
        PD_REF, LocalSecretResolver(local_secrets), poster, receivers.url(PAGERDUTY_PATH)
    )
    with pytest.raises(DeliveryFailed, match="routing key unavailable: not-found"):
        channel.send(warning_alert())
    assert receivers.bodies(PAGERDUTY_PATH) == []


def test_a_server_error_is_retried_with_backoff_until_delivered(
    receivers: FakeAlertReceivers, poster: JsonPoster, sleeps
) -> None:
    receivers.server.enqueue(FakeResponse(500, {"error": "busy"}), WEBHOOK_PATH)
    receivers.server.enqueue(FakeResponse(503, {}, {"Retry-After": "1"}), WEBHOOK_PATH)

    WebhookChannel(receivers.url(WEBHOOK_PATH), poster).send(warning_alert())

    assert len(receivers.bodies(WEBHOOK_PATH)) == 3
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        ("-5", 0.5),  # not delay-seconds: our own backoff
        ("nan", 0.5),
        ("soon", 0.5),
        ("9" * 5000, 2.0),  # huge: our cap
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),  # in the past: now
        ("Sun, 06 Nov 1994 08:49:37 -0000", 0.0),
    ],
)
def test_any_retry_after_is_a_wait_the_delivery_can_sleep(
    receivers: FakeAlertReceivers, poster: JsonPoster, sleeps, retry_after: str, wait: float
) -> None:
    receivers.server.enqueue(FakeResponse(429, {}, {"Retry-After": retry_after}), WEBHOOK_PATH)

    WebhookChannel(receivers.url(WEBHOOK_PATH), poster).send(warning_alert())

    assert len(receivers.bodies(WEBHOOK_PATH)) == 2
    assert sleeps == [wait]


def test_retries_are_bounded(receivers: FakeAlertReceivers, poster: JsonPoster, sleeps) -> None:
    for _ in range(5):
        receivers.server.enqueue(FakeResponse(502, {}), SLACK_PATH)

    with pytest.raises(DeliveryFailed, match="HTTP 502"):
        SlackChannel(receivers.url(SLACK_PATH), poster).send(warning_alert())

    assert len(receivers.bodies(SLACK_PATH)) == 3
    assert sleeps == [0.5, 1.0]


def test_a_refused_payload_is_not_retried(
    receivers: FakeAlertReceivers, poster: JsonPoster, sleeps
) -> None:
    receivers.server.enqueue(FakeResponse(400, {"error": "bad card"}), TEAMS_PATH)

    with pytest.raises(DeliveryFailed, match="HTTP 400"):
        TeamsChannel(receivers.url(TEAMS_PATH), poster).send(warning_alert())

    assert len(receivers.bodies(TEAMS_PATH)) == 1 and sleeps == []


def test_one_channel_down_does_not_stop_the_others(
    receivers: FakeAlertReceivers,
    poster: JsonPoster,
    routing_key_resolver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        receivers.server.enqueue(FakeResponse(503, {}), TEAMS_PATH)
    unreachable = "https://127.0.0.1:9/services/T000/B000/unreachable-slack-token"
    dispatcher = AlertDispatcher(
        [
            TeamsChannel(receivers.url(TEAMS_PATH), poster),
            SlackChannel(unreachable, poster),
            WebhookChannel(receivers.url(WEBHOOK_PATH), poster),
            PagerDutyChannel(PD_REF, routing_key_resolver, poster, receivers.url(PAGERDUTY_PATH)),
        ]
    )

    report = dispatcher.dispatch(warning_alert())

    assert report.delivered == ("webhook", "pagerduty")
    assert report.failed == {"teams": "HTTP 503", "slack": "ConnectionError"}
    assert len(receivers.bodies(WEBHOOK_PATH)) == 1
    assert len(receivers.bodies(PAGERDUTY_PATH)) == 1
    assert "alert delivery to slack failed (ConnectionError), attempt 3 of 3" in caplog.text
    assert ROUTING_KEY not in caplog.text
    our_logs = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("shared."))
    assert "unreachable-slack-token" not in our_logs
