"""A circuit breaker that keeps customer cards fast while the Insights platform is down.

closed: calls go through; N consecutive failures open it.
open: calls are refused at once, until the cool-down has passed.
half-open: one caller probes; success closes the circuit, failure opens it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from shared.telemetry.events import emit, event_logger
from shared.telemetry.fields import Event, Field

_events = event_logger("insights")


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> CircuitState:
        with self._lock:
            if self._state is CircuitState.OPEN and self._cooled_down():
                return CircuitState.HALF_OPEN
            return self._state

    def allow(self) -> bool:
        """Whether a call may go to the platform now (in half-open: only the one probe)."""
        with self._lock:
            if self._state is CircuitState.OPEN and self._cooled_down():
                self._move_to(CircuitState.HALF_OPEN)
                self._probe_in_flight = False
            if self._state is CircuitState.CLOSED:
                return True
            if self._state is CircuitState.HALF_OPEN and not self._probe_in_flight:
                self._probe_in_flight = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._move_to(CircuitState.CLOSED)
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probe_in_flight = False
            if self._state is CircuitState.HALF_OPEN or self._failures >= self._threshold:
                self._move_to(CircuitState.OPEN)
                self._opened_at = self._clock()

    def _move_to(self, state: CircuitState) -> None:
        """Change state; a change is an event, so on-call sees when cards lost their measures."""
        previous, self._state = self._state, state
        if previous is not state:
            emit(
                _events,
                Event.INSIGHTS_BREAKER,
                {Field.BREAKER_STATE: state.value, Field.PREVIOUS_STATE: previous.value},
                "Customer Insights circuit %s (was %s)",
                state.value,
                previous.value,
                level=logging.WARNING if state is CircuitState.OPEN else logging.INFO,
            )

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self._cooldown
