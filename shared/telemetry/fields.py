"""The names of the structured telemetry the app emits, shared with infra/bicep.

Each event is one log record whose attributes land in `AppTraces.Properties` in the Log Analytics
workspace (Azure Monitor exporter: log attributes become custom properties). The alert rule and
the workbook in infra/bicep query these names; tests/infra reads every query there and checks that
each `Properties.<name>` it uses is a field its event emits, so a rename here cannot silently
empty an alert.
"""

from __future__ import annotations

from enum import StrEnum

# The attribute that says which event a record is. Not `event.name`: the OpenTelemetry logging
# handler promotes that to the log record's event name, and the exporter then writes the record
# to AppEvents instead of AppTraces.
EVENT = "clientelingEvent"

# Structured events go to loggers under this name only: it is the one logger the exporter is
# attached to (see shared/telemetry/azure_monitor.py), so ordinary module logs keep their usual
# path through the Functions host.
EVENT_LOGGER = "clienteling"


class Event(StrEnum):
    # An actionable finding (threshold, expired, disabled, unreadable): the alert counts these.
    SECRET_EXPIRY_FINDING = "secret-expiry-finding"
    # Every other daily observation (healthy, no expiry date): the workbook shows them, no alert.
    SECRET_EXPIRY_STATUS = "secret-expiry-status"
    DISTRIBUTION_RUN = "distribution-run"
    # A change of the Customer Insights circuit breaker's state in one worker process.
    INSIGHTS_BREAKER = "insights-breaker"
    # One HTTP request through the endpoint pipeline: route template, never the URL.
    HTTP_REQUEST = "http-request"


class Field(StrEnum):
    SECRET_NAME = "secretName"
    VAULT = "vault"
    LEGAL_ENTITY = "legalEntity"
    SEVERITY = "severity"
    DAYS_LEFT = "daysLeft"
    FINDING = "finding"
    FINDING_KIND = "findingKind"
    EXPIRES_ON = "expiresOn"
    PROBLEM = "problem"
    JOB_ID = "jobId"
    RUN_ID = "runId"
    RUN_STATUS = "runStatus"
    TRIGGER = "trigger"
    PUBLISHED = "published"
    DURATION_MS = "durationMs"
    BREAKER_STATE = "breakerState"
    PREVIOUS_STATE = "previousState"
    ROUTE = "route"
    METHOD = "method"
    STATUS_CODE = "statusCode"
    REQUEST_ID = "requestId"


_SECRET_FIELDS = frozenset(
    {
        Field.SECRET_NAME,
        Field.VAULT,
        Field.LEGAL_ENTITY,
        Field.SEVERITY,
        Field.DAYS_LEFT,
        Field.FINDING,
        Field.FINDING_KIND,
        Field.EXPIRES_ON,
        Field.PROBLEM,
    }
)

# What each event may carry. Optional fields (no expiry date, no problem) are left out of a record
# rather than sent empty.
EVENT_FIELDS: dict[Event, frozenset[Field]] = {
    Event.SECRET_EXPIRY_FINDING: _SECRET_FIELDS,
    Event.SECRET_EXPIRY_STATUS: _SECRET_FIELDS,
    Event.DISTRIBUTION_RUN: frozenset(
        {
            Field.JOB_ID,
            Field.RUN_ID,
            Field.RUN_STATUS,
            Field.TRIGGER,
            Field.PUBLISHED,
            Field.DURATION_MS,
        }
    ),
    Event.INSIGHTS_BREAKER: frozenset({Field.BREAKER_STATE, Field.PREVIOUS_STATE}),
    Event.HTTP_REQUEST: frozenset(
        {Field.ROUTE, Field.METHOD, Field.STATUS_CODE, Field.DURATION_MS, Field.REQUEST_ID}
    ),
}
