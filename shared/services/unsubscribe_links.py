"""Signed one-click unsubscribe links (RFC 8058) for the emails we send.

The link names the customer and channel inside an AES-256-GCM token (authenticated
encryption: nobody can forge or edit one, and the URL shows no customer id, address or name
in clear). The key is derived with HKDF from the app setting UNSUBSCRIBE_LINK_KEY, as
continuation tokens derive theirs, with its own `info` so the two can never be confused. It
is a separate setting because links live in mailboxes for years, while the continuation key
may be rotated at will: rotating this one breaks every link already sent.

Links do not expire: an unsubscribe link must keep working long after the email was sent
(CAN-SPAM asks for at least 30 days; a customer expects it to work whenever they click).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.domain.errors import ClientelingError, SettingUnavailable
from shared.paging import key_material, new_key_setting
from shared.settings import Settings

KEY_SETTING = "UNSUBSCRIBE_LINK_KEY"
ROUTE = "api/unsubscribe/"
_HKDF_INFO = b"clienteling unsubscribe links v1: AES-256-GCM"
_ASSOCIATED = b"unsubscribe"
_VERSION = b"\x01"
_NONCE_BYTES = 12
MAX_TOKEN_LENGTH = 400


class InvalidUnsubscribeLink(ClientelingError):
    slug = "invalid-unsubscribe-link"
    title = "Invalid unsubscribe link"
    status = 400


@dataclass(frozen=True)
class UnsubscribeTarget:
    legal_entity: str
    customer_id: str
    channel: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class UnsubscribeLinks:
    def __init__(self, key: bytes | None, problem: SettingUnavailable | None = None) -> None:
        self._problem = problem
        self._aead: AESGCM | None = None
        if key is not None:
            derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
            self._aead = AESGCM(derived.derive(key))

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            raise self._problem or SettingUnavailable(KEY_SETTING, "not set")
        return self._aead

    def token(self, target: UnsubscribeTarget) -> str:
        payload = json.dumps(
            {"l": target.legal_entity, "c": target.customer_id, "h": target.channel},
            separators=(",", ":"),
        ).encode()
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return _b64(_VERSION + nonce + self._cipher().encrypt(nonce, payload, _ASSOCIATED))

    def url(self, base_url: str, target: UnsubscribeTarget) -> str:
        return f"{base_url.rstrip('/')}/{ROUTE}{self.token(target)}"

    def target(self, token: str) -> UnsubscribeTarget:
        """Who the link unsubscribes; InvalidUnsubscribeLink for anything we did not sign."""
        cipher = self._cipher()
        invalid = InvalidUnsubscribeLink(
            "this unsubscribe link is not valid; use the link of the email as it was sent"
        )
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise invalid
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise invalid from None
        if _b64(raw) != token or raw[:1] != _VERSION or len(raw) < 1 + _NONCE_BYTES + 16:
            raise invalid
        nonce, sealed = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
        try:
            payload = json.loads(cipher.decrypt(nonce, sealed, _ASSOCIATED))
            return UnsubscribeTarget(str(payload["l"]), str(payload["c"]), str(payload["h"]))
        except (InvalidTag, ValueError, KeyError, TypeError):
            raise invalid from None


def build_unsubscribe_links(settings: Settings) -> UnsubscribeLinks:
    """From UNSUBSCRIBE_LINK_KEY; locally, a random key kept under .local/ across restarts.
    Without a usable key, links fail closed (503 setting-unavailable) where they are used."""
    value = settings.get(KEY_SETTING)
    try:
        if value or settings.auth.mode != "local":
            return UnsubscribeLinks(key_material(value, KEY_SETTING))
        path = Path(settings.local_state_dir) / "unsubscribe-link.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new_key_setting())
        return UnsubscribeLinks(key_material(path.read_text(), KEY_SETTING))
    except SettingUnavailable as problem:
        return UnsubscribeLinks(None, problem)
