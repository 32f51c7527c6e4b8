"""Customer Insights: measures for customer cards, read from Dataverse."""

from shared.insights.breaker import CircuitBreaker, CircuitState
from shared.insights.client import InsightsClient
from shared.insights.errors import InsightsUnavailable, InvalidInsightsSettings
from shared.insights.measures import CustomerMeasures, Measure
from shared.insights.settings import InsightsSettings, InsightsTuning
from shared.insights.setup_check import SetupStep, validate_setup
from shared.insights.transport import RetryPolicy

__all__ = [
    "CircuitBreaker",
    "CircuitState",
    "CustomerMeasures",
    "InsightsClient",
    "InsightsSettings",
    "InsightsTuning",
    "InsightsUnavailable",
    "InvalidInsightsSettings",
    "Measure",
    "RetryPolicy",
    "SetupStep",
    "validate_setup",
]
