"""Opaque, tamper-evident continuation tokens and page sizes.

A token is base64url(JSON) plus an HMAC over it and the query it belongs to, so a client can
neither forge a position nor replay a token against another query. The key is an app setting,
so tokens survive restarts and work across instances.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from shared.domain.errors import InvalidContinuationToken
from shared.domain.query_values import whole_number

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_TOKEN_LENGTH = 4096


def page_size(raw: str | None) -> int:
    return whole_number(raw, "pageSize", 1, MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ContinuationCodec:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("continuation token key must be at least 16 bytes")
        self._key = key

    def _mac(self, payload: bytes, scope: str) -> bytes:
        return hmac.new(self._key, scope.encode() + b"\x00" + payload, hashlib.sha256).digest()[:16]

    def encode(self, position: dict[str, Any], scope: str) -> str:
        payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload, scope))}"

    def decode(self, token: str | None, scope: str) -> dict[str, Any] | None:
        """The position in `token`, None for no token; InvalidContinuationToken if forged."""
        if token is None or token == "":
            return None
        invalid = InvalidContinuationToken(
            "continuationToken is not one this query returned; start again without it"
        )
        if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
            raise invalid
        body, mac = token.split(".")
        try:
            payload, given = _unb64(body), _unb64(mac)
        except (binascii.Error, ValueError):
            raise invalid from None
        if not hmac.compare_digest(given, self._mac(payload, scope)):
            raise invalid
        position = json.loads(payload)
        if not isinstance(position, dict):
            raise invalid
        return position
