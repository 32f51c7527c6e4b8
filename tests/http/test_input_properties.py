"""Through the HTTP functions, as a POS or admin tool calls them: any input, never a 500.

The query parameters come from each route's declaration, so a route added later is covered
the day it lands. Values are drawn from classes (numbers of any script and size, any text);
each answer is a success or a 4xx problem.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from functions.http_support import ENDPOINTS, Access, EndpointSpec
from tests.support.properties import (
    FORBIDDEN_IN_TEXT,
    THROUGH_THE_APP,
    json_values,
    number_like_text,
)
from tests.support.world import World, pos_path

VALID = {
    "storeId": "S1",
    "legalEntity": "USRT",
    "customerId": "UC003",
    "noteId": "N-unknown",
}
query_values = st.one_of(number_like_text, st.text(max_size=40))


def _routes() -> list[EndpointSpec]:
    import function_app  # noqa: F401  (registers every endpoint)

    return [s for s in ENDPOINTS if s.method == "GET" and s.query]


def _path(spec: EndpointSpec) -> str:
    path = spec.route
    for name in spec.route_params:
        path = path.replace("{" + name + "}", VALID.get(name, "x"))
    return "/api/" + path


def _assert_answered(reply) -> None:
    assert reply.status < 500, reply
    if reply.status >= 400:
        assert reply.content_type.startswith("application/problem+json"), reply
        assert reply.json["status"] == reply.status


@pytest.mark.parametrize("spec", _routes(), ids=lambda s: f"{s.method} {s.route}")
def test_any_query_values_get_an_answer_not_a_500(world: World, spec: EndpointSpec) -> None:
    client = world.admin if spec.access is Access.ADMIN else world.as_staff("bob")
    names = [q.name for q in spec.query] + ["refine", "visits.min", "lifetimeValue.max"]

    @THROUGH_THE_APP
    @given(st.dictionaries(st.sampled_from(names), st.lists(query_values, min_size=1, max_size=2)))
    @example({name: ["\u00b2"] for name in names})
    @example({name: ["5" * 5000] for name in names})
    def check(params: dict[str, list[str]]) -> None:
        pairs = [(name, value) for name, values in params.items() for value in values]
        _assert_answered(client.get(_path(spec), params=pairs))

    check()


ATTRIBUTES = pos_path("S1", "customers/UC003/attributes")
HIDDEN_IN_NOTES = set(FORBIDDEN_IN_TEXT) - set("\t\n\r")


def test_any_attribute_values_in_a_patch_are_stored_or_named(world: World) -> None:
    client = world.as_staff("alice")
    names = ["favoriteCategory", "preferredBrand", "lifetimeValue", "lastVisit", "vip", "visits"]
    values = st.one_of(
        json_values,
        st.integers(min_value=-(10**450), max_value=10**450),
        st.text(alphabet=st.sampled_from([*FORBIDDEN_IN_TEXT, "a", " "]), max_size=5),
    )

    @THROUGH_THE_APP
    @given(st.dictionaries(st.sampled_from(names), values, min_size=1, max_size=3))
    @example({"lifetimeValue": int("9" * 400)})
    def check(changes: dict) -> None:
        etag = client.get(pos_path("S1", "customers/UC003")).etag
        reply = client.request(
            "PATCH",
            ATTRIBUTES,
            body=json.dumps({"attributes": changes}).encode(),
            headers={"If-Match": etag, "Content-Type": "application/json"},
        )
        _assert_answered(reply)
        if reply.status == 400:
            fields = {e["field"] for e in reply.json["errors"]}
            assert fields <= {f"attributes.{name}" for name in changes}, reply.json
        else:
            assert reply.status == 200, reply

    check()


def test_any_note_text_is_stored_as_sent_or_named(world: World) -> None:
    client = world.as_staff("alice")
    notes = pos_path("S1", "customers/UC003/notes")

    @THROUGH_THE_APP
    @given(st.text(alphabet=st.sampled_from([*FORBIDDEN_IN_TEXT, "a", "é", " "]), max_size=8))
    def check(text: str) -> None:
        reply = client.post(notes, json={"text": text})
        _assert_answered(reply)
        if reply.status == 201:
            assert reply.json["text"] == text.strip()
            assert not set(text.strip()) & HIDDEN_IN_NOTES, "a note kept a hidden character"
        else:
            assert {e["field"] for e in reply.json["errors"]} == {"text"}, reply.json

    check()
