"""Text rules in one place: folding for search, and which characters a stored text may hold."""

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


# Characters no text we store may hold. Control characters ring bells, clear terminals, end
# C strings and break CSV exports and receipt lines; bidi overrides and isolates make a text
# read differently from what it is ("call 1234<U+202E>gnp.exe" shows as "call 1234exe.png").
# Marks (U+200E, U+200F) stay allowed: right-to-left names need them and they reorder nothing.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_CONTROLS = "\x00-\x1f\x7f-\x9f"  # C0, DEL and C1
# Multi-line texts (notes, descriptions, attribute texts) keep their layout: tab, line feed
# and carriage return, because a Windows POS text box sends CRLF and refusing its notes would
# only make associates retype them. Texts are stored as sent.
_CONTROLS_BUT_LAYOUT = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_ONE_LINE = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}]")
_MULTI_LINE = re.compile(f"[{_CONTROLS_BUT_LAYOUT}{_BIDI_CONTROLS}]")


def text_problem(text: str, multiline: bool = False) -> str | None:
    """Why `text` may not be stored (a control or bidi character), or None if it may.

    Names and other one-line texts take no control character at all; multi-line texts take
    tab and line breaks.
    """
    found = (_MULTI_LINE if multiline else _ONE_LINE).search(text)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if re.fullmatch(f"[{_BIDI_CONTROLS}]", found.group()):
        return f"must not contain bidi control characters (found {code})"
    kept = " other than tab and line breaks" if multiline else ""
    return f"must not contain control characters{kept} (found {code})"


def checked_text(text: str, multiline: bool = False) -> str:
    """`text` itself, or ValueError saying which character it may not contain."""
    problem = text_problem(text, multiline)
    if problem is not None:
        raise ValueError(problem)
    return text


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
