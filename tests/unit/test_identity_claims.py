"""Which token claims let a caller in, and as what (shared/domain/identity.py)."""

from __future__ import annotations

import pytest

from shared.adapters.identity.entra import accepted_audiences, accepted_issuers
from shared.domain.errors import Unauthenticated
from shared.domain.identity import ADMIN_ROLE, POS_SCOPE, identity_from_claims

TENANT = "0f0e0d0c-0b0a-4908-8706-050403020100"
CLIENT_ID = "6e74172b-be56-4843-9ff4-e66a39bb12e3"


def test_a_delegated_token_with_the_pos_scope_is_a_staff_member() -> None:
    identity = identity_from_claims({"oid": "alice", "scp": f"openid {POS_SCOPE} profile"})
    assert identity.delegated
    assert identity.scopes == {"openid", POS_SCOPE, "profile"}
    assert not identity.is_admin


def test_a_delegated_token_of_an_admin_user_carries_their_app_role() -> None:
    identity = identity_from_claims({"oid": "admin", "scp": POS_SCOPE, "roles": [ADMIN_ROLE]})
    assert identity.delegated and identity.is_admin


def test_an_app_only_token_with_the_admin_role_is_an_admin_application() -> None:
    identity = identity_from_claims({"oid": "integration", "roles": [ADMIN_ROLE]})
    assert not identity.delegated and identity.is_admin


@pytest.mark.parametrize(
    ("claims", "detail"),
    [
        ({"oid": "x"}, "neither"),
        ({"oid": "x", "roles": []}, "neither"),
        ({"oid": "x", "roles": ["Something.Else"]}, "neither"),
        # A delegated token for another of the API's scopes, even of an admin user.
        ({"oid": "x", "scp": "User.Read", "roles": [ADMIN_ROLE]}, "scp"),
        ({"oid": "x", "scp": ""}, "scp"),
        # Scopes are whole words of the string, not substrings of it.
        ({"oid": "x", "scp": f"{POS_SCOPE}.Extra"}, "scp"),
        ({"oid": "x", "roles": ADMIN_ROLE}, "roles"),
        ({"oid": "x", "roles": {"Clienteling.Admin": True}}, "roles"),
        ({"oid": "x", "roles": [ADMIN_ROLE, 7]}, "roles"),
        ({"oid": "x", "scp": [POS_SCOPE]}, "scp"),
        ({"oid": "x", "scp": POS_SCOPE, "roles": "Clienteling.Admin"}, "roles"),
        ({"scp": POS_SCOPE}, "oid"),
    ],
)
def test_tokens_without_a_usable_authorization_claim_are_refused(claims: dict, detail: str) -> None:
    with pytest.raises(Unauthenticated) as refused:
        identity_from_claims(claims)
    assert detail in refused.value.detail


def test_a_tenants_v2_issuer_also_admits_its_v1_issuer_and_nothing_else() -> None:
    v2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    v1 = f"https://sts.windows.net/{TENANT}/"
    assert accepted_issuers((v2,)) == (v2, v1)
    assert accepted_issuers((v1,)) == (v1, v2)
    assert accepted_issuers(("https://login.chinacloudapi.cn/x/v2.0",)) == (
        "https://login.chinacloudapi.cn/x/v2.0",
    )


def test_a_client_id_audience_also_admits_its_default_application_id_uri() -> None:
    assert accepted_audiences((CLIENT_ID,)) == (CLIENT_ID, f"api://{CLIENT_ID}")
    assert accepted_audiences((CLIENT_ID, f"api://{CLIENT_ID}")) == (
        CLIENT_ID,
        f"api://{CLIENT_ID}",
    )
    assert accepted_audiences(("api://clienteling",)) == ("api://clienteling",)
