"""Queue and Event Grid functions under LocalHost, as Core Tools runs them: the queue polled
from Azurite (retries, poison after maxDequeueCount), the Event Grid webhook with its
subscription validation handshake, and host.json's queue settings."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

import azure.functions as func
import pytest
import requests
from azure.storage.queue import QueueClient

from shared.localhost.host_config import QueueOptions, read_queue_options
from tests.azurite.harness import AzuriteQueues
from tests.localhost.conftest import StartHost

WEBHOOK = "/runtime/webhooks/eventgrid"


def test_host_json_queue_settings_are_read_with_the_hosts_defaults(tmp_path: Path) -> None:
    assert read_queue_options(tmp_path / "missing.json") == QueueOptions()
    document = {"extensions": {"queues": {"maxDequeueCount": 3, "visibilityTimeout": "00:01:30"}}}
    (tmp_path / "host.json").write_text(json.dumps(document))
    options = read_queue_options(tmp_path / "host.json")
    assert options.max_dequeue_count == 3 and options.visibility_timeout_seconds == 90
    assert options.max_polling_interval_seconds == 60 and options.batch_size == 16


def test_the_projects_host_json_poisons_after_five_attempts() -> None:
    from shared.services.outreach import MAX_DEQUEUE_COUNT

    # The function marks a message failed on the attempt the host poisons it after.
    assert read_queue_options("host.json").max_dequeue_count == MAX_DEQUEUE_COUNT == 5


def grid_app(seen: list[func.EventGridEvent]) -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.function_name(name="reports")
    @app.event_grid_trigger(arg_name="event")
    def reports(event: func.EventGridEvent) -> None:
        if event.get_json().get("fail"):
            raise RuntimeError("boom")
        seen.append(event)

    return app


def test_event_grid_validation_handshake_and_notifications(start_host: StartHost) -> None:
    seen: list[func.EventGridEvent] = []
    host = start_host(grid_app(seen), run_timers=False)
    url = f"{host.url}{WEBHOOK}?functionName=reports"
    validation = [
        {
            "id": "1",
            "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "subject": "",
            "data": {"validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"},
            "eventTime": "2026-05-01T10:00:00Z",
            "dataVersion": "1",
        }
    ]
    answer = requests.post(
        url, json=validation, headers={"aeg-event-type": "SubscriptionValidation"}, timeout=5
    )
    assert answer.status_code == 200
    assert answer.json() == {"validationResponse": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}
    assert seen == []

    events = [
        {"id": "e1", "eventType": "Test.Happened", "subject": "s", "topic": "t",
         "data": {"n": 1}, "eventTime": "2026-05-01T10:00:00Z", "dataVersion": "1.0"},
    ]  # fmt: skip
    ok = requests.post(url, json=events, headers={"aeg-event-type": "Notification"}, timeout=5)
    assert ok.status_code == 200
    [received] = seen
    assert received.id == "e1" and received.event_type == "Test.Happened"
    assert received.get_json() == {"n": 1} and received.event_time is not None

    failing = [{**events[0], "data": {"fail": True}}]
    retry = requests.post(url, json=failing, headers={"aeg-event-type": "Notification"}, timeout=5)
    assert retry.status_code == 500  # Event Grid retries the delivery
    unknown = requests.post(f"{host.url}{WEBHOOK}?functionName=nope", json=events, timeout=5)
    assert unknown.status_code == 404
    garbage = requests.post(url, data=b"not json", timeout=5)
    assert garbage.status_code == 400


def test_queue_functions_are_polled_retried_and_poisoned(
    start_host: StartHost, azurite: AzuriteQueues, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LocalQueueTest", azurite.connection_string)
    attempts: dict[str, list[int]] = {}
    done = threading.Event()
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.function_name(name="work")
    @app.queue_trigger(arg_name="msg", queue_name="local-work", connection="LocalQueueTest")
    def work(msg: func.QueueMessage) -> None:
        body = msg.get_body().decode()
        attempts.setdefault(body, []).append(msg.dequeue_count or 0)
        if body == "bad":
            if len(attempts[body]) == 3:
                done.set()
            raise RuntimeError("always fails")

    queue = QueueClient.from_connection_string(azurite.connection_string, "local-work")
    poison = QueueClient.from_connection_string(azurite.connection_string, "local-work-poison")
    for client in (queue, poison):
        client.create_queue()
    for body in ("good", "bad"):
        queue.send_message(base64.b64encode(body.encode()).decode())
    options = QueueOptions(max_dequeue_count=3, visibility_timeout_seconds=0)
    start_host(app, run_timers=False, queue_options=options)
    assert done.wait(20), attempts
    assert attempts["good"] == [1]
    assert attempts["bad"] == [1, 2, 3]
    # The poison move follows the third failure at once: a copy to the poison queue first,
    # then the delete (a crash between them keeps the message, never loses it).
    for _ in range(200):
        poisoned = poison.peek_messages(max_messages=5)
        left = queue.get_queue_properties().approximate_message_count
        if poisoned and left == 0:
            break
        done.wait(0.05)
    assert [base64.b64decode(m.content) for m in poisoned] == [b"bad"]
    assert left == 0


def test_without_a_queue_connection_the_host_says_so_once_and_polls_nothing(
    start_host: StartHost, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("NoQueueHere", raising=False)
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.function_name(name="idle")
    @app.queue_trigger(arg_name="msg", queue_name="idle", connection="NoQueueHere")
    def idle(msg: func.QueueMessage) -> None:
        raise AssertionError("never runs")

    caplog.set_level("WARNING", logger="localhost")
    before = threading.active_count()
    start_host(app, run_timers=False)
    assert threading.active_count() == before + 1  # the HTTP server's thread only
    assert [r.getMessage() for r in caplog.records if "not run" in r.getMessage()] == [
        "queue function idle not run: set NoQueueHere to an Azurite connection string"
    ]
