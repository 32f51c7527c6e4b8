from __future__ import annotations

import pytest

from shared.domain.errors import MalformedRequest
from shared.services.record_stream import records


def test_arrays_are_read_record_by_record() -> None:
    assert list(records(' [ {"a": 1} , {"b": [2]} ] ', ndjson=False)) == [
        (0, {"a": 1}),
        (1, {"b": [2]}),
    ]
    assert list(records("[]", ndjson=False)) == []


def test_ndjson_skips_blank_lines() -> None:
    assert list(records('{"a": 1}\n\n{"a": 2}\n', ndjson=True)) == [(0, {"a": 1}), (1, {"a": 2})]


@pytest.mark.parametrize(
    ("text", "ndjson", "where"),
    [
        ('{"a": 1}', False, "JSON array"),
        ('[{"a": 1} {"a": 2}]', False, "after record 0"),
        ('[{"a": 1}] trailing', False, "after the JSON array"),
        ('[{"a": NaN}]', False, "record 0"),
        ('{"a": 1}\n{oops', True, "line 2"),
    ],
)
def test_broken_bodies_say_where(text: str, ndjson: bool, where: str) -> None:
    with pytest.raises(MalformedRequest, match=where):
        list(records(text, ndjson))
