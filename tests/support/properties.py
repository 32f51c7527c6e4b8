"""Shared settings and strategies of the property-based tests (hypothesis).

Bounded example counts and no deadline: the suite runs on small, busy CI machines, where a
per-example deadline measures the machine, not the code. No example database either, and
hypothesis keeps its caches outside the working tree; a failure prints the example to rerun.
"""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis caches what it learns under ./.hypothesis; keep the working tree clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "clienteling-hypothesis")

QUICK = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Tests that go through the HTTP functions or a store: fewer examples, each costs more. The
# world fixture is built once per test; these tests only read, or count what they wrote.
THROUGH_THE_APP = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Characters that look like digits to str.isdigit() or int() but are not ASCII.
# Superscripts, Arabic-Indic, Extended Arabic-Indic, Devanagari, fullwidth, mathematical bold.
UNICODE_DIGITS = (
    "".join(
        chr(c)
        for start in (0x0660, 0x06F0, 0x0966, 0xFF10, 0x1D7CE)
        for c in range(start, start + 10)
    )
    + "\u00b2\u00b3\u00b9"
)
FORBIDDEN_IN_TEXT = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + [
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
]

# What arrives in a query value: digits of any script, signs, points, exponents, spaces,
# very long digit runs, and any other text.
number_like_text = st.one_of(
    st.text(alphabet=string.digits + UNICODE_DIGITS, min_size=1, max_size=8),
    st.text(alphabet=string.digits + "+-.eE _" + UNICODE_DIGITS, max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=string.digits, min_size=20, max_size=80),
    st.integers(min_value=1, max_value=6000).map(lambda n: "7" * n),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=30),
)

# Any JSON value, with integers of up to 100 digits (longer ones are out of range by rule:
# shared/domain/json_numbers.py; tests draw those separately).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**100) + 1, max_value=10**100 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
