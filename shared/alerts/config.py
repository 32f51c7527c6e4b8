"""Alert channels and thresholds from app settings (any combination of channels)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from shared.alerts.channels import AlertChannel
from shared.alerts.channels.pagerduty import PagerDutyChannel
from shared.alerts.channels.slack import SlackChannel
from shared.alerts.channels.teams import TeamsChannel
from shared.alerts.channels.webhook import WebhookChannel
from shared.alerts.delivery import JsonPoster
from shared.domain.secret_expiry import parse_thresholds
from shared.secrets.config import read_setting
from shared.secrets.reference import (
    InvalidSecretReference,
    SecretReference,
    is_secret_reference,
    parse_secret_reference,
)
from shared.secrets.resolver import SecretResolver
from shared.settings import SettingsError

_URL_CHANNELS = (
    ("ALERT_WEBHOOK_URL", WebhookChannel),
    ("ALERT_TEAMS_WEBHOOK_URL", TeamsChannel),
    ("ALERT_SLACK_WEBHOOK_URL", SlackChannel),
)


def thresholds_from_settings(settings: Mapping[str, str]) -> tuple[int, ...]:
    raw = read_setting(settings, "SECRET_EXPIRY_THRESHOLDS_DAYS") or ""
    try:
        return parse_thresholds(raw)
    except ValueError as error:
        raise SettingsError("SECRET_EXPIRY_THRESHOLDS_DAYS", str(error)) from None


def channels_from_settings(
    settings: Mapping[str, str], resolver: SecretResolver, poster: JsonPoster | None = None
) -> list[AlertChannel]:
    poster = poster or JsonPoster()
    channels: list[AlertChannel] = []
    for name, channel_type in _URL_CHANNELS:
        url = read_setting(settings, name)
        if url:
            channels.append(channel_type(_https(name, url), poster))
    routing_key = read_setting(settings, "ALERT_PAGERDUTY_ROUTING_KEY")
    if routing_key:
        events_url = _https("ALERT_PAGERDUTY_URL", read_setting(settings, "ALERT_PAGERDUTY_URL"))
        channels.append(PagerDutyChannel(_routing_key(routing_key), resolver, poster, events_url))
    return channels


def _https(name: str, url: str | None) -> str:
    parts = urlsplit(url or "")
    if parts.scheme != "https" or not parts.hostname:
        # The URL itself is not repeated: webhook URLs embed their own secret.
        raise SettingsError(name, "must be an https URL")
    return url or ""


def _routing_key(value: str) -> str | SecretReference:
    if not is_secret_reference(value):
        return value
    try:
        return parse_secret_reference(value)
    except InvalidSecretReference as error:
        raise SettingsError("ALERT_PAGERDUTY_ROUTING_KEY", error.problem) from None
