"""What the local host takes from host.json: the HTTP route prefix and the queue settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_ROUTE_PREFIX = "api"


def _extension(path: str | Path, name: str) -> dict[str, Any]:
    """`extensions.<name>` of a host.json; an absent file or section reads as empty."""
    file = Path(path)
    if not file.exists():
        return {}
    document = json.loads(file.read_text(encoding="utf-8"))
    return (document.get("extensions") or {}).get(name) or {}


def read_route_prefix(path: str | Path = "host.json") -> str:
    """`extensions.http.routePrefix` (an empty string is allowed); "api" when not set."""
    prefix = _extension(path, "http").get("routePrefix", DEFAULT_ROUTE_PREFIX)
    if not isinstance(prefix, str):
        raise ValueError(f"{path}: extensions.http.routePrefix must be a string")
    return prefix.strip("/")


@dataclass(frozen=True)
class QueueOptions:
    """`extensions.queues`, with the Functions host's defaults (maxDequeueCount 5,
    visibilityTimeout 0, maxPollingInterval 1 minute, batchSize 16)."""

    max_dequeue_count: int = 5
    visibility_timeout_seconds: float = 0.0
    max_polling_interval_seconds: float = 60.0
    batch_size: int = 16


def _seconds(text: str | float) -> float:
    """A TimeSpan "hh:mm:ss" (or a number of milliseconds, which the host also accepts)."""
    if isinstance(text, int | float):
        return float(text) / 1000
    hours, minutes, seconds = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def read_queue_options(path: str | Path = "host.json") -> QueueOptions:
    queues = _extension(path, "queues")
    defaults = QueueOptions()
    return QueueOptions(
        max_dequeue_count=int(queues.get("maxDequeueCount", defaults.max_dequeue_count)),
        visibility_timeout_seconds=_seconds(queues.get("visibilityTimeout", "00:00:00")),
        max_polling_interval_seconds=_seconds(queues.get("maxPollingInterval", "00:01:00")),
        batch_size=int(queues.get("batchSize", defaults.batch_size)),
    )
