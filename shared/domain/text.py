"""Text folding for search: case- and accent-insensitive comparison."""

from __future__ import annotations

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


def _token_start(text: str, at: int) -> bool:
    """Whether a search token starts at this position of a search text: the start of a word,
    of a run of letters or digits, or any position inside a run made of digits only."""
    if at == 0 or text[at - 1].isspace():
        return True
    if not text[at].isalnum():
        return False
    if not text[at - 1].isalnum():
        return True
    if not (text[at].isdigit() and text[at - 1].isdigit()):
        return False
    start, end = at, at
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end].isdigit()


def search_tokens(search_text: str) -> tuple[str, ...]:
    """The tokens customer search matches the start of, from a customer's search text: the
    rest of each word from its start, from the start of each run of letters or digits in it,
    and from every position inside a run of digits only.

    A search word therefore matches the start of a name word ("lind" in "andersson-lind"),
    of the email or one of its parts ("example.com"), or any part of a phone number
    ("5551234" in "4685551234"); it no longer matches inside a name ("rche" misses
    "archer"), which is what lets a search read only its candidates (docs/cosmos-scale.md).
    """
    tokens: dict[str, None] = {}
    for word in search_text.split():
        tokens.update(dict.fromkeys(word[at:] for at in range(len(word)) if _token_start(word, at)))
    return tuple(tokens)


def search_matches(search_text: str, words: Iterable[str]) -> bool:
    """Whether every (folded, non-empty) search word begins a token of the search text: the
    same answer as testing the words against search_tokens, without building them."""
    return all(_begins_a_token(search_text, word) for word in words)


def _begins_a_token(search_text: str, word: str) -> bool:
    at = search_text.find(word)
    while at != -1:
        if _token_start(search_text, at):
            return True
        at = search_text.find(word, at + 1)
    return False


def search_keys(tokens: Iterable[str], length: int) -> set[str]:
    """Every start of every token, up to `length` characters: what a search looks up."""
    return {token[:end] for token in tokens for end in range(1, min(len(token), length) + 1)}
