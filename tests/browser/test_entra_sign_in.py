"""The page as deployed signs in with Entra ID through MSAL.js: authorization code with PKCE for
the API's scope, MSAL loaded only in this mode. Entra ID itself is answered by route handlers
in the browser (its metadata, and a stand-in sign-in page), so nothing leaves the machine."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from shared.localhost.page_site import PageSite
from tests.browser.conftest import ROOT

TENANT = "11111111-1111-4111-8111-111111111111"
CLIENT_ID = "22222222-2222-4222-8222-222222222222"
SCOPE = "api://33333333-3333-4333-8333-333333333333/Clienteling.Pos"
AUTHORITY = f"https://login.microsoftonline.com/{TENANT}"
MSAL = ROOT / "web" / "node_modules" / "@azure" / "msal-browser" / "lib" / "msal-browser.min.js"


@pytest.fixture(scope="module")
def deployed_page() -> Iterator[PageSite]:
    node = shutil.which("node")
    if node is None or not MSAL.exists():
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail("node and web/node_modules are needed to build the page (make web-deps)")
        pytest.skip("node or web/node_modules missing: the deployable page cannot be built")
    environment = {**os.environ, "API_BASE_URL": "https://func-x.azurewebsites.net/api"}
    subprocess.run([node, "build.mjs"], cwd=ROOT / "web", env=environment, check=True)
    config = {
        "apiBase": "https://func-x.azurewebsites.net/api",
        "auth": "entra",
        "clientId": CLIENT_ID,
        "authority": AUTHORITY,
        "scope": SCOPE,
        "stores": ["SEA01"],
    }
    with PageSite(ROOT / "web" / "dist", config["apiBase"], config=config) as site:
        yield site


def test_sign_in_is_authorization_code_with_pkce_for_the_api_scope(
    browser: Any, deployed_page: PageSite
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10000)
    authorize: list[str] = []

    def entra(route: Any) -> None:
        url = route.request.url
        if "openid-configuration" in url:
            route.fulfill(
                json={
                    "authorization_endpoint": f"{AUTHORITY}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{AUTHORITY}/oauth2/v2.0/token",
                    "end_session_endpoint": f"{AUTHORITY}/oauth2/v2.0/logout",
                    "issuer": f"{AUTHORITY}/v2.0",
                    "jwks_uri": f"{AUTHORITY}/discovery/v2.0/keys",
                },
                headers={"Access-Control-Allow-Origin": "*"},
            )
        elif "/oauth2/v2.0/authorize" in url:
            authorize.append(url)
            route.fulfill(body="<!doctype html><title>Entra ID</title>", content_type="text/html")
        else:
            route.abort()

    page.route("https://login.microsoftonline.com/**", entra)
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    page.goto(f"{deployed_page.url}/")
    button = page.get_by_role("button", name="Sign in with your work account")
    button.wait_for()
    page.wait_for_load_state("networkidle")
    first_load = sum(received)
    print(f"\nfirst load of the deployed page (MSAL.js included): {first_load} bytes")
    assert first_load <= 300 * 1024
    button.click()
    page.wait_for_url(f"{AUTHORITY}/oauth2/v2.0/authorize**")
    context.close()

    assert any(url.endswith("/vendor/msal-browser.min.js") for url in loaded)
    query = parse_qs(urlsplit(authorize[0]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["client_id"] == [CLIENT_ID]
    assert SCOPE in query["scope"][0].split()
    assert query["redirect_uri"] == [f"{deployed_page.url}/"]
    assert "client_secret" not in query
