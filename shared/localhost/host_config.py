"""What the local host takes from host.json: the HTTP route prefix."""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_ROUTE_PREFIX = "api"


def read_route_prefix(path: str | Path = "host.json") -> str:
    """`extensions.http.routePrefix` (an empty string is allowed); "api" when not set."""
    file = Path(path)
    if not file.exists():
        return DEFAULT_ROUTE_PREFIX
    document = json.loads(file.read_text(encoding="utf-8"))
    http = (document.get("extensions") or {}).get("http") or {}
    prefix = http.get("routePrefix", DEFAULT_ROUTE_PREFIX)
    if not isinstance(prefix, str):
        raise ValueError(f"{file}: extensions.http.routePrefix must be a string")
    return prefix.strip("/")
