"""Route templates and route selection as the Functions host (ASP.NET Core routing) does them.

A template such as `stores/{storeId:guid}/customers/{customerId?}` is parsed once into segments.
A request path is split on `/`, each segment URL-decoded, and matched segment by segment:
literals case-insensitively, parameters subject to their constraints. When several templates
match, the most specific wins, segment by segment: literal, then a segment mixing literals and
parameters, then a constrained parameter, a plain parameter, an optional one, and a catch-all
last. So `customers/remove` beats `customers/{customerId}` for `customers/remove`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import unquote

from shared.localhost.route_constraints import RouteConstraint, parse_constraint

Target = TypeVar("Target")

_NAME = re.compile(r"[^{}/?*:=]+")

# Segment ranks, lower is more specific (ASP.NET's inbound precedence digits, with optional
# parameters ranked after required ones).
_LITERAL, _COMPLEX, _PARAMETER, _OPTIONAL, _CATCH_ALL = 1, 2, 3, 4, 5


class RouteTemplateError(ValueError):
    """A route template the host would refuse; the message quotes the template."""


@dataclass(frozen=True)
class Parameter:
    name: str
    constraints: tuple[RouteConstraint, ...] = ()
    optional: bool = False
    catch_all: bool = False
    default: str | None = None

    def accepts(self, value: str) -> bool:
        return all(constraint.accepts(value) for constraint in self.constraints)

    @property
    def may_be_absent(self) -> bool:
        return self.optional or self.catch_all or self.default is not None


@dataclass(frozen=True)
class Segment:
    """One `/`-separated piece of a template: literal text and parameters."""

    parts: tuple[str | Parameter, ...]
    pattern: re.Pattern[str] | None = None  # only for segments mixing literals and parameters

    @property
    def literal(self) -> str | None:
        return self.parts[0] if len(self.parts) == 1 and isinstance(self.parts[0], str) else None

    @property
    def parameter(self) -> Parameter | None:
        only = self.parts[0]
        return only if len(self.parts) == 1 and isinstance(only, Parameter) else None

    def rank(self) -> tuple[int, int]:
        parameter = self.parameter
        if self.literal is not None:
            return (_LITERAL, 0)
        if parameter is None:
            return (_COMPLEX, 0)
        unconstrained = 0 if parameter.constraints else 1
        if parameter.catch_all:
            return (_CATCH_ALL, unconstrained)
        if parameter.may_be_absent:
            return (_OPTIONAL, unconstrained)
        return (_PARAMETER, unconstrained)


@dataclass(frozen=True)
class RouteTemplate:
    text: str
    segments: tuple[Segment, ...]

    @property
    def precedence(self) -> tuple[tuple[int, int], ...]:
        return tuple(segment.rank() for segment in self.segments)

    def match(self, path_segments: Sequence[str]) -> dict[str, str] | None:
        """Route values when the decoded path segments fit this template, else None."""
        values: dict[str, str] = {}
        position = 0
        for segment in self.segments:
            parameter = segment.parameter
            if parameter is not None and parameter.catch_all:
                rest = "/".join(path_segments[position:])
                position = len(path_segments)
                if not _fill(parameter, rest, values):
                    return None
                continue
            if position == len(path_segments):
                if parameter is None or not parameter.may_be_absent:
                    return None
                if parameter.default is not None:
                    values[parameter.name] = parameter.default
                continue
            if not _match_segment(segment, path_segments[position], values):
                return None
            position += 1
        return values if position == len(path_segments) else None


def _fill(parameter: Parameter, value: str, values: dict[str, str]) -> bool:
    if value == "":
        if parameter.default is not None:
            values[parameter.name] = parameter.default
        return parameter.may_be_absent
    if not parameter.accepts(value):
        return False
    values[parameter.name] = value
    return True


def _match_segment(segment: Segment, text: str, values: dict[str, str]) -> bool:
    literal = segment.literal
    if literal is not None:
        return text.casefold() == literal.casefold()
    parameter = segment.parameter
    if parameter is not None:
        return text != "" and _fill(parameter, text, values)
    assert segment.pattern is not None
    found = segment.pattern.fullmatch(text)
    if found is None:
        return False
    parameters = [part for part in segment.parts if isinstance(part, Parameter)]
    for parameter, value in zip(parameters, found.groups(), strict=True):
        if not parameter.accepts(value):
            return False
        values[parameter.name] = value
    return True


def parse_template(text: str) -> RouteTemplate:
    """Parse a route template; RouteTemplateError says what the host would object to."""
    body = text[2:] if text.startswith("~/") else text.lstrip("/")
    body = body.rstrip("/")
    try:
        segments = tuple(_parse_segment(raw) for raw in _split_segments(body)) if body else ()
        _check_layout(segments)
    except ValueError as error:
        raise RouteTemplateError(f"route template {text!r}: {error}") from None
    return RouteTemplate(text=text, segments=segments)


def _split_segments(body: str) -> list[list[str | Parameter]]:
    """Split on `/` outside braces, turning `{{`/`}}` into braces and `{...}` into parameters."""
    segments: list[list[str | Parameter]] = [[]]
    literal: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        pair = body[index : index + 2]
        if pair in ("{{", "}}"):
            literal.append(char)
            index += 2
        elif char == "}":
            raise ValueError("unmatched '}' (write '}}' for a literal brace)")
        elif char == "/":
            _close_literal(literal, segments[-1])
            segments.append([])
            index += 1
        elif char == "{":
            _close_literal(literal, segments[-1])
            parameter_text, index = _read_parameter(body, index + 1)
            segments[-1].append(_parse_parameter(parameter_text))
        else:
            literal.append(char)
            index += 1
    _close_literal(literal, segments[-1])
    return segments


def _close_literal(literal: list[str], parts: list[str | Parameter]) -> None:
    if literal:
        parts.append("".join(literal))
        literal.clear()


def _read_parameter(body: str, index: int) -> tuple[str, int]:
    """Read up to the closing brace; inside, `{{`/`}}` stand for braces (regex quantifiers)."""
    text: list[str] = []
    while index < len(body):
        pair = body[index : index + 2]
        if pair in ("{{", "}}"):
            text.append(pair[0])
            index += 2
        elif body[index] == "}":
            return "".join(text), index + 1
        elif body[index] == "{":
            raise ValueError("'{' inside a parameter (write '{{' for a literal brace)")
        else:
            text.append(body[index])
            index += 1
    raise ValueError("a parameter is missing its closing '}'")


def _parse_parameter(text: str) -> Parameter:
    catch_all = text.startswith("*")
    text = text.lstrip("*") if catch_all else text
    name_match = _NAME.match(text)
    if name_match is None:
        raise ValueError("a parameter needs a name")
    name, position = name_match.group(), name_match.end()
    constraints: list[RouteConstraint] = []
    while position < len(text) and text[position] == ":":
        constraint_text, position = _read_constraint(text, position + 1)
        constraints.append(parse_constraint(constraint_text))
    rest = text[position:]
    optional = rest == "?"
    default = rest[1:] if rest.startswith("=") else None
    if rest and not optional and default is None:
        raise ValueError(f"parameter {name!r} has unexpected text {rest!r}")
    if catch_all and optional:
        raise ValueError(f"catch-all parameter {name!r} cannot be optional")
    return Parameter(name, tuple(constraints), optional, catch_all, default)


def _read_constraint(text: str, start: int) -> tuple[str, int]:
    """One constraint; arguments in parentheses may hold `:` (regexes), so read to the `)`
    that ends the constraint: one followed by `:`, `=`, a final `?`, or the end."""
    position = start
    while position < len(text):
        char = text[position]
        if char == "(":
            for close in range(position, len(text)):
                after = text[close + 1 :]
                if text[close] == ")" and (after == "" or after == "?" or after[0] in ":="):
                    return text[start : close + 1], close + 1
            raise ValueError(f"constraint {text[start:]!r} has no closing ')'")
        if char in ":=" or (char == "?" and position == len(text) - 1):
            break
        position += 1
    return text[start:position], position


def _parse_segment(parts: list[str | Parameter]) -> Segment:
    if not parts:
        raise ValueError("empty segment ('//')")
    if len(parts) == 1:
        return Segment(tuple(parts))
    pattern: list[str] = []
    for previous, part in zip([None, *parts], parts, strict=False):
        if isinstance(part, str):
            pattern.append(re.escape(part))
            continue
        if isinstance(previous, Parameter):
            raise ValueError("two parameters in a segment need literal text between them")
        if part.may_be_absent:
            raise ValueError(f"parameter {part.name!r} shares its segment, so it must be required")
        pattern.append("(.+)")
    return Segment(tuple(parts), re.compile("".join(pattern), re.IGNORECASE | re.DOTALL))


def _check_layout(segments: Sequence[Segment]) -> None:
    seen: set[str] = set()
    optional_seen = False
    for index, segment in enumerate(segments):
        parameter = segment.parameter
        for part in segment.parts:
            if isinstance(part, Parameter):
                if part.name.casefold() in seen:
                    raise ValueError(f"parameter {part.name!r} appears twice")
                seen.add(part.name.casefold())
        if parameter is not None and parameter.catch_all and index != len(segments) - 1:
            raise ValueError(f"catch-all parameter {parameter.name!r} must be the last segment")
        if parameter is not None and parameter.may_be_absent:
            optional_seen = True
        elif optional_seen:
            raise ValueError("only optional segments may follow an optional parameter")


def split_path(path: str) -> list[str]:
    """Decoded segments of a request path (no query); one trailing slash is ignored."""
    trimmed = path.lstrip("/")
    trimmed = trimmed.removesuffix("/")
    return [unquote(segment) for segment in trimmed.split("/")] if trimmed else []


def join_template(route_prefix: str, route: str) -> str:
    """The full template the host serves: host.json's routePrefix, then the function's route."""
    parts = [piece.strip("/") for piece in (route_prefix, route)]
    return "/".join(piece for piece in parts if piece)


@dataclass(frozen=True)
class Route(Generic[Target]):
    template: RouteTemplate
    methods: frozenset[str] | None  # None: every method
    target: Target

    def allows(self, method: str) -> bool:
        return self.methods is None or method.upper() in self.methods


@dataclass(frozen=True)
class Resolution(Generic[Target]):
    """What a request resolves to: a target and its route values, or, when no route takes this
    method, the methods the path does accept (empty when no template matches the path)."""

    target: Target | None
    route_params: Mapping[str, str] = field(default_factory=dict)
    allowed_methods: frozenset[str] = frozenset()


ALL_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class RouteTable(Generic[Target]):
    """Routes ordered most specific first; ties keep registration order."""

    def __init__(self, routes: Iterable[Route[Target]]) -> None:
        indexed = list(enumerate(routes))
        indexed.sort(key=lambda item: (item[1].template.precedence, item[0]))
        self._routes = [route for _, route in indexed]

    @property
    def routes(self) -> list[Route[Target]]:
        return list(self._routes)

    def resolve(self, method: str, path: str) -> Resolution[Target]:
        segments = split_path(path)
        allowed: set[str] = set()
        for route in self._routes:
            values = route.template.match(segments)
            if values is None:
                continue
            if route.allows(method):
                return Resolution(route.target, values)
            allowed |= route.methods if route.methods is not None else ALL_METHODS
        return Resolution(None, {}, frozenset(allowed))
