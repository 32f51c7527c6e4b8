"""Emit one structured event: a log record whose attributes are the event's fields.

Attributes go as top-level `extra` keys: the OpenTelemetry logging handler turns each into a log
attribute (the exporter then writes it to `AppTraces.Properties`), whereas a nested dict such as
`extra={"custom_dimensions": {...}}` is no valid attribute value and is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from shared.telemetry.fields import EVENT, EVENT_FIELDS, EVENT_LOGGER, Event, Field

# Attribute values OpenTelemetry accepts; anything else is sent as text.
_PLAIN = (str, bool, int, float)


def event_logger(area: str) -> logging.Logger:
    """The logger for one area's events (`clienteling.<area>`), under the exported logger."""
    return logging.getLogger(f"{EVENT_LOGGER}.{area}")


def emit(
    logger: logging.Logger,
    event: Event,
    fields: Mapping[Field, object],
    message: str,
    *args: object,
    level: int = logging.INFO,
) -> None:
    """Log `message % args` as `event` with `fields` as attributes; None values are left out."""
    unknown = set(fields) - EVENT_FIELDS[event]
    if unknown:
        # A programming error: the Bicep queries rely on EVENT_FIELDS being complete.
        raise ValueError(f"{event} does not carry {sorted(unknown)}")
    if not logger.name.startswith(f"{EVENT_LOGGER}."):
        raise ValueError(f"events go to loggers under {EVENT_LOGGER!r}, not {logger.name!r}")
    extra: dict[str, object] = {EVENT: event.value}
    for field, value in fields.items():
        if value is not None:
            extra[field.value] = value if isinstance(value, _PLAIN) else str(value)
    logger.log(level, message, *args, extra=extra)
