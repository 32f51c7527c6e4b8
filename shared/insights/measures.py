"""What a customer card gets from Insights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MeasureValue = str | int | float | bool | None


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    value: MeasureValue


@dataclass(frozen=True)
class CustomerMeasures:
    status: Literal["ok", "unavailable"]
    measures: tuple[Measure, ...] = ()
    # Why measures are missing (for logs and an explanatory note on the card), never shown raw.
    reason: str | None = None

    @classmethod
    def unavailable(cls, reason: str) -> CustomerMeasures:
        return cls(status="unavailable", reason=reason)
