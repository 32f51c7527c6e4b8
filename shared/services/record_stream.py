"""Read import bodies one record at a time: a JSON array or newline-delimited JSON.

Records are decoded lazily so an import of 50,000 customers never holds 50,000 parsed
records at once; the caller validates and writes them in chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shared.domain.errors import MalformedRequest
from shared.domain.json_numbers import decoder as _decoder

_WHITESPACE = " \t\r\n"


def records(text: str, ndjson: bool) -> Iterator[tuple[int, Any]]:
    """(index, record) pairs; MalformedRequest names where the text stops being JSON."""
    return _lines(text) if ndjson else _array(text)


def _lines(text: str) -> Iterator[tuple[int, Any]]:
    index = 0
    # Only "\n" ends a record: str.splitlines() would also split inside a record at U+2028,
    # U+0085 or "\x1c", which JSON strings may hold unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield index, _decoder.decode(line)
        except (ValueError, RecursionError):
            raise MalformedRequest(f"line {number} is not valid JSON") from None
        index += 1


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _array(text: str) -> Iterator[tuple[int, Any]]:
    pos = _skip(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise MalformedRequest("the body must be a JSON array of records (or NDJSON)")
    pos = _skip(text, pos + 1)
    index = 0
    if pos < len(text) and text[pos] == "]":
        return _end(text, pos + 1)
    while True:
        try:
            record, pos = _decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            raise MalformedRequest(
                f"record {index} is not valid JSON (at character {pos})"
            ) from None
        yield index, record
        index += 1
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return _end(text, pos + 1)
        raise MalformedRequest(f"expected ',' or ']' after record {index - 1} (at character {pos})")


def _end(text: str, pos: int) -> None:
    if _skip(text, pos) != len(text):
        raise MalformedRequest("unexpected text after the JSON array")
