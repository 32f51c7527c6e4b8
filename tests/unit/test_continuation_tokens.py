"""Continuation tokens: opaque, tamper-evident, bound to their query, and only ever a 400.

Properties over generated input (hypothesis), not only examples: whatever a client sends as a
token is either a position this codec issued for this query, or InvalidContinuationToken.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import paging
from shared.domain.errors import InvalidContinuationToken, SettingUnavailable
from shared.paging import ContinuationCodec, key_material, new_key_setting

KEY = bytes(range(32))
codec = ContinuationCodec(KEY)
POSITION = {"n": "lindqvist anna", "c": "C-000042"}
SCOPE = "book:CB-000001|sort=name|refine=vip:true"
# One token for the generated edits: each encode draws a new nonce.
TOKEN = codec.encode(POSITION, SCOPE)

keys = st.binary(min_size=32, max_size=96)
scopes = st.text(max_size=200)
json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=40)
positions = st.dictionaries(st.text(max_size=10), json_scalars | st.lists(json_scalars), max_size=5)


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_token_shows_no_name_even_decoded() -> None:
    token = codec.encode(POSITION, SCOPE)
    raw = _raw(token)
    for visible in (b"lindqvist", b"C-000042", b'{"c":'):
        assert visible not in raw
    assert codec.decode(token, SCOPE) == POSITION


def test_the_same_position_gives_a_different_token_each_time() -> None:
    # Equal tokens would tell an observer two lists stopped at the same customer.
    assert codec.encode(POSITION, SCOPE) != codec.encode(POSITION, SCOPE)


def test_a_new_codec_with_the_same_key_reads_the_token() -> None:
    token = codec.encode(POSITION, SCOPE)
    assert ContinuationCodec(KEY).decode(token, SCOPE) == POSITION  # another process, restarted


@given(key=keys, position=positions, scope=scopes)
@settings(max_examples=150, deadline=None)
def test_round_trip_for_any_key_position_and_scope(key: bytes, position: dict, scope: str) -> None:
    tokens = ContinuationCodec(key)
    assert tokens.decode(tokens.encode(position, scope), scope) == position


@given(key=keys, other=keys, scope=scopes)
@settings(max_examples=50, deadline=None)
def test_another_key_never_reads_a_token(key: bytes, other: bytes, scope: str) -> None:
    token = ContinuationCodec(key).encode(POSITION, scope)
    if other != key:
        with pytest.raises(InvalidContinuationToken):
            ContinuationCodec(other).decode(token, scope)


@given(scope=scopes, other=scopes)
@settings(max_examples=100, deadline=None)
def test_a_token_is_only_good_for_its_query(scope: str, other: str) -> None:
    token = codec.encode(POSITION, scope)
    if other != scope:
        with pytest.raises(InvalidContinuationToken):
            codec.decode(token, other)


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_any_bit_flip_is_refused(data: st.DataObject) -> None:
    raw = bytearray(_raw(TOKEN))
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(InvalidContinuationToken):
        codec.decode(_text(bytes(raw)), SCOPE)


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_any_changed_character_is_refused(data: st.DataObject) -> None:
    token = TOKEN
    at = data.draw(st.integers(0, len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != token[at]))
    with pytest.raises(InvalidContinuationToken):
        codec.decode(token[:at] + replacement + token[at + 1 :], SCOPE)


@given(text=st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_any_text_is_a_clean_refusal(text: str) -> None:
    if text:
        with pytest.raises(InvalidContinuationToken):
            codec.decode(text, SCOPE)


@given(raw=st.binary(max_size=300))
@settings(max_examples=500, deadline=None)
def test_any_bytes_dressed_as_a_token_are_a_clean_refusal(raw: bytes) -> None:
    for version in (b"", b"\x01"):
        token = _text(version + raw)
        if token:
            with pytest.raises(InvalidContinuationToken):
                codec.decode(token, SCOPE)


@pytest.mark.parametrize(
    "payload",
    [b"[]", b'"x"', b"not json", b"\xff\xfe", b"[" * 100_000],
)
def test_a_well_sealed_payload_that_is_not_a_position_is_refused(payload: bytes) -> None:
    # Only a holder of the key could seal these; still a 400, never a 500.
    nonce = bytes(12)
    sealed = codec._cipher().encrypt(nonce, payload, paging._associated(SCOPE))
    with pytest.raises(InvalidContinuationToken):
        codec.decode(_text(b"\x01" + nonce + sealed), SCOPE)


# CONTINUATION_TOKEN_KEY: base64 of at least 32 random bytes, or the routes that page fail closed.


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "not set"),
        ("   ", "not set"),
        (
            "@Microsoft.KeyVault(VaultName=kv-clienteling;SecretName=continuation-token-key)",
            "an unresolved Key Vault reference",
        ),
        (
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/continuation-token-key/)",
            "an unresolved Key Vault reference",
        ),
        ("correct horse battery staple, but a passphrase!", "not base64"),
        (base64.b64encode(b"k" * 31).decode(), "shorter than 32 bytes"),
        ("c2VjcmV0", "shorter than 32 bytes"),
    ],
)
def test_unusable_key_settings_are_refused_by_name_only(value: str | None, reason: str) -> None:
    with pytest.raises(SettingUnavailable) as refused:
        key_material(value)
    assert (refused.value.setting, refused.value.reason) == ("CONTINUATION_TOKEN_KEY", reason)
    assert refused.value.status == 503 and refused.value.slug == "setting-unavailable"
    if value and value.strip():
        assert value not in refused.value.detail


@pytest.mark.parametrize(
    "value",
    [
        base64.b64encode(bytes(range(48))).decode(),  # what `openssl rand -base64 48` prints
        base64.urlsafe_b64encode(bytes(range(200, 232))).decode().rstrip("="),
        base64.encodebytes(bytes(range(64))).decode(),  # wrapped at 76 characters
        bytes(range(32)).hex(),  # the local key file's earlier format, still 32 random bytes
    ],
)
def test_key_settings_in_base64_of_32_bytes_or_more_are_used(value: str) -> None:
    assert len(key_material(value)) >= 32


def test_a_generated_key_setting_is_a_usable_one() -> None:
    assert len(key_material(new_key_setting())) == 32
    assert new_key_setting() != new_key_setting()


def test_a_codec_without_a_key_fails_closed_on_every_use() -> None:
    problem = SettingUnavailable("CONTINUATION_TOKEN_KEY", "an unresolved Key Vault reference")
    tokens = ContinuationCodec.unavailable(problem)
    assert tokens.problem is problem
    for use in (
        lambda: tokens.encode(POSITION, SCOPE),
        lambda: tokens.decode(None, SCOPE),
        lambda: tokens.decode(codec.encode(POSITION, SCOPE), SCOPE),
    ):
        with pytest.raises(SettingUnavailable):
            use()
