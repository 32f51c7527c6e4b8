"""Numbers and switches as they arrive in query strings: one parser for every route.

Only ASCII is a number here. Python's `str.isdigit()` and `int()` also accept "²", "٣" or
fullwidth digits, and `int()` refuses more than 4,300 digits with an exception: a client that
sends any of those meant something we cannot honour, so it gets a 400 naming the parameter.
Lengths are checked before any conversion, so no value can make the conversion expensive.
"""

from __future__ import annotations

import math
import re

from shared.domain.errors import ValidationFailed

# Long enough for any 64-bit value and any bound a route declares; nothing longer is a number
# a client means.
MAX_NUMBER_CHARACTERS = 24
# A minus is the only sign: "+" in a query string is a space unless the client encoded it.
_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def whole_number_problem(text: str, minimum: int, maximum: int) -> str | None:
    """Why `text` is not a whole number from minimum to maximum (ASCII digits), or None."""
    within = f"must be a whole number from {minimum} to {maximum}"
    if len(text) > MAX_NUMBER_CHARACTERS or not _WHOLE.fullmatch(text):
        return within
    if not minimum <= int(text) <= maximum:
        return within
    return None


def whole_number(raw: str | None, name: str, minimum: int, maximum: int, default: int) -> int:
    """The parameter `name` as an int in [minimum, maximum]; `default` when absent or empty."""
    if raw is None or raw == "":
        return default
    problem = whole_number_problem(raw, minimum, maximum)
    if problem is not None:
        raise ValidationFailed.single(name, problem)
    return int(raw)


def decimal_number(text: str, limit: float) -> float:
    """A decimal written in ASCII ("12", "-3.5", ".5") within ±limit, or ValueError."""
    message = f"must be a number from {-limit:g} to {limit:g}"
    if len(text) > MAX_NUMBER_CHARACTERS or not _DECIMAL.fullmatch(text):
        raise ValueError(message)
    number = float(text)
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(message)
    return number


def switch(raw: str | None, name: str, default: bool) -> bool:
    """A true/false parameter (any case); `default` when absent or empty."""
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise ValidationFailed.single(name, "must be true or false")
    return lowered == "true"
