"""In Azure the app asks the platform's managed identity endpoint for its user-assigned identity
by client id; elsewhere it uses DefaultAzureCredential. The endpoint is a local stand-in
speaking App Service's managed identity protocol (IDENTITY_ENDPOINT, X-IDENTITY-HEADER)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

from shared.app_credential import app_credential
from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest

CLIENT_ID = "6f1e2d3c-4b5a-4978-8899-aabbccddeeff"
IDENTITY_HEADER = "platform-secret-header"


@pytest.fixture
def identity_endpoint() -> Iterator[LocalServer]:
    def answer(request: RecordedRequest) -> FakeResponse:
        return FakeResponse(
            200,
            {
                "access_token": "token-for-" + (request.param("client_id") or "system"),
                "expires_on": str(int(time.time()) + 3600),
                "resource": request.param("resource"),
                "token_type": "Bearer",
            },
        )

    server = LocalServer(answer).start()
    yield server
    server.stop()


def test_in_azure_the_user_assigned_identity_is_asked_for_by_client_id(
    identity_endpoint: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {
        "IDENTITY_ENDPOINT": f"{identity_endpoint.base_url}/msi/token",
        "IDENTITY_HEADER": IDENTITY_HEADER,
        "AZURE_CLIENT_ID": CLIENT_ID,
        # What would steer DefaultAzureCredential to a service principal instead:
        "AZURE_TENANT_ID": "contoso.onmicrosoft.com",
        "AZURE_CLIENT_SECRET": "a-secret-that-must-not-be-used",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    credential = app_credential(environ)
    token = credential.get_token("https://vault.azure.net/.default")

    assert isinstance(credential, ManagedIdentityCredential)
    assert token.token == f"token-for-{CLIENT_ID}"
    (request,) = identity_endpoint.requests
    assert request.path == "/msi/token"
    assert request.param("client_id") == CLIENT_ID
    assert request.param("resource") == "https://vault.azure.net"
    assert request.headers.get("x-identity-header") == IDENTITY_HEADER


def test_on_a_developer_machine_the_default_chain_is_used() -> None:
    assert isinstance(app_credential({"AZURE_CLIENT_ID": CLIENT_ID}), DefaultAzureCredential)
