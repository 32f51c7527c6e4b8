"""The delivery queue on Azure Storage (Azurite locally): where accepted messages wait.

The queue trigger reads the same queue through the connection named `AzureWebJobsStorage`:
in Azure identity-based (`AzureWebJobsStorage__accountName`, the app's managed identity with
Storage Queue Data Contributor), locally a connection string to Azurite. Messages are
base64 text, the Functions queue extension's default encoding (host.json messageEncoding).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from shared.settings import SettingsError

CONNECTION = "AzureWebJobsStorage"


def queue_client(raw: Mapping[str, str], queue_name: str, credential_factory: Any) -> Any:
    """A QueueClient for `queue_name` from the AzureWebJobsStorage setting(s)."""
    from azure.storage.queue import QueueClient, TextBase64EncodePolicy

    options: dict[str, Any] = {"message_encode_policy": TextBase64EncodePolicy()}
    connection_string = (raw.get(CONNECTION) or "").strip()
    if connection_string:
        return QueueClient.from_connection_string(connection_string, queue_name, **options)
    service_uri = (raw.get(f"{CONNECTION}__queueServiceUri") or "").strip()
    account = (raw.get(f"{CONNECTION}__accountName") or "").strip()
    if not service_uri and account:
        service_uri = f"https://{account}.queue.core.windows.net"
    if not service_uri:
        raise SettingsError(CONNECTION, "set a connection string or __accountName")
    return QueueClient(service_uri, queue_name, credential=credential_factory(), **options)


class StorageDeliveryQueue:
    """DeliveryQueue over one Storage queue; the client is made on first use (no I/O at import)."""

    def __init__(self, raw: Mapping[str, str], queue_name: str, credential_factory: Any) -> None:
        self._raw = raw
        self._name = queue_name
        self._credential_factory = credential_factory
        self._client: Any = None

    def _queue(self) -> Any:
        if self._client is None:
            self._client = queue_client(self._raw, self._name, self._credential_factory)
        return self._client

    def put(self, payload: str) -> None:
        from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError

        try:
            self._queue().send_message(payload)
        except ResourceNotFoundError:
            # A fresh Azurite (or a new account before deployment made it): create, resend.
            with suppress(ResourceExistsError):  # another instance created it first
                self._queue().create_queue()
            self._queue().send_message(payload)
