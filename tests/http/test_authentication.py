"""Every route but health and the OpenAPI document needs a valid bearer token."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.adapters.identity.local_signing import LOCAL_AUDIENCE, LOCAL_ISSUER, LocalSigningKey
from shared.domain.identity import ADMIN_ROLE
from tests.support.api_client import ApiClient

ADMIN_ROUTE = "/api/admin/USRT/parameters"


def _problem_type(reply) -> str:
    assert reply.content_type.startswith("application/problem+json"), reply
    return reply.json["type"]


def _claims(**overrides) -> dict:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": LOCAL_ISSUER,
        "aud": LOCAL_AUDIENCE,
        "oid": "admin",
        "roles": [ADMIN_ROLE],
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(hours=1)).timestamp()),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(key: LocalSigningKey, claims: dict, kid: str | None = None) -> str:
    return jwt.encode(claims, key._private_key, algorithm="RS256", headers={"kid": kid or key.kid})


def test_health_and_openapi_need_no_token(api: ApiClient) -> None:
    assert api.get("/api/health").status == 200
    assert api.get("/api/openapi.json").status == 200


def test_a_missing_token_is_401_with_a_problem(api: ApiClient, signing_key) -> None:
    reply = api.get(ADMIN_ROUTE)
    assert reply.status == 401
    assert _problem_type(reply) == "urn:clienteling:problem:unauthenticated"
    assert reply.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization", ["Basic abc", "Bearer", "Bearer not-a-jwt", "bearer a.b.c"]
)
def test_malformed_authorization_is_401(api: ApiClient, signing_key, authorization: str) -> None:
    reply = api.get(ADMIN_ROUTE, headers={"Authorization": authorization})
    assert reply.status == 401


def test_a_valid_admin_token_is_accepted(api: ApiClient, signing_key) -> None:
    reply = api.with_token(_sign(signing_key, _claims())).get(ADMIN_ROUTE)
    assert reply.status == 200


@pytest.mark.parametrize(
    ("claims", "detail"),
    [
        (_claims(aud="api://someone-else"), "audience"),
        (_claims(iss="https://evil.example/v2.0"), "issuer"),
        (_claims(exp=int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())), "expired"),
        (
            _claims(nbf=int((dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).timestamp())),
            "not valid yet",
        ),
        (_claims(oid=None), "oid"),
        (_claims(exp=None), "not valid"),
    ],
)
def test_tokens_failing_a_claim_check_are_401(
    api: ApiClient, signing_key, claims: dict, detail: str
) -> None:
    reply = api.with_token(_sign(signing_key, claims)).get(ADMIN_ROUTE)
    assert reply.status == 401, reply
    assert detail in reply.json["detail"]


def test_a_token_signed_by_another_key_is_401(api: ApiClient, signing_key) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(), stranger, algorithm="RS256", headers={"kid": signing_key.kid})
    reply = api.with_token(token).get(ADMIN_ROUTE)
    assert reply.status == 401
    assert "signature" in reply.json["detail"]


def test_an_unknown_key_id_is_401(api: ApiClient, signing_key) -> None:
    reply = api.with_token(_sign(signing_key, _claims(), kid="unknown-kid")).get(ADMIN_ROUTE)
    assert reply.status == 401
    assert "unknown key" in reply.json["detail"]


def test_alg_none_and_hmac_with_the_public_key_are_rejected(api: ApiClient, signing_key) -> None:
    unsigned = jwt.encode(_claims(), None, algorithm="none")
    public_pem = signing_key.jwks()["keys"][0]["n"].encode()
    hmac_forged = jwt.api_jws.PyJWS().encode(
        jwt.utils.force_bytes(__import__("json").dumps(_claims())),
        public_pem,
        algorithm="HS256",
        headers={"kid": signing_key.kid},
    )
    for token in (unsigned, hmac_forged):
        assert api.with_token(token).get(ADMIN_ROUTE).status == 401


def test_admin_routes_need_the_admin_role(api: ApiClient, signing_key) -> None:
    reply = api.with_token(_sign(signing_key, _claims(roles=["Something.Else"]))).get(ADMIN_ROUTE)
    assert reply.status == 403
    assert _problem_type(reply) == "urn:clienteling:problem:forbidden"
    assert "Clienteling.Admin" in reply.json["detail"]
