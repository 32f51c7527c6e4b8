"""Running test actions at the same moment, for the race tests of both stores."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

JOIN_SECONDS = 30


def race(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run the actions on threads released together; each one's result, or the exception it
    raised, in order (a thread's exception would otherwise be lost)."""
    results: list[Any] = [None] * len(actions)
    start = threading.Barrier(len(actions))

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = actions[index]()
        except Exception as problem:
            results[index] = problem

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    return results
