"""Every route, fed hostile input: each answer is a clear 4xx problem and nothing is written.

The routes come from the registered endpoints, so a new route is covered the day it lands.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from functions.http_support import ENDPOINTS, Access, EndpointSpec
from shared.composition import services
from tests.support.world import World

VALID = {
    "storeId": "S1",
    "legalEntity": "USRT",
    "customerId": "UC001",
    "groupId": "CLIENTBOOK",
    "activityTypeId": "VISIT",
    "name": "insights",
    "kind": "customers",
    "jobId": "1090",
    "noteId": "N-unknown",
}
HOSTILE_IDS = [
    "' OR 1=1--",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 300,
    "SELECT * FROM c",
    "$filter=1 eq 1",
    "%00",
    "café☕",
]
HOSTILE_BODIES = [
    (b"{not json", "application/json"),
    (b"\xff\xfe\xfd", "application/json"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    (b'{"a": "\x00\x01\x02"}', "application/json"),
    (b'{"a": 1}', "text/plain"),
    (json.dumps({"x": "y" * 2_000_000}).encode(), "application/json"),
    (b'"just a string"', "application/json"),
    (b"null", "application/json"),
]
BODY_METHODS = {"POST", "PUT", "PATCH"}
MAX_BODY = 256 * 1024
# Runs a distribution job: with a valid job id it is meant to write its run record.
WRITES_BY_DESIGN = {"admin_run_distribution_job"}


def _routes(predicate=lambda spec: True) -> list[EndpointSpec]:
    import function_app  # noqa: F401  (registers every endpoint)

    return [s for s in ENDPOINTS if predicate(s)]


def _path(spec: EndpointSpec, **overrides: str) -> str:
    path = spec.route
    for name in spec.route_params:
        path = path.replace("{" + name + "}", overrides.get(name, VALID.get(name, "x")))
    return "/api/" + path


def _client(world: World, spec: EndpointSpec):
    return world.admin if spec.access is Access.ADMIN else world.as_staff("bob")


def _counts() -> dict[str, int]:
    """Rows of every table (embedded store) or items of every container (Cosmos DB)."""
    storage = services().storage
    if hasattr(storage, "database"):
        from shared.adapters.cosmos.containers import LAYOUT

        return {
            spec.name: len(list(storage.database.container(spec.name).query("SELECT c.id FROM c")))
            for spec in LAYOUT.containers
        }
    conn: sqlite3.Connection = storage.db.connection()
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _assert_clear_4xx(reply, allowed=range(400, 500)) -> None:
    assert reply.status in allowed, reply
    assert reply.content_type.startswith("application/problem+json"), reply
    problem = reply.json
    assert problem["type"].startswith("urn:clienteling:problem:")
    assert problem["status"] == reply.status
    assert "Traceback" not in reply.body.decode("utf-8", "replace")


def _hmac_signed_with_public_key(world: World, claims: dict) -> str:
    """The classic confusion attack: HS256 keyed with the server's public key (PEM)."""
    public_pem = world.key._private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": world.key.kid}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def _ids(spec: EndpointSpec) -> str:
    return f"{spec.method} {spec.route}"


@pytest.mark.parametrize("spec", _routes(lambda s: s.access is not Access.PUBLIC), ids=_ids)
def test_forged_tokens_are_refused_everywhere(world: World, spec: EndpointSpec) -> None:
    claims = {"oid": "bob", "roles": ["Clienteling.Admin"], "aud": "x", "iss": "y", "exp": 4e9}
    forged = [
        jwt.encode(claims, None, algorithm="none"),
        _hmac_signed_with_public_key(world, claims),
        "",
    ]
    before = _counts()
    for token in forged:
        reply = world.api.with_token(token or None).request(spec.method, _path(spec))
        _assert_clear_4xx(reply, allowed={401})
    assert _counts() == before


@pytest.mark.parametrize("spec", _routes(lambda s: s.method in BODY_METHODS), ids=_ids)
def test_hostile_bodies_are_refused_and_write_nothing(world: World, spec: EndpointSpec) -> None:
    client = _client(world, spec)
    before = _counts()
    for body, content_type in HOSTILE_BODIES:
        if spec.request_model is None and spec.name in WRITES_BY_DESIGN:
            continue
        reply = client.request(
            spec.method, _path(spec), body=body, headers={"Content-Type": content_type}
        )
        if spec.request_model is None and not spec.large_body and len(body) < MAX_BODY:
            # Routes that take no body ignore one; they must still never fail.
            assert reply.status < 500, reply
            continue
        _assert_clear_4xx(reply)
    if spec.name not in WRITES_BY_DESIGN:
        assert _counts() == before


@pytest.mark.parametrize("spec", _routes(lambda s: bool(s.route_params)), ids=_ids)
def test_hostile_ids_in_the_route_are_refused(world: World, spec: EndpointSpec) -> None:
    client = _client(world, spec) if spec.access is not Access.PUBLIC else world.api
    before = _counts()
    for param in spec.route_params:
        for hostile in HOSTILE_IDS:
            reply = client.request(
                spec.method,
                _path(spec, **{param: hostile}),
                json_body={} if spec.method in BODY_METHODS else None,
            )
            _assert_clear_4xx(reply)
    assert _counts() == before


@pytest.mark.parametrize(
    "spec",
    _routes(lambda s: s.method == "GET" and any(q.name == "pageSize" for q in s.query)),
    ids=_ids,
)
def test_bad_paging_is_refused(world: World, spec: EndpointSpec) -> None:
    client = _client(world, spec)
    for params in (
        {"pageSize": "-1"},
        {"pageSize": "1000000000000"},
        {"pageSize": "abc"},
        {"pageSize": "\u00b2"},  # isdigit() is true, int() refuses it
        {"pageSize": "\u0663"},  # int() reads it as 3
        {"pageSize": "5" * 5000},  # int() refuses more than 4,300 digits
        {"continuationToken": "eyJhZnRlciI6IDF9.AAAAAAAAAAAAAAAAAAAAAA"},
        {"continuationToken": "../../etc/passwd"},
    ):
        # 404 where the route names something that does not exist (an unknown note).
        _assert_clear_4xx(client.get(_path(spec), params=params), allowed={400, 404})
