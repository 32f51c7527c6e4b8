"""Secrets from a local JSON file, for running the app without Azure.

The file (git-ignored, under `.local/`) maps `<vault>/<secret>` (or `<vault>/<secret>/<version>`)
to `{"value": "...", "expiresOn": "2030-01-01T00:00:00Z", "enabled": true}`. It is read again
whenever it changes, so editing it is how a secret is rotated locally.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.secrets.errors import SecretUnavailable, UnavailableReason
from shared.secrets.reference import SecretReference
from shared.secrets.resolver import SecretProperties, SecretValue
from shared.secrets.rotation import refetch_on_rejection


class LocalSecretResolver:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._loaded_stamp: tuple[int, int] | None = None
        self._entries: dict[str, dict[str, Any]] = {}

    def get(self, ref: SecretReference) -> SecretValue:
        entry = self._entry(ref)
        properties = _properties(ref, entry)
        if not properties.enabled:
            raise SecretUnavailable(ref, UnavailableReason.DISABLED)
        value = entry.get("value")
        if not isinstance(value, str):
            raise SecretUnavailable(ref, UnavailableReason.MISCONFIGURED, "no string 'value'")
        return SecretValue(
            value=value,
            expires_on=properties.expires_on,
            enabled=True,
            version=ref.version,
        )

    def properties(self, ref: SecretReference) -> SecretProperties:
        return _properties(ref, self._entry(ref))

    def invalidate(self, ref: SecretReference) -> None:
        # Nothing is cached beyond the file itself, which is re-read when it changes.
        with self._lock:
            self._loaded_stamp = None

    def refetch_on_rejection(self, ref: SecretReference, use: Callable[[str], Any]) -> Any:
        return refetch_on_rejection(self, ref, use)

    def _entry(self, ref: SecretReference) -> dict[str, Any]:
        entries = self._load(ref)
        versioned = f"{ref.vault}/{ref.name}/{ref.version}".lower() if ref.version else None
        entry = entries.get(versioned) if versioned else None
        entry = entry or entries.get(f"{ref.vault}/{ref.name}".lower())
        if entry is None:
            raise SecretUnavailable(ref, UnavailableReason.NOT_FOUND, f"no entry in {self._path}")
        return entry

    def _load(self, ref: SecretReference) -> dict[str, dict[str, Any]]:
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            raise SecretUnavailable(
                ref, UnavailableReason.NOT_FOUND, f"{self._path} does not exist"
            ) from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._loaded_stamp:
                self._entries = _parse(ref, self._path)
                self._loaded_stamp = stamp
            return self._entries


def _parse(ref: SecretReference, path: Path) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # The parser's message may quote file content (a value): say only where it is.
        raise SecretUnavailable(
            ref, UnavailableReason.MISCONFIGURED, f"{path} is not valid JSON"
        ) from None
    if not isinstance(document, dict) or not all(
        isinstance(entry, dict) for entry in document.values()
    ):
        raise SecretUnavailable(
            ref, UnavailableReason.MISCONFIGURED, f"{path} must map '<vault>/<secret>' to objects"
        )
    return {key.lower(): entry for key, entry in document.items()}


def _properties(ref: SecretReference, entry: dict[str, Any]) -> SecretProperties:
    raw_expiry = entry.get("expiresOn")
    try:
        expires_on = datetime.fromisoformat(raw_expiry) if raw_expiry else None
    except (TypeError, ValueError):
        raise SecretUnavailable(
            ref, UnavailableReason.MISCONFIGURED, "'expiresOn' is not an ISO date-time"
        ) from None
    if expires_on is not None and expires_on.tzinfo is None:
        raise SecretUnavailable(
            ref, UnavailableReason.MISCONFIGURED, "'expiresOn' needs a time zone (e.g. Z)"
        )
    return SecretProperties(expires_on=expires_on, enabled=entry.get("enabled", True) is not False)
