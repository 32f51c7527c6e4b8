"""AUTH_ISSUER and AUTH_AUDIENCE: one value as before, or a comma-separated list."""

from __future__ import annotations

import pytest

from shared.settings import Settings, SettingsError

TENANT = "0f0e0d0c-0b0a-4908-8706-050403020100"
CLIENT_ID = "6e74172b-be56-4843-9ff4-e66a39bb12e3"
V2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"
V1 = f"https://sts.windows.net/{TENANT}/"
JWKS = f"https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys"


def _auth(**values: str):
    return Settings.from_env(values).auth


def test_a_single_issuer_and_audience_read_as_before() -> None:
    auth = _auth(AUTH_ISSUER=V2, AUTH_AUDIENCE=CLIENT_ID, AUTH_JWKS_URL=JWKS)
    assert auth.require_entra() == ((V2,), (CLIENT_ID,), JWKS)


def test_lists_are_comma_separated_trimmed_and_deduplicated() -> None:
    auth = _auth(
        AUTH_ISSUER=f" {V2} , {V1},{V2},",
        AUTH_AUDIENCE=f"{CLIENT_ID}, api://{CLIENT_ID}",
        AUTH_JWKS_URL=JWKS,
    )
    assert auth.issuers == (V2, V1)
    assert auth.audiences == (CLIENT_ID, f"api://{CLIENT_ID}")


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"AUTH_AUDIENCE": CLIENT_ID, "AUTH_JWKS_URL": JWKS}, "AUTH_ISSUER"),
        ({"AUTH_ISSUER": V2, "AUTH_AUDIENCE": " , ", "AUTH_JWKS_URL": JWKS}, "AUTH_AUDIENCE"),
        ({"AUTH_ISSUER": V2, "AUTH_AUDIENCE": CLIENT_ID}, "AUTH_JWKS_URL"),
        # Keys fetched in the clear could be replaced on the way.
        (
            {"AUTH_ISSUER": V2, "AUTH_AUDIENCE": CLIENT_ID, "AUTH_JWKS_URL": "http://x/keys"},
            "AUTH_JWKS_URL",
        ),
    ],
)
def test_entra_mode_names_the_setting_it_cannot_do_without(
    values: dict[str, str], setting: str
) -> None:
    with pytest.raises(SettingsError) as failure:
        _auth(**values).require_entra()
    assert failure.value.setting == setting
