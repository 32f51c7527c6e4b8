"""Export logs and traces to Application Insights with OpenTelemetry, once per process.

Why this path: the Functions Python worker forwards an ordinary `logging` record to the host as
level, message, category and invocation id only, so attributes never reach Application Insights.
With `"telemetryMode": "OpenTelemetry"` in host.json the host exports its own telemetry with
OpenTelemetry, and the Azure Monitor distro (`configure_azure_monitor`) in this process exports
ours, log attributes included (they land in `AppTraces.Properties`).

The app configures the distro itself rather than letting the worker do it
(`PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY=true` makes the worker call
`configure_azure_monitor()` with no options): only here can the redaction processors run ahead of
the exporter. The app setting `PYTHON_ENABLE_OPENTELEMETRY=true` still has the worker hand each
invocation's trace context to this pipeline, so our records join the host's request.

Nothing happens without `APPLICATIONINSIGHTS_CONNECTION_STRING` (tests, `make run`): logs then go
wherever `logging` is configured, as before. Ingestion authenticates with the managed identity
named in `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (the exporter reads it), because the
Application Insights component refuses instrumentation-key-only ingestion.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from shared.telemetry.fields import EVENT_LOGGER
from shared.telemetry.redaction import RedactingLogRecordProcessor, RedactingSpanProcessor

CONNECTION_STRING_SETTING = "APPLICATIONINSIGHTS_CONNECTION_STRING"

# Instrumentations the distro would enable for frameworks this app does not use.
_UNUSED_INSTRUMENTATIONS = ("django", "fastapi", "flask", "psycopg2")

_lock = threading.Lock()
_configured = False


def distro_options() -> dict[str, Any]:
    """The keyword arguments for `configure_azure_monitor` (the pipeline tests build the same)."""
    return {
        "logger_name": EVENT_LOGGER,
        "span_processors": [RedactingSpanProcessor()],
        "log_record_processors": [RedactingLogRecordProcessor()],
        "instrumentation_options": {name: {"enabled": False} for name in _UNUSED_INSTRUMENTATIONS},
    }


def _distro() -> Callable[..., None]:
    from azure.monitor.opentelemetry import configure_azure_monitor

    return configure_azure_monitor


def configure_telemetry(
    environ: Mapping[str, str] | None = None,
    configure: Callable[..., None] | None = None,
) -> bool:
    """Start exporting if a connection string is set; True once exporting. Safe to call again."""
    global _configured
    settings = os.environ if environ is None else environ
    with _lock:
        if _configured:
            return True
        if not settings.get(CONNECTION_STRING_SETTING, "").strip():
            return False
        try:
            (configure or _distro())(**distro_options())
        except Exception:
            # Telemetry must not take the POS down with it: the app serves on, and this line
            # still reaches the host's own logs (a malformed connection string, say).
            logging.getLogger(__name__).exception("telemetry export could not be configured")
            return False
        # Events are exported with their attributes by the handler on this logger; passing them
        # on to the worker's root handler as well would send each one a second time, through the
        # host, without attributes.
        logging.getLogger(EVENT_LOGGER).propagate = False
        logging.getLogger(EVENT_LOGGER).setLevel(logging.INFO)
        _configured = True
        return True
