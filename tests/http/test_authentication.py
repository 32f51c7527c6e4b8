"""Every route but health and the OpenAPI document needs a valid bearer token."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.adapters.identity import signing_keys
from shared.adapters.identity.local_signing import LOCAL_AUDIENCE, LOCAL_ISSUER, LocalSigningKey
from shared.composition import reset_services
from shared.domain.identity import ADMIN_ROLE, POS_SCOPE
from shared.settings import reset_settings
from tests.fakes.identity import TENANT, V1_ISSUER, V2_ISSUER, FakeIdentityProvider
from tests.fakes.tls import TlsFiles
from tests.support.api_client import ApiClient
from tests.support.movable_clock import MovableClock, install_clock

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
        "scp": POS_SCOPE,
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


# --- Entra ID mode: the app as deployed, against the Entra ID stand-in's key set -------------

CLIENT_ID = "6e74172b-be56-4843-9ff4-e66a39bb12e3"
OTHER_TENANT = "99999999-8888-4777-8666-555555555555"


@pytest.fixture
def entra(
    api: ApiClient, tls: TlsFiles, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeIdentityProvider]:
    """The app in AUTH_MODE=entra with the settings the Bicep template writes."""
    provider = FakeIdentityProvider(tls, CLIENT_ID, set())
    provider.server.start()
    settings = {
        "AUTH_MODE": "entra",
        "AUTH_ISSUER": V2_ISSUER,
        "AUTH_AUDIENCE": CLIENT_ID,
        "AUTH_JWKS_URL": provider.jwks_url,
        "OUTBOUND_TLS_CA_BUNDLE": str(tls.ca_cert),
        "CONTINUATION_TOKEN_KEY": secrets.token_hex(48),
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    reset_services()
    yield provider
    provider.server.stop()


def _entra_claims(**overrides) -> dict:
    """A v2.0 delegated token of an admin user, as Entra ID issues it for this API."""
    return _claims(**{"iss": V2_ISSUER, "aud": CLIENT_ID, "ver": "2.0", "tid": TENANT, **overrides})


def test_v1_and_v2_entra_tokens_for_the_tenant_are_accepted(
    api: ApiClient, entra: FakeIdentityProvider
) -> None:
    kid = entra.add_signing_key()
    v2 = _entra_claims()
    # accessTokenAcceptedVersion null or 1: v1.0 tokens, aud as the client asked for it.
    v1_by_uri = _entra_claims(iss=V1_ISSUER, aud=f"api://{CLIENT_ID}", ver="1.0")
    v1_by_id = _entra_claims(iss=V1_ISSUER, ver="1.0")
    for claims in (v2, v1_by_uri, v1_by_id):
        reply = api.with_token(entra.sign(claims, kid)).get(ADMIN_ROUTE)
        assert reply.status == 200, (claims["iss"], claims["aud"], reply)


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"}, "issuer"),
        ({"iss": f"https://sts.windows.net/{OTHER_TENANT}/"}, "issuer"),
        # PyJWT 2.10.0 compared a string issuer as a substring; ours is exact.
        ({"iss": f"https://login.microsoftonline.com/{TENANT}/v2"}, "issuer"),
        ({"iss": [V2_ISSUER]}, "issuer"),
        ({"aud": "api://another-api"}, "audience"),
        ({"aud": "00000003-0000-0000-c000-000000000000"}, "audience"),  # Microsoft Graph
        ({"scp": None, "roles": None}, "neither"),
        ({"scp": None, "roles": ["Something.Else"]}, "neither"),
        ({"scp": "User.Read"}, "scp"),
        ({"roles": "Clienteling.Admin"}, "roles"),
        ({"roles": {"admin": True}}, "roles"),
        ({"roles": 42}, "roles"),
        ({"scp": 42}, "scp"),
    ],
)
def test_entra_tokens_failing_a_check_are_401_not_500(
    api: ApiClient, entra: FakeIdentityProvider, overrides: dict, detail: str
) -> None:
    kid = entra.add_signing_key()
    reply = api.with_token(entra.sign(_entra_claims(**overrides), kid)).get(ADMIN_ROUTE)
    assert reply.status == 401, reply
    assert _problem_type(reply) == "urn:clienteling:problem:unauthenticated"
    assert detail in reply.json["detail"]


def test_an_app_only_token_with_the_admin_role_reaches_admin_routes(
    api: ApiClient, entra: FakeIdentityProvider
) -> None:
    kid = entra.add_signing_key()
    app_only = _entra_claims(scp=None, roles=[ADMIN_ROLE], oid="integration-sp", idtyp="app")
    assert api.with_token(entra.sign(app_only, kid)).get(ADMIN_ROUTE).status == 200


def test_a_delegated_token_without_the_admin_role_is_403_on_admin_routes(
    api: ApiClient, entra: FakeIdentityProvider
) -> None:
    kid = entra.add_signing_key()
    reply = api.with_token(entra.sign(_entra_claims(roles=None), kid)).get(ADMIN_ROUTE)
    assert reply.status == 403


def test_a_key_removed_from_the_tenants_key_set_stops_validating(
    api: ApiClient, entra: FakeIdentityProvider
) -> None:
    clock = MovableClock()
    install_clock(clock)
    old, new = entra.add_signing_key(), entra.add_signing_key()
    assert api.with_token(entra.sign(_entra_claims(), old)).get(ADMIN_ROUTE).status == 200
    entra.remove_signing_key(old)

    clock.advance(dt.timedelta(seconds=signing_keys.MAX_AGE_SECONDS))
    reply = api.with_token(entra.sign(_entra_claims(), old)).get(ADMIN_ROUTE)
    assert reply.status == 401
    assert "unknown key" in reply.json["detail"]
    assert api.with_token(entra.sign(_entra_claims(), new)).get(ADMIN_ROUTE).status == 200


def test_forged_key_ids_do_not_make_every_request_fetch_keys(
    api: ApiClient, entra: FakeIdentityProvider
) -> None:
    kid = entra.add_signing_key()
    assert api.with_token(entra.sign(_entra_claims(), kid)).get(ADMIN_ROUTE).status == 200
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for n in range(30):
        forged = jwt.encode(
            _entra_claims(), stranger, algorithm="RS256", headers={"kid": f"forged-{n}"}
        )
        assert api.with_token(forged).get(ADMIN_ROUTE).status == 401
    assert len(entra.key_set_requests()) == 1
