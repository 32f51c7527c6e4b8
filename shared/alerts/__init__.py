"""Secret-expiry alerts: the scheduled check, message composition and delivery channels."""

from shared.alerts.config import channels_from_settings, thresholds_from_settings
from shared.alerts.delivery import DeliveryFailed, DeliveryPolicy, JsonPoster
from shared.alerts.dispatcher import AlertDispatcher, DeliveryReport
from shared.alerts.expiry_check import ExpiryCheckSummary, SecretExpiryCheck
from shared.alerts.message import Alert, AlertAction, compose_alert
from shared.alerts.state import AlertState, AlertStateStore, InMemoryAlertStateStore
from shared.alerts.usage import SecretUsage

__all__ = [
    "Alert",
    "AlertAction",
    "AlertDispatcher",
    "AlertState",
    "AlertStateStore",
    "DeliveryFailed",
    "DeliveryPolicy",
    "DeliveryReport",
    "ExpiryCheckSummary",
    "InMemoryAlertStateStore",
    "JsonPoster",
    "SecretExpiryCheck",
    "SecretUsage",
    "channels_from_settings",
    "compose_alert",
    "thresholds_from_settings",
]
