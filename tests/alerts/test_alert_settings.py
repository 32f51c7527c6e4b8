from pathlib import Path

import pytest

from shared.alerts.channels.pagerduty import PagerDutyChannel
from shared.alerts.config import channels_from_settings, thresholds_from_settings
from shared.alerts.delivery import JsonPoster
from shared.secrets.local import LocalSecretResolver
from shared.settings import SettingsError
from tests.alerts.alert_scenario import ROUTING_KEY, warning_alert
from tests.fakes.alert_receivers import PAGERDUTY_PATH, FakeAlertReceivers


@pytest.fixture
def resolver(local_secrets: Path) -> LocalSecretResolver:
    local_secrets.write_text('{"kv-ops/pd-key": {"value": "' + ROUTING_KEY + '"}}')
    return LocalSecretResolver(local_secrets)


def test_no_channel_settings_means_no_channels(resolver) -> None:
    assert channels_from_settings({}, resolver) == []


def test_any_combination_of_channels_is_configured_from_settings(resolver) -> None:
    channels = channels_from_settings(
        {
            "ALERT_TEAMS_WEBHOOK_URL": "https://contoso.webhook.office.com/x",
            "ALERT_PAGERDUTY_ROUTING_KEY": "vault://kv-ops/pd-key",
        },
        resolver,
    )
    assert [c.name for c in channels] == ["teams", "pagerduty"]

    everything = channels_from_settings(
        {
            "ALERT_WEBHOOK_URL": "https://hooks.example/a",
            "ALERT_TEAMS_WEBHOOK_URL": "https://contoso.webhook.office.com/x",
            "ALERT_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x",
            "ALERT_PAGERDUTY_ROUTING_KEY": ROUTING_KEY,
        },
        resolver,
    )
    assert [c.name for c in everything] == ["webhook", "teams", "slack", "pagerduty"]


def test_the_pagerduty_url_setting_and_a_vault_routing_key_are_used(
    resolver, receivers: FakeAlertReceivers, poster: JsonPoster
) -> None:
    (channel,) = channels_from_settings(
        {
            "ALERT_PAGERDUTY_ROUTING_KEY": "vault://kv-ops/pd-key",
            "ALERT_PAGERDUTY_URL": receivers.url(PAGERDUTY_PATH),
        },
        resolver,
        poster,
    )
    assert isinstance(channel, PagerDutyChannel)

    channel.send(warning_alert())

    assert receivers.bodies(PAGERDUTY_PATH)[0]["routing_key"] == ROUTING_KEY


@pytest.mark.parametrize(
    "name", ["ALERT_WEBHOOK_URL", "ALERT_TEAMS_WEBHOOK_URL", "ALERT_SLACK_WEBHOOK_URL"]
)
def test_webhook_urls_must_be_https_and_are_not_echoed(resolver, name: str) -> None:
    with pytest.raises(SettingsError) as raised:
        channels_from_settings({name: "http://hooks.example/secret-token-123"}, resolver)
    assert raised.value.setting == name
    assert "secret-token-123" not in str(raised.value)


def test_a_malformed_routing_key_reference_is_named_without_the_value(resolver) -> None:
    with pytest.raises(SettingsError) as raised:
        channels_from_settings({"ALERT_PAGERDUTY_ROUTING_KEY": "vault://kv/pd-key"}, resolver)
    assert raised.value.setting == "ALERT_PAGERDUTY_ROUTING_KEY"


def test_thresholds_come_from_settings() -> None:
    assert thresholds_from_settings({}) == (30, 14, 7, 1)
    assert thresholds_from_settings({"SECRET_EXPIRY_THRESHOLDS_DAYS": "60,30"}) == (60, 30)
    with pytest.raises(SettingsError):
        thresholds_from_settings({"SECRET_EXPIRY_THRESHOLDS_DAYS": "soon"})
