"""How JSON bodies are written to and read from TEXT columns."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def dump(body: Any) -> str:
    """Canonical JSON: equal bodies give equal text, so unchanged writes can be skipped."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load(text: str) -> Any:
    return json.loads(text)


def content_etag(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()
