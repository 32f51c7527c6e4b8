"""Filters of the two client book lists, parsed and validated from query parameters.

    search=<words>                  every word in the name, email or phone (case and accents
                                    ignored)
    refine=<attribute>:<value>      repeatable; AND across attributes, OR within one
    range=<attribute>:<min>..<max>  repeatable; inclusive range of an integer, decimal or date
                                    attribute, either end may be left out (`visits:3..`)
    <attribute>.min / .max          the same range in the older form, still accepted (a
                                    parameter named after an attribute cannot be described
                                    in OpenAPI, so generated clients use `range`)
    upcoming=<days>                 birthday or anniversary in the next 1..366 days
    ownerStaffId=<staff id>         store client book only: one associate's customers

Only refinable attributes of the client-book attribute group can be filtered on, and each
value is typed against its attribute, so storage receives values of the stored type. Every
problem names its parameter; all are reported together.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.domain.attributes import (
    MAX_DECIMAL,
    MAX_INTEGER,
    RANGE_TYPES,
    AttributeDefinition,
    AttributeGroup,
    AttributeType,
    coerce_attribute_value,
)
from shared.domain.errors import ValidationFailed
from shared.domain.important_dates import MAX_UPCOMING_DAYS, MonthDayRange, upcoming_ranges
from shared.domain.query_values import decimal_number, whole_number_problem
from shared.domain.text import fold

MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 8
MIN_CUSTOMER_SEARCH = 2
MAX_REFINE_VALUES = 50
PAGING_PARAMETERS = ("pageSize", "continuationToken")
_ATTRIBUTE_NAME = r"[A-Za-z][A-Za-z0-9_]{0,39}"  # as AttributeName
# The `range` value: attribute, colon, lowest value, `..`, highest value (either may be empty).
# The OpenAPI document declares this same pattern (plain syntax that ECMA and Python agree on);
# the lowest value ends at the first `..`, which no number or date contains.
RANGE_PATTERN = rf"^({_ATTRIBUTE_NAME}):(.*?)\.\.(.*)$"
_RANGE = re.compile(RANGE_PATTERN)
_RANGE_PARAMETER = re.compile(rf"^(?P<name>{_ATTRIBUTE_NAME})\.(?P<bound>min|max)$")
_STAFF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class AttributeRefinement:
    """`attribute` has one of `values` (already in the stored type)."""

    attribute: str
    type: AttributeType
    values: tuple[Any, ...]


@dataclass(frozen=True)
class AttributeRange:
    """`attribute` lies within [minimum, maximum]; a missing bound is open."""

    attribute: str
    type: AttributeType
    minimum: Any = None
    maximum: Any = None


@dataclass(frozen=True)
class BookFilters:
    search_words: tuple[str, ...] = ()
    refinements: tuple[AttributeRefinement, ...] = ()
    ranges: tuple[AttributeRange, ...] = ()
    upcoming_days: int | None = None
    upcoming: tuple[MonthDayRange, ...] = ()
    owner_staff_id: str | None = None

    @property
    def is_empty(self) -> bool:
        return self == BookFilters()

    def canonical(self) -> str:
        """A stable text of the filters: continuation tokens are bound to it."""
        return json.dumps(
            {
                "s": self.search_words,
                "r": [(r.attribute, sorted(map(str, r.values))) for r in self.refinements],
                "g": [(g.attribute, g.minimum, g.maximum) for g in self.ranges],
                "u": self.upcoming_days,
                "o": self.owner_staff_id,
            },
            separators=(",", ":"),
            default=str,
        )


@dataclass
class _Problems:
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, parameter: str, message: str) -> None:
        self.errors.append({"field": parameter, "message": message})

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def search_words(text: str | None, parameter: str = "search") -> tuple[str, ...]:
    """The folded words of a search text; every one must appear."""
    if text is None or not text.strip():
        return ()
    if len(text) > MAX_SEARCH_LENGTH:
        raise ValidationFailed.single(parameter, f"at most {MAX_SEARCH_LENGTH} characters")
    words = tuple(dict.fromkeys(fold(text).split()))
    if len(words) > MAX_SEARCH_WORDS:
        raise ValidationFailed.single(parameter, f"at most {MAX_SEARCH_WORDS} words")
    return words


def customer_search_words(text: str | None) -> tuple[str, ...]:
    """Customer search needs something to look for: at least two characters."""
    words = search_words(text)
    if len("".join(words)) < MIN_CUSTOMER_SEARCH:
        raise ValidationFailed.single(
            "search", f"give at least {MIN_CUSTOMER_SEARCH} characters to search for"
        )
    return words


def typed_query_value(definition: AttributeDefinition, text: str) -> Any:
    """A query-string value in the attribute's stored type, or ValueError saying why not."""
    kind = definition.type
    text = text.strip()
    if kind is AttributeType.BOOLEAN:
        if text.lower() not in ("true", "false"):
            raise ValueError("must be true or false")
        return text.lower() == "true"
    if kind is AttributeType.INTEGER:
        problem = whole_number_problem(text, -MAX_INTEGER, MAX_INTEGER)
        if problem is not None:
            raise ValueError(problem)
        return coerce_attribute_value(definition, int(text))
    if kind is AttributeType.DECIMAL:
        return coerce_attribute_value(definition, decimal_number(text, MAX_DECIMAL))
    if kind is AttributeType.LIST:
        by_folded = {fold(v): v for v in definition.allowed_values or []}
        if fold(text) not in by_folded:
            raise ValueError(f"must be one of: {', '.join(definition.allowed_values or [])}")
        return by_folded[fold(text)]
    return coerce_attribute_value(definition, text)


def _refinable(
    group: AttributeGroup | None, name: str, parameter: str, problems: _Problems
) -> AttributeDefinition | None:
    definition = (group.by_name() if group else {}).get(name)
    if definition is None:
        problems.add(parameter, f"unknown attribute {name!r}")
        return None
    if not definition.refinable:
        problems.add(parameter, f"attribute {name!r} is not refinable")
        return None
    return definition


def _refinements(
    expressions: list[str], group: AttributeGroup | None, problems: _Problems
) -> tuple[AttributeRefinement, ...]:
    chosen: dict[str, list[Any]] = {}
    types: dict[str, AttributeType] = {}
    for expression in expressions:
        name, colon, raw = expression.partition(":")
        name = name.strip()
        if not colon or not name or not raw.strip():
            problems.add("refine", f"expected <attribute>:<value>, not {expression[:60]!r}")
            continue
        definition = _refinable(group, name, "refine", problems)
        if definition is None:
            continue
        try:
            value = typed_query_value(definition, raw)
        except ValueError as problem:
            problems.add("refine", f"{name}: {problem}")
            continue
        values = chosen.setdefault(definition.name, [])
        types[definition.name] = definition.type
        if value not in values:
            values.append(value)
    for name, values in chosen.items():
        if len(values) > MAX_REFINE_VALUES:
            problems.add("refine", f"{name}: at most {MAX_REFINE_VALUES} values")
    return tuple(AttributeRefinement(n, types[n], tuple(v)) for n, v in sorted(chosen.items()))


@dataclass(frozen=True)
class _Bound:
    """One end of a range as given: `range=visits:3..` or `visits.min=3`."""

    attribute: str
    end: str  # "min" or "max"
    raw: str
    parameter: str  # the query parameter it came from, which its problems name

    def problem(self, message: str) -> str:
        # `refine` and `range` carry many attributes, so their messages name the attribute.
        return f"{self.attribute} {self.end}: {message}" if self.parameter == "range" else message


def _range_bounds(expressions: list[str], problems: _Problems) -> list[_Bound]:
    bounds = []
    for expression in expressions:
        match = _RANGE.fullmatch(expression.strip())
        if match is None:
            problems.add("range", f"expected <attribute>:<min>..<max>, not {expression[:60]!r}")
            continue
        name, low, high = match.groups()
        if not low.strip() and not high.strip():
            problems.add("range", f"{name}: give a lowest value, a highest value or both")
            continue
        for end, raw in (("min", low), ("max", high)):
            if raw.strip():
                bounds.append(_Bound(name, end, raw, "range"))
    return bounds


def _ranges(
    bounds: list[_Bound], group: AttributeGroup | None, problems: _Problems
) -> tuple[AttributeRange, ...]:
    by_attribute: dict[str, dict[str, _Bound]] = {}
    for bound in bounds:
        ends = by_attribute.setdefault(bound.attribute, {})
        if bound.end in ends:
            problems.add(bound.parameter, f"{bound.attribute}: give the {bound.end} value once")
            continue
        ends[bound.end] = bound
    result = []
    for name in sorted(by_attribute):
        given = by_attribute[name]
        parameter = next(iter(given.values())).parameter
        definition = _refinable(group, name, parameter, problems)
        if definition is None:
            continue
        if definition.type not in RANGE_TYPES:
            problems.add(parameter, f"{name} is {definition.type.value}: ranges need a number/date")
            continue
        typed: dict[str, Any] = {}
        for end, bound in given.items():
            try:
                typed[end] = typed_query_value(definition, bound.raw)
            except ValueError as problem:
                problems.add(bound.parameter, bound.problem(str(problem)))
        low, high = typed.get("min"), typed.get("max")
        if low is not None and high is not None and low > high:
            lowest = given["min"]
            if lowest.parameter == "range":
                problems.add("range", f"{name}: the lowest value is above the highest")
            else:
                problems.add(lowest.parameter, f"is greater than {name}.max")
            continue
        if len(typed) == len(given):
            result.append(AttributeRange(definition.name, definition.type, low, high))
    return tuple(result)


def _upcoming(raw: str | None, problems: _Problems) -> int | None:
    if raw is None:
        return None
    if whole_number_problem(raw, 1, MAX_UPCOMING_DAYS) is not None:
        problems.add("upcoming", f"must be a whole number of days from 1 to {MAX_UPCOMING_DAYS}")
        return None
    return int(raw)


def _single(query: Mapping[str, list[str]], name: str, problems: _Problems) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        problems.add(name, "give this parameter once")
    return values[0]


def parse_book_filters(
    query: Mapping[str, list[str]],
    group: AttributeGroup | None,
    today: dt.date,
    owner_filter_allowed: bool = False,
    also_allowed: Iterable[str] = PAGING_PARAMETERS,
) -> BookFilters:
    """The filters in a book list's query string; ValidationFailed naming each bad one."""
    problems = _Problems()
    known = {"search", "refine", "range", "upcoming", *also_allowed}
    if owner_filter_allowed:
        known.add("ownerStaffId")
    bounds: list[_Bound] = []
    for name, values in query.items():
        match = _RANGE_PARAMETER.match(name)
        if match:
            if len(values) > 1:
                problems.add(name, "give this parameter once")
            bounds.append(_Bound(match["name"], match["bound"], values[0], name))
        elif name not in known:
            problems.add(name, "unknown parameter")
    try:
        words = search_words(_single(query, "search", problems))
    except ValidationFailed as problem:
        problems.errors.extend(problem.errors)
        words = ()
    refinements = _refinements(query.get("refine", []), group, problems)
    bounds += _range_bounds(query.get("range", []), problems)
    ranges = _ranges(bounds, group, problems)
    days = _upcoming(_single(query, "upcoming", problems), problems)
    owner = _single(query, "ownerStaffId", problems) if owner_filter_allowed else None
    if owner is not None and not _STAFF_ID.match(owner):
        problems.add("ownerStaffId", "is not a staff id")
    problems.raise_if_any()
    return BookFilters(
        search_words=words,
        refinements=refinements,
        ranges=ranges,
        upcoming_days=days,
        upcoming=upcoming_ranges(today, days) if days else (),
        owner_staff_id=owner,
    )
