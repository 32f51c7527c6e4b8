"""Reading JSON whose numbers may be larger than anything we store, without failing.

JSON puts no limit on numbers. Python's `json` turns an integer of more than 4,300 digits
into a ValueError (the whole document then looks invalid) and `1e400` into infinity, which it
cannot write back out. We read every document with a decoder that turns any integer longer
than MAX_INTEGER_DIGITS into an infinity as well, then name each infinite value as a field
error: the client learns which field is out of range, and an import rejects only that record.
"""

from __future__ import annotations

import json
import math
from typing import Any

# Far beyond any value a field takes (integers stop at 2^53, decimals at 10^15), far below
# the 4,300 digits at which int() refuses; a longer integer is only ever out of range.
MAX_INTEGER_DIGITS = 100
OUT_OF_RANGE = "is a number out of range"


def _integer(text: str) -> int | float:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# NaN and Infinity are not JSON; out-of-range numbers are, and are reported per field.
decoder = json.JSONDecoder(parse_int=_integer, parse_constant=_reject_constant)


def out_of_range_numbers(value: Any) -> list[dict[str, str]]:
    """A field error for every number in `value` too large to hold (dotted JSON paths).

    Iterative, so a document nested as deep as the decoder allows is walked without recursion.
    """
    errors: list[dict[str, str]] = []
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            errors.append({"field": path or "body", "message": OUT_OF_RANGE})
        elif isinstance(item, dict | list):
            children = item.items() if isinstance(item, dict) else enumerate(item)
            pending.extend((f"{path}.{k}" if path else str(k), v) for k, v in children)
    return sorted(errors, key=lambda e: e["field"])
