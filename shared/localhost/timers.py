"""Timer functions on their schedules, plus "run now" for the admin endpoint.

Each timer has its own thread that sleeps until the next occurrence. Like the host, a timer
never overlaps itself (a run that outlasts its interval skips the occurrences it missed), a
failing run is logged and the schedule carries on, and `run_on_startup` runs once at start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from azure.functions.timer import TimerRequest

from shared.localhost.function_catalog import TimerFunction
from shared.localhost.invocation import invoke

logger = logging.getLogger("localhost")

# Sleep in slices so a changed wall clock (laptop resumed) is noticed within this many seconds.
_LONGEST_SLEEP_SECONDS = 30.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TimerRunner:
    def __init__(self, timers: Sequence[TimerFunction]) -> None:
        self._timers = {timer.name.casefold(): timer for timer in timers}
        self._locks = {name: threading.Lock() for name in self._timers}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()

    def find(self, name: str) -> TimerFunction | None:
        """The timer with this function name (case-insensitive, as the host treats names)."""
        return self._timers.get(name.casefold())

    def start(self) -> None:
        """Start one scheduling thread per timer."""
        for timer in self._timers.values():
            self._spawn(self._follow_schedule, f"timer-{timer.name}", timer)

    def run_now(self, name: str) -> TimerFunction | None:
        """Run the named timer once in the background; None when no timer has that name."""
        timer = self.find(name)
        if timer is not None:
            self._spawn(self.run, f"timer-{timer.name}-now", timer, "admin request")
        return timer

    def stop(self, timeout: float = 5.0) -> None:
        """Stop scheduling and wait (up to `timeout`) for runs in progress to finish."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        with self._threads_lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def run(self, timer: TimerFunction, reason: str = "schedule") -> None:
        """One invocation, logged; an exception is logged, never raised."""
        with self._locks[timer.name.casefold()]:
            started = time.perf_counter()
            logger.info("timer %s: run (%s)", timer.name, reason)
            try:
                invoke(timer.user_function, timer.name, timer.trigger_arg, TimerRequest())
            except Exception:
                elapsed = (time.perf_counter() - started) * 1000
                logger.exception("timer %s: failed after %.0f ms", timer.name, elapsed)
                return
            elapsed = (time.perf_counter() - started) * 1000
            logger.info("timer %s: done in %.0f ms", timer.name, elapsed)

    def _follow_schedule(self, timer: TimerFunction) -> None:
        if timer.run_on_startup:
            self.run(timer, "run on startup")
        due = timer.schedule.next_after(_utc_now())
        logger.info(
            "timer %s: %s, next run %s", timer.name, timer.schedule_expression, due.isoformat()
        )
        while not self._stopping.is_set():
            wait = (due - _utc_now()).total_seconds()
            if wait > 0:
                self._stopping.wait(min(wait, _LONGEST_SLEEP_SECONDS))
                continue
            self.run(timer)
            due = timer.schedule.next_after(max(_utc_now(), due))

    def _spawn(self, target: Callable[..., None], name: str, *arguments: object) -> None:
        thread = threading.Thread(target=target, args=arguments, name=name, daemon=True)
        with self._threads_lock:
            self._threads = [known for known in self._threads if known.is_alive()]
            self._threads.append(thread)
        thread.start()
