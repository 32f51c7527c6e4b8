"""Text folding for search: case- and accent-insensitive comparison."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text` ("Zoë Ågren" -> "zoe agren")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def customer_search_text(name: str, email: str | None, phone: str | None) -> str:
    """What customer search matches against: folded name and email, phone digits too."""
    parts = [fold(name), fold(email or "")]
    if phone:
        parts.append(phone)
        parts.append("".join(ch for ch in phone if ch.isdigit()))
    return " ".join(p for p in parts if p)
