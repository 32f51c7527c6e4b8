"""Keep personal data out of exported telemetry: query values that can name a customer.

`search=` carries what an associate typed to find a customer (a name, an e-mail address), and
`continuationToken=` encodes the position in a filtered list, search text included. Both may sit
in any URL-like attribute an instrumentation records (`url.full`, `url.query`, `http.url`,
`http.target`, ...) and in log messages, so the processors here rewrite every string attribute
value and log body before the exporter sees it, whatever the attribute is called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from opentelemetry.context import Context
from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.util.types import AttributeValue

SENSITIVE_QUERY_PARAMETERS = ("search", "continuationToken")
REDACTED = "REDACTED"

# A parameter name at the start of a query string or after ?, & or ; (plain or percent-encoded,
# as when a URL travels inside another one), case-insensitively: the value runs to the next
# separator (an encoded & included).
_SENSITIVE = re.compile(
    r"(?P<lead>^|[?&;]|%3[Ff]|%26)(?P<name>"
    + "|".join(SENSITIVE_QUERY_PARAMETERS)
    + r")(?P<eq>=|%3[Dd])(?:(?!%26)[^&#;\s\"'])*",
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """`text` with the value of every sensitive query parameter replaced by REDACTED."""
    return _SENSITIVE.sub(rf"\g<lead>\g<name>\g<eq>{REDACTED}", text)


def _redact_value(value: AttributeValue) -> AttributeValue:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, tuple | list) and any(isinstance(item, str) for item in value):
        return tuple(redact_text(item) if isinstance(item, str) else item for item in value)
    return value


def redacted_attributes(
    attributes: Mapping[str, AttributeValue] | None,
) -> dict[str, AttributeValue] | None:
    """The attributes with sensitive values redacted, or None when nothing changed."""
    if not attributes:
        return None
    redacted = {key: _redact_value(value) for key, value in attributes.items()}
    return redacted if redacted != dict(attributes) else None


class RedactingSpanProcessor(SpanProcessor):
    """Redacts span names and attributes when a span ends, before the export processor runs.

    Registered ahead of the exporter's batch processor (configure_azure_monitor runs custom span
    processors first, in order), so the batch only ever holds redacted spans. An ended span's
    attributes are frozen, so they are replaced as a whole.
    """

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        redacted = redacted_attributes(span.attributes)
        if redacted is not None:
            # ReadableSpan has no public setter; _attributes is what .attributes returns.
            span._attributes = redacted
        if "=" in span.name:
            span._name = redact_text(span.name)

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class RedactingLogRecordProcessor(LogRecordProcessor):
    """Redacts log bodies and attributes as they are emitted, before the export processor."""

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        record = log_record.log_record
        if isinstance(record.body, str):
            record.body = redact_text(record.body)
        redacted = redacted_attributes(record.attributes)
        if redacted is not None and record.attributes is not None:
            for key, value in redacted.items():
                record.attributes[key] = value  # type: ignore[index]

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
