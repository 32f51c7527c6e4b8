"""Errors of the Customer Insights client."""

from __future__ import annotations


class InsightsUnavailable(RuntimeError):
    """The platform did not give a usable answer (timeout, error status, malformed body)."""


class InvalidInsightsSettings(ValueError):
    """An Insights parameter has a value the client cannot use; `field` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"Customer Insights parameter {field}: {problem}")
        self.field = field
        self.problem = problem
