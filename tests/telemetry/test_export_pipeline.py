"""The export pipeline: event attributes reach AppTraces.Properties, and no search text or
continuation token leaves the process in a span or a log record."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests
from opentelemetry.instrumentation.requests import RequestsInstrumentor

from shared.insights.breaker import CircuitBreaker
from shared.telemetry import azure_monitor
from shared.telemetry.azure_monitor import configure_telemetry
from shared.telemetry.events import emit, event_logger
from shared.telemetry.fields import EVENT, EVENT_FIELDS, EVENT_LOGGER, Event, Field
from shared.telemetry.redaction import (
    RedactingLogRecordProcessor,
    RedactingSpanProcessor,
    redact_text,
)
from tests.fakes.server import FakeResponse, LocalServer
from tests.infra.kql import fields_read_for
from tests.support.telemetry import TelemetryPipeline, telemetry_pipeline

PERSONAL = "Ana Smith"
TOKEN = "eyJvZmZzZXQiOjUwfQ.c2lnbmF0dXJl"
POS_URL = (
    "https://clienteling.example/api/stores/S1/customers"
    f"?search={PERSONAL.replace(' ', '%20')}&pageSize=5&continuationToken={TOKEN}"
)


@pytest.fixture
def pipeline() -> Iterator[TelemetryPipeline]:
    with telemetry_pipeline() as built:
        yield built


def test_event_fields_are_exported_as_trace_properties(pipeline: TelemetryPipeline) -> None:
    emit(
        event_logger("distribution"),
        Event.DISTRIBUTION_RUN,
        {
            Field.JOB_ID: "1040",
            Field.RUN_ID: "r1",
            Field.RUN_STATUS: "succeeded",
            Field.TRIGGER: "timer",
            Field.PUBLISHED: 12,
            Field.DURATION_MS: 3.5,
        },
        "distribution job %s %s",
        "1040",
        "succeeded",
    )

    (properties,) = pipeline.properties(Event.DISTRIBUTION_RUN)
    assert {key: properties[key] for key in EVENT_FIELDS[Event.DISTRIBUTION_RUN]} == {
        "jobId": "1040",
        "runId": "r1",
        "runStatus": "succeeded",
        "trigger": "timer",
        "published": "12",
        "durationMs": "3.5",
    }
    assert properties[EVENT] == "distribution-run"
    assert pipeline.messages() == ["distribution job 1040 succeeded"]


def test_an_event_field_without_a_value_is_left_out(pipeline: TelemetryPipeline) -> None:
    emit(
        event_logger("x"),
        Event.INSIGHTS_BREAKER,
        {Field.BREAKER_STATE: "open", Field.PREVIOUS_STATE: None},
        "m",
    )

    (properties,) = pipeline.properties(Event.INSIGHTS_BREAKER)
    assert properties["breakerState"] == "open" and "previousState" not in properties


def test_an_event_refuses_a_field_it_does_not_declare_or_a_logger_outside_the_export() -> None:
    with pytest.raises(ValueError, match="does not carry"):
        emit(event_logger("x"), Event.INSIGHTS_BREAKER, {Field.SECRET_NAME: "s"}, "m")
    with pytest.raises(ValueError, match="events go to loggers under"):
        emit(logging.getLogger("shared.x"), Event.INSIGHTS_BREAKER, {}, "m")


def test_breaker_state_changes_are_events_and_staying_put_is_not(
    pipeline: TelemetryPipeline,
) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=10, clock=lambda: now[0])

    breaker.record_failure()
    breaker.record_failure()  # opens
    breaker.record_failure()  # still open: no event
    now[0] = 11
    assert breaker.allow()  # half-open probe
    breaker.record_success()  # closes
    breaker.record_success()  # still closed: no event

    changes = pipeline.properties(Event.INSIGHTS_BREAKER)
    assert [(p["previousState"], p["breakerState"]) for p in changes] == [
        ("closed", "open"),
        ("open", "half-open"),
        ("half-open", "closed"),
    ]
    # Every field the workbook's breaker panel reads is one the breaker sent.
    assert fields_read_for(Event.INSIGHTS_BREAKER) <= set(changes[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POS_URL, POS_URL.replace("Ana%20Smith", "REDACTED").replace(TOKEN, "REDACTED")),
        ("search=Ana&pageSize=5", "search=REDACTED&pageSize=5"),
        ("/api/x?CONTINUATIONTOKEN=abc#top", "/api/x?CONTINUATIONTOKEN=REDACTED#top"),
        ("next=%3Fsearch%3DAna%26x%3D1", "next=%3Fsearch%3DREDACTED%26x%3D1"),
        ("/api/x?searchMode=all&research=1", "/api/x?searchMode=all&research=1"),
    ],
)
def test_sensitive_query_values_are_redacted_and_nothing_else(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_span_urls_are_redacted_before_export(pipeline: TelemetryPipeline) -> None:
    tracer = pipeline.tracer_provider.get_tracer("test")
    with tracer.start_as_current_span(f"GET {POS_URL}") as span:
        span.set_attribute("url.full", POS_URL)
        span.set_attribute("url.query", POS_URL.split("?", 1)[1])
        span.set_attribute("http.url", POS_URL)
        span.set_attribute("http.target", POS_URL.split("example", 1)[1])
        span.set_attribute("http.status_code", 200)

    (exported,) = pipeline.spans()
    attributes = dict(exported.attributes or {})
    for key in ("url.full", "url.query", "http.url", "http.target"):
        assert "search=REDACTED" in attributes[key], key
        assert "continuationToken=REDACTED" in attributes[key], key
        assert "pageSize=5" in attributes[key], key
    assert attributes["http.status_code"] == 200
    assert PERSONAL.replace(" ", "%20") not in exported.to_json()
    assert TOKEN not in exported.to_json()


def test_an_instrumented_outgoing_call_is_exported_without_the_search_text(
    pipeline: TelemetryPipeline,
) -> None:
    server = LocalServer(lambda request: FakeResponse(200, {"value": []})).start()
    instrumentor = RequestsInstrumentor()
    instrumentor.instrument(tracer_provider=pipeline.tracer_provider)
    try:
        url = f"{server.base_url}/search?search=Ana%20Smith&continuationToken={TOKEN}"
        assert requests.get(url, timeout=5).status_code == 200
    finally:
        instrumentor.uninstrument()
        server.stop()

    (span,) = pipeline.spans()
    exported = span.to_json()
    assert "Ana" not in exported and TOKEN not in exported
    attributes = dict(span.attributes or {})
    # url.full under the stable HTTP conventions, http.url under the older ones (the default).
    url = attributes.get("url.full") or attributes["http.url"]
    assert url.endswith("/search?search=REDACTED&continuationToken=REDACTED")
    # The server did get the real query: only the telemetry is redacted.
    assert server.requests[0].param("search") == "Ana Smith"


def test_log_bodies_and_attributes_are_redacted_before_export(
    pipeline: TelemetryPipeline,
) -> None:
    logging.getLogger(f"{EVENT_LOGGER}.test").warning(
        "upstream call %s failed", POS_URL, extra={"url.full": POS_URL}
    )

    (record,) = pipeline.logs()
    exported = record.to_json()
    assert "Ana%20Smith" not in exported and TOKEN not in exported
    assert "search=REDACTED" in str(record.log_record.body)
    assert (record.log_record.attributes or {})["url.full"].count("REDACTED") == 2


class RecordingDistro:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, **options) -> None:
        self.calls.append(options)


@pytest.fixture
def fresh_setup(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(azure_monitor, "_configured", False)
    logger = logging.getLogger(EVENT_LOGGER)
    propagate, level = logger.propagate, logger.level
    yield
    logger.propagate, logger.level = propagate, level


def test_nothing_is_configured_without_a_connection_string(fresh_setup) -> None:
    distro = RecordingDistro()

    assert configure_telemetry({}, distro) is False
    assert configure_telemetry({"APPLICATIONINSIGHTS_CONNECTION_STRING": " "}, distro) is False
    assert distro.calls == []
    assert logging.getLogger(EVENT_LOGGER).propagate is True


def test_the_distro_is_configured_once_with_the_redaction_processors(fresh_setup) -> None:
    distro = RecordingDistro()
    settings = {"APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000"}

    assert configure_telemetry(settings, distro) is True
    assert configure_telemetry(settings, distro) is True

    (options,) = distro.calls
    assert options["logger_name"] == EVENT_LOGGER
    assert [type(p) for p in options["span_processors"]] == [RedactingSpanProcessor]
    assert [type(p) for p in options["log_record_processors"]] == [RedactingLogRecordProcessor]
    # Exported once, with attributes, not a second time through the host without them.
    assert logging.getLogger(EVENT_LOGGER).propagate is False


def test_a_distro_that_fails_to_configure_leaves_the_app_running_and_says_so(
    fresh_setup, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**options) -> None:
        raise ValueError("Invalid instrumentation key")

    settings = {"APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=bad"}

    assert configure_telemetry(settings, broken) is False
    assert "telemetry export could not be configured" in caplog.text
    assert logging.getLogger(EVENT_LOGGER).propagate is True
    distro = RecordingDistro()
    assert configure_telemetry(settings, distro) is True  # a later start tries again
    assert len(distro.calls) == 1
