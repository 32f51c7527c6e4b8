"""Text folding for search: case- and accent-insensitive comparison."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


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


# A run of letters or digits inside a word ("ed@example.com" holds "ed", "example", "com").
_RUN = re.compile(r"[^\W_]+")


def search_tokens(search_text: str) -> tuple[str, ...]:
    """The tokens customer search matches the start of, from a customer's search text.

    Each word of the text and each run of letters or digits within it; a run of digits gives
    every tail too, so any part of a phone number ("5551234" in "4685551234") still finds it.
    A word therefore matches the start of a name word, of the email or one of its parts, or
    any part of a phone number; it no longer matches inside a name ("rche" misses "Archer"),
    which is what lets a search read only its candidates (docs/cosmos-scale.md).
    """
    tokens: dict[str, None] = {}
    for word in search_text.split():
        tokens[word] = None
        for run in _RUN.findall(word):
            tokens[run] = None
            if run.isdigit():
                tokens.update(dict.fromkeys(run[start:] for start in range(1, len(run))))
    return tuple(tokens)


def search_matches(tokens: tuple[str, ...], words: Iterable[str]) -> bool:
    """Whether every (folded) search word begins one of the tokens."""
    return all(any(token.startswith(word) for token in tokens) for word in words)


def search_keys(tokens: Iterable[str], length: int) -> set[str]:
    """Every start of every token, up to `length` characters: what a search looks up."""
    return {token[:end] for token in tokens for end in range(1, min(len(token), length) + 1)}
