from __future__ import annotations

import pytest

from shared.domain.errors import InvalidContinuationToken, ValidationFailed
from shared.paging import ContinuationCodec, page_size

codec = ContinuationCodec(b"k" * 32)


def test_tokens_round_trip_within_their_scope() -> None:
    token = codec.encode({"after": ["anna", "C1"]}, scope="book:CB-1")
    assert codec.decode(token, scope="book:CB-1") == {"after": ["anna", "C1"]}
    assert codec.decode(None, scope="x") is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "e30" + t[3:],
        lambda t: t[:-1],
        lambda t: "x" * 5000,
        lambda t: "!!!.???",
    ],
)
def test_forged_tokens_are_rejected(mangle) -> None:
    token = codec.encode({"after": 1}, scope="s")
    with pytest.raises(InvalidContinuationToken):
        codec.decode(mangle(token), scope="s")


def test_a_token_from_another_query_is_rejected() -> None:
    token = codec.encode({"after": 1}, scope="book:CB-1")
    with pytest.raises(InvalidContinuationToken):
        codec.decode(token, scope="book:CB-2")


def test_a_token_signed_with_another_key_is_rejected() -> None:
    token = ContinuationCodec(b"o" * 32).encode({"after": 1}, scope="s")
    with pytest.raises(InvalidContinuationToken):
        codec.decode(token, scope="s")


@pytest.mark.parametrize(("raw", "expected"), [(None, 50), ("", 50), ("1", 1), ("200", 200)])
def test_page_sizes(raw, expected) -> None:
    assert page_size(raw) == expected


@pytest.mark.parametrize("raw", ["0", "201", "-1", "ten", "1e3", "5.0"])
def test_bad_page_sizes(raw) -> None:
    with pytest.raises(ValidationFailed):
        page_size(raw)
