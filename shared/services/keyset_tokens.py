"""Keyset positions inside continuation tokens: the last (sort name, customer id) a page
returned. The token codec encrypts them; this reads and writes the position itself."""

from __future__ import annotations

from typing import Any

from shared.domain.errors import InvalidContinuationToken
from shared.ports.client_books import BookPosition


def position_from(token: dict[str, Any] | None) -> BookPosition | None:
    """The keyset position inside a decoded continuation token (None: first page)."""
    if token is None:
        return None
    name, customer_id = token.get("n"), token.get("c")
    if not isinstance(name, str) or not isinstance(customer_id, str):
        raise InvalidContinuationToken("continuationToken does not hold a position")
    return BookPosition(name, customer_id)


def position_token(position: BookPosition) -> dict[str, str]:
    return {"n": position.sort_name, "c": position.customer_id}
