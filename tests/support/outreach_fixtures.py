"""Fixtures for outreach tests (a plugin: tests/conftest.py loads it).

- `azurite`: Azurite's queue service for the session (tests/azurite). Without Node or the
  installed package the tests needing it are skipped with the reason, unless
  AZURITE_TESTS_REQUIRED is set (CI), when they fail.
- `outreach`: the app configured for sending: the ACS stand-in over HTTPS, the delivery queue
  on Azurite (emptied), and the host's ways of running the queue and Event Grid functions (the
  local host's own code: shared/localhost/queues.py, event_grid.py). The send policy is the
  app's own (consent, outreach settings, templates): `switch_on` and `capture` set it up
  through the admin and POS routes, as a retailer would.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.composition import reset_services, services
from shared.localhost.event_grid import serve_event_grid
from shared.localhost.function_catalog import catalog_functions
from shared.localhost.host_config import QueueOptions
from shared.localhost.queues import POISON_SUFFIX, QueueRunner
from shared.services.outreach import DELIVERY_QUEUE, MAX_DEQUEUE_COUNT
from shared.settings import reset_settings
from tests.azurite.harness import AzuriteQueues, unavailable_reason
from tests.fakes.communication import FakeCommunicationServices
from tests.fakes.tls import TlsFiles
from tests.support.world import World, pos_path

DELIVER = "outreach_deliver"
REPORTS = "outreach_delivery_reports"
INBOUND = "outreach_inbound_sms"
SMS_NUMBER = "+18005550100"
UNSUBSCRIBE_BASE = "https://clienteling.example"
TEMPLATES: dict[str, dict[str, Any]] = {
    "WELCOME": {
        "name": "Welcome",
        "channel": "email",
        "texts": {
            "en": {
                "subject": "Welcome, {customer.firstName}",
                "body": "Hello {customer.firstName}, this is {associate.name} at {store.name}.",
            }
        },
    },
    "NEWS": {
        "name": "New arrivals",
        "channel": "sms",
        "texts": {"en": {"body": "New arrivals are in, {customer.firstName}."}},
    },
}


def switch_on(world: World, legal_entity: str = "USRT", **settings: Any) -> None:
    """Outreach settings and the templates saved by the admin and published by job 1110.

    Defaults for tests: on, no quiet hours (tests that mind the hour set them), a cap high
    enough not to refuse what a test sends unless it sets one."""
    body = {
        "outreachEnabled": True,
        "quietHours": None,
        "frequencyCap": 20,
        "unsubscribeBaseUrl": UNSUBSCRIBE_BASE,
        **settings,
    }
    path = f"/api/admin/{legal_entity}/outreach-settings"
    current = world.admin.get(path)
    headers = {"If-Match": current.etag} if current.etag else {}
    world.ok(world.admin.put(path, json=body, headers=headers))
    for template_id, template in TEMPLATES.items():
        template_path = f"/api/admin/{legal_entity}/message-templates/{template_id}"
        if world.admin.get(template_path).status == 404:
            world.ok(world.admin.put(template_path, json=template))
    run = world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert run["status"] == "succeeded", run


def capture(
    world: World,
    customer_id: str,
    channel: str,
    state: str = "opted-in",
    staff: str = "alice",
    store_id: str = "S1",
) -> None:
    """An associate records what the customer says at the POS (capture-consent)."""
    reply = world.as_staff(staff).post(
        pos_path(store_id, f"customers/{customer_id}/consent"),
        json={"channel": channel, "state": state, "confirmationText": "Yes, you may message me"},
    )
    assert reply.status == 200, reply


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzuriteQueues]:
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("AZURITE_TESTS_REQUIRED"):
            pytest.fail(f"Azurite tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    server = AzuriteQueues(tmp_path_factory.mktemp("azurite")).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Outreach:
    acs: FakeCommunicationServices
    connection_string: str
    function_app: Any

    def _catalog(self) -> Any:
        # Timer schedules name settings (%X%); their defaults fill in as `make run` does.
        from shared.settings import SETTING_DEFAULTS

        defaults = {k: v for k, v in SETTING_DEFAULTS.items() if v is not None}
        return catalog_functions(self.function_app.app, {**defaults, **os.environ})

    def runner(self, max_dequeue_count: int = MAX_DEQUEUE_COUNT) -> QueueRunner:
        # visibilityTimeout 0: a failed message is visible again at once, so a test sees
        # every retry without waiting (Azure: host.json's 30 s).
        options = QueueOptions(max_dequeue_count=max_dequeue_count, visibility_timeout_seconds=0)
        return QueueRunner(self._catalog().queues, os.environ, options)

    def deliver_all(self, rounds: int = 10) -> list[bool]:
        """Run the queue function as the host would until the queue is empty (or `rounds`)."""
        results: list[bool] = []
        runner = self.runner()
        for _ in range(rounds):
            if not runner.poll_once(DELIVER, lambda _id, ok: results.append(ok)):
                break
        return results

    def queue(self, suffix: str = "") -> Any:
        from azure.storage.queue import QueueClient

        return QueueClient.from_connection_string(self.connection_string, DELIVERY_QUEUE + suffix)

    def queued(self, suffix: str = "") -> int:
        return self.queue(suffix).get_queue_properties().approximate_message_count

    def poisoned(self) -> list[dict[str, Any]]:
        import base64

        messages = self.queue(POISON_SUFFIX).peek_messages(max_messages=32)
        return [json.loads(base64.b64decode(m.content)) for m in messages]

    def event_grid(self, function: str, events: list[dict[str, Any]]) -> int:
        """POST events to the host's Event Grid webhook for `function`; the status code."""
        response, _ = serve_event_grid(
            self._catalog().event_grid,
            f"functionName={function}",
            {"aeg-event-type": "Notification"},
            json.dumps(events).encode(),
        )
        return response.status


def event(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """One event in the Event Grid schema, as ACS's system topic sends it."""
    return {
        "id": str(uuid.uuid4()),
        "topic": "/subscriptions/0000/resourceGroups/rg/providers/"
        "Microsoft.Communication/CommunicationServices/acs-test",
        "subject": f"{event_type.rsplit('.', 1)[-1]}/{uuid.uuid4()}",
        "eventType": event_type,
        "eventTime": "2026-05-01T10:00:00Z",
        "data": data,
        "dataVersion": "1.0",
        "metadataVersion": "1",
    }


@pytest.fixture
def outreach(
    env: Path,
    tls: TlsFiles,
    azurite: AzuriteQueues,
    monkeypatch: pytest.MonkeyPatch,
    function_app_module: Any,
) -> Iterator[Outreach]:
    acs = FakeCommunicationServices(tls).start()
    settings = {
        "ACS_CONNECTION_STRING": acs.connection_string,
        "ACS_EMAIL_SENDER": "DoNotReply@clienteling.example",
        "ACS_SMS_FROM": SMS_NUMBER,
        "ACS_POLLING_SECONDS": "0",
        # One quick SDK retry per attempt (Retry-After honoured): retries stay visible, tests fast.
        "ACS_RETRY_TOTAL": "1",
        "OUTBOUND_TLS_CA_BUNDLE": str(tls.ca_cert),
        "AzureWebJobsStorage": azurite.connection_string,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    reset_services()
    fixture = Outreach(acs, azurite.connection_string, function_app_module)
    from azure.core.exceptions import ResourceExistsError

    for suffix in ("", POISON_SUFFIX):
        client = fixture.queue(suffix)
        try:
            client.create_queue()
        except ResourceExistsError:
            client.clear_messages()
    services()  # built now, with these settings
    try:
        yield fixture
    finally:
        acs.stop()
