"""Opaque, tamper-evident continuation tokens and page sizes.

A token is base64url(version, nonce, AES-256-GCM ciphertext of the position JSON), with the
query it was issued for as associated data. Positions hold customer names and tokens travel in
URLs (and so in proxy and browser logs), so the position is encrypted, not only signed; the
tag means a client can neither forge a position nor replay a token against another query. The
AES key is derived with HKDF from the app setting CONTINUATION_TOKEN_KEY, so tokens survive
restarts and work across instances.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.domain.errors import InvalidContinuationToken, SettingUnavailable
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


KEY_SETTING = "CONTINUATION_TOKEN_KEY"
MIN_KEY_BYTES = 32
# What App Service and Functions pass instead of the secret when a Key Vault reference cannot
# be resolved (the secret does not exist yet, or access is denied): the reference text itself.
UNRESOLVED_REFERENCE = "@microsoft.keyvault("

_VERSION = b"\x01"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_TOKEN_TEXT = re.compile(r"[A-Za-z0-9_-]+")
# Separate from any other use of the same key material: the AES key is HKDF(material, info).
_HKDF_INFO = b"clienteling continuation tokens v1: AES-256-GCM"


def new_key_setting() -> str:
    """A fresh CONTINUATION_TOKEN_KEY value: base64 of 32 random bytes (local runs)."""
    return base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode("ascii")


def key_material(value: str | None, setting: str = KEY_SETTING) -> bytes:
    """The key bytes of a CONTINUATION_TOKEN_KEY value: base64 (standard or URL-safe alphabet,
    padding optional, line breaks ignored) of at least 32 random bytes, as
    `openssl rand -base64 48` prints. Anything else is refused, naming the setting only: a
    public string such as an unresolved Key Vault reference must never become the key."""
    text = "".join((value or "").split())
    if not text:
        raise SettingUnavailable(setting, "not set")
    if text.lower().startswith(UNRESOLVED_REFERENCE):
        raise SettingUnavailable(setting, "an unresolved Key Vault reference")
    standard = text.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        material = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise SettingUnavailable(setting, "not base64") from None
    if len(material) < MIN_KEY_BYTES:
        raise SettingUnavailable(setting, f"shorter than {MIN_KEY_BYTES} bytes")
    return material


class ContinuationCodec:
    """Encrypts keyset positions into tokens bound to a query scope, and back."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"continuation token key must be at least {MIN_KEY_BYTES} bytes")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
        self._aead: AESGCM | None = AESGCM(derived.derive(key))
        self._unavailable: SettingUnavailable | None = None

    @classmethod
    def unavailable(cls, problem: SettingUnavailable) -> ContinuationCodec:
        """A codec without a usable key: every use fails closed with `problem` (a 503)."""
        codec = cls.__new__(cls)
        codec._aead = None
        codec._unavailable = problem
        return codec

    @property
    def problem(self) -> SettingUnavailable | None:
        """Why tokens cannot be issued or read (for health), None when they can."""
        return self._unavailable

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            raise self._unavailable or SettingUnavailable(KEY_SETTING, "not set")
        return self._aead

    def encode(self, position: dict[str, Any], scope: str) -> str:
        payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
        # Random 96-bit nonces: safe for far more tokens (2**32) than a key issues in its year.
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._cipher().encrypt(nonce, payload, _associated(scope))
        return _b64(_VERSION + nonce + sealed)

    def decode(self, token: str | None, scope: str) -> dict[str, Any] | None:
        """The position in `token`, None for no token; InvalidContinuationToken for anything
        this codec did not issue for `scope` (edited, truncated, forged, another query)."""
        cipher = self._cipher()  # a route that pages fails closed even on its first page
        if token is None or token == "":
            return None
        invalid = InvalidContinuationToken(
            "continuationToken is not one this query returned; start again without it"
        )
        if len(token) > MAX_TOKEN_LENGTH or not _TOKEN_TEXT.fullmatch(token):
            raise invalid
        try:
            raw = _unb64(token)
        except (binascii.Error, ValueError):
            raise invalid from None
        # Only the canonical spelling: a changed character that decodes to the same bytes (the
        # unused low bits of the last one) is still an edited token.
        if _b64(raw) != token or len(raw) < 1 + _NONCE_BYTES + _TAG_BYTES:
            raise invalid
        if raw[:1] != _VERSION:
            raise invalid
        nonce, sealed = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
        try:
            payload = cipher.decrypt(nonce, sealed, _associated(scope))
            position = json.loads(payload)
        except (InvalidTag, ValueError, RecursionError):
            raise invalid from None
        if not isinstance(position, dict):
            raise invalid
        return position


def _associated(scope: str) -> bytes:
    return _VERSION + scope.encode("utf-8", "surrogatepass")
