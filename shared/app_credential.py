"""The Entra credential the app reaches Azure services with (Key Vault, Cosmos DB).

In Azure, the platform offers the app's managed identity at IDENTITY_ENDPOINT, and the template
sets AZURE_CLIENT_ID to the user-assigned identity's client id: ManagedIdentityCredential asks
for exactly that identity. DefaultAzureCredential is kept for a developer's machine (az login):
in production its chain could quietly authenticate as something else (a service principal from
environment variables, a signed-in CLI) or take long to fail, and Microsoft's guidance is a
deterministic credential there (learn.microsoft.com/dotnet/azure/sdk/authentication/
best-practices, "Use deterministic credentials in production environments").
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from azure.core.credentials import TokenCredential


def runs_with_managed_identity(environ: Mapping[str, str]) -> bool:
    # App Service and Functions set IDENTITY_ENDPOINT (with IDENTITY_HEADER) for the managed
    # identity endpoint; nothing else does.
    return bool(environ.get("IDENTITY_ENDPOINT"))


def app_credential(environ: Mapping[str, str] | None = None) -> TokenCredential:
    # Imported here: azure-identity is only needed where a credential is made.
    from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

    environ = os.environ if environ is None else environ
    if runs_with_managed_identity(environ):
        return ManagedIdentityCredential(client_id=environ.get("AZURE_CLIENT_ID") or None)
    return DefaultAzureCredential()
