"""The app's OpenTelemetry export pipeline, in process, with in-memory exporters.

The same processors `configure_azure_monitor` gets in Azure (shared/telemetry/azure_monitor.py
distro_options), ahead of an in-memory exporter instead of the Azure Monitor one, and the same
logging handler on the same logger. `properties()` then turns each exported record into the
telemetry item the Azure Monitor exporter would send, so a test sees what `AppTraces.Properties`
will hold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# The exporter's own record-to-item conversion: what it sends is what lands in the workspace.
from azure.monitor.opentelemetry.exporter.export.logs._exporter import _convert_log_to_envelope
from opentelemetry.instrumentation.logging.handler import LoggingHandler
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.telemetry.azure_monitor import distro_options
from shared.telemetry.fields import EVENT, EVENT_LOGGER


@dataclass
class TelemetryPipeline:
    tracer_provider: TracerProvider
    logger_provider: LoggerProvider
    span_exporter: InMemorySpanExporter
    log_exporter: InMemoryLogRecordExporter

    def spans(self) -> list[ReadableSpan]:
        return list(self.span_exporter.get_finished_spans())

    def logs(self) -> list[ReadableLogRecord]:
        return list(self.log_exporter.get_finished_logs())

    def properties(self, event: str | None = None) -> list[dict[str, str]]:
        """`AppTraces.Properties` of each exported record (of `event`, if given)."""
        found = []
        for record in self.logs():
            item = _convert_log_to_envelope(record)
            assert item.data.base_type == "MessageData", "an event is a trace, no other item type"
            properties = dict(item.data.base_data.properties)
            if event is None or properties.get(EVENT) == event:
                found.append(properties)
        return found

    def messages(self) -> list[str]:
        return [_convert_log_to_envelope(r).data.base_data.message for r in self.logs()]


@contextmanager
def telemetry_pipeline(logger_name: str = EVENT_LOGGER) -> Iterator[TelemetryPipeline]:
    options = distro_options()
    span_exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    for processor in options["span_processors"]:
        tracer_provider.add_span_processor(processor)
    tracer_provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    log_exporter = InMemoryLogRecordExporter()
    logger_provider = LoggerProvider()
    for processor in options["log_record_processors"]:
        logger_provider.add_log_record_processor(processor)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
    handler = LoggingHandler(logger_provider=logger_provider)
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield TelemetryPipeline(tracer_provider, logger_provider, span_exporter, log_exporter)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        tracer_provider.shutdown()
        logger_provider.shutdown()
