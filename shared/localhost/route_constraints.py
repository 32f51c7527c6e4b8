"""Inline route constraints (`{id:int}`, `{code:length(3)}`, ...) as the Functions host reads them.

The host routes with ASP.NET Core, whose constraints parse with the invariant culture. Each
constraint here answers one question: may this (already URL-decoded) value fill the parameter?
A value that fails a constraint makes the route not match, so another route may take the request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,19}\s*")  # ASCII only (int() refuses "²"), long at most
# .NET's NumberStyles.Float | AllowThousands: sign, digits with group separators, point, exponent.
_DECIMAL = re.compile(r"\s*[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_NON_FINITE = {"nan", "infinity", "-infinity", "+infinity", "∞", "-∞"}
_HEX = "[0-9a-fA-F]"
_GUID_D = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
_GUID = re.compile(rf"\s*({_HEX}{{32}}|{_GUID_D}|\{{{_GUID_D}\}}|\({_GUID_D}\))\s*")
_ALPHA = re.compile(r"[a-zA-Z]*")
_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%Y/%m/%d", "%d %B %Y")


@dataclass(frozen=True)
class RouteConstraint:
    """One parsed constraint, e.g. `range(1,10)`; `accepts` tells whether a value satisfies it."""

    text: str
    accepts: Callable[[str], bool]


def parse_constraint(text: str) -> RouteConstraint:
    """Parse the text between `:` separators of a parameter; ValueError names what is wrong."""
    match = re.fullmatch(r"(?s)([A-Za-z]+)(?:\((.*)\))?", text)
    if match is None:
        raise ValueError(f"constraint {text!r} is not of the form name or name(arguments)")
    name, arguments = match.group(1).lower(), match.group(2)
    if name in _SIMPLE:
        if arguments is not None:
            raise ValueError(f"constraint {name!r} takes no arguments")
        return RouteConstraint(text, _SIMPLE[name])
    if name == "regex":
        return RouteConstraint(text, _regex(arguments))
    if name in _WITH_NUMBERS:
        check = _WITH_NUMBERS[name](_integers(name, arguments))
        return RouteConstraint(text, check)
    raise ValueError(f"unknown constraint {name!r}")


def _integer_in(bounds: tuple[int, int]) -> Callable[[str], bool]:
    def accepts(value: str) -> bool:
        return _INTEGER.fullmatch(value) is not None and bounds[0] <= int(value) <= bounds[1]

    return accepts


def _is_decimal(value: str) -> bool:
    return value.strip().lower() in _NON_FINITE or _DECIMAL.fullmatch(value) is not None


def _is_bool(value: str) -> bool:
    return value.strip().lower() in ("true", "false")


def _is_datetime(value: str) -> bool:
    text = value.strip()
    try:
        datetime.fromisoformat(text)
        return True
    except ValueError:
        pass
    for layout in _DATE_FORMATS:
        try:
            datetime.strptime(text, layout)
            return True
        except ValueError:
            continue
    return False


def _is_file_name(value: str) -> bool:
    # ASP.NET's `file`: the last path segment has an extension (a dot not at the end).
    last = value.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    return 0 <= dot < len(last) - 1


_SIMPLE: dict[str, Callable[[str], bool]] = {
    "int": _integer_in(_INT32),
    "long": _integer_in(_INT64),
    "bool": _is_bool,
    "double": _is_decimal,
    "float": _is_decimal,
    "decimal": _is_decimal,
    "datetime": _is_datetime,
    "guid": lambda value: _GUID.fullmatch(value) is not None,
    "alpha": lambda value: _ALPHA.fullmatch(value) is not None,
    "required": lambda value: value != "",
    "file": _is_file_name,
    "nonfile": lambda value: not _is_file_name(value),
}


def _regex(pattern: str | None) -> Callable[[str], bool]:
    if not pattern:
        raise ValueError("constraint 'regex' needs a pattern")
    try:
        # ASP.NET does not anchor the pattern: templates write ^...$ when they mean it.
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"constraint regex({pattern}) is not a valid pattern: {error}") from error
    return lambda value: compiled.search(value) is not None


def _integers(name: str, arguments: str | None) -> tuple[int, ...]:
    if not arguments:
        raise ValueError(f"constraint {name!r} needs numeric arguments")
    try:
        return tuple(int(part) for part in arguments.split(","))
    except ValueError:
        raise ValueError(f"constraint {name}({arguments}) needs integer arguments") from None


def _length(bounds: tuple[int, ...]) -> Callable[[str], bool]:
    if len(bounds) == 1:
        return lambda value: len(value) == bounds[0]
    low, high = _pair("length", bounds)
    return lambda value: low <= len(value) <= high


def _pair(name: str, numbers: tuple[int, ...]) -> tuple[int, int]:
    if len(numbers) != 2 or numbers[0] > numbers[1]:
        raise ValueError(f"constraint {name!r} needs two arguments, the first not above the second")
    return numbers[0], numbers[1]


def _single(name: str, numbers: tuple[int, ...]) -> int:
    if len(numbers) != 1:
        raise ValueError(f"constraint {name!r} takes exactly one argument")
    return numbers[0]


def _long_between(low: int, high: int) -> Callable[[str], bool]:
    return _integer_in((max(low, _INT64[0]), min(high, _INT64[1])))


def _min_length(numbers: tuple[int, ...]) -> Callable[[str], bool]:
    minimum = _single("minlength", numbers)
    return lambda value: len(value) >= minimum


def _max_length(numbers: tuple[int, ...]) -> Callable[[str], bool]:
    maximum = _single("maxlength", numbers)
    return lambda value: len(value) <= maximum


def _min(numbers: tuple[int, ...]) -> Callable[[str], bool]:
    return _long_between(_single("min", numbers), _INT64[1])


def _max(numbers: tuple[int, ...]) -> Callable[[str], bool]:
    return _long_between(_INT64[0], _single("max", numbers))


def _range(numbers: tuple[int, ...]) -> Callable[[str], bool]:
    return _long_between(*_pair("range", numbers))


_WITH_NUMBERS: dict[str, Callable[[tuple[int, ...]], Callable[[str], bool]]] = {
    "minlength": _min_length,
    "maxlength": _max_length,
    "length": _length,
    "min": _min,
    "max": _max,
    "range": _range,
}
