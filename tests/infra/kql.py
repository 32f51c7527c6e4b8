"""Read the app's event names and fields out of the KQL queries in infra/bicep."""

from __future__ import annotations

import re

from shared.telemetry.fields import EVENT

from .bicep_model import module_template

FIELD_READ = re.compile(r"""Properties(?:\.([A-Za-z_]\w*)|\[\s*["']([^"']+)["']\s*\])""")
EVENT_FILTER = re.compile(rf"Properties\.{EVENT}\s*(?:==|in)\s*\(?([^|\n]*)")


def fields_read(query: str) -> set[str]:
    """Every `Properties.<name>` (or `Properties["<name>"]`) the query reads."""
    return {dotted or bracketed for dotted, bracketed in FIELD_READ.findall(query)}


def events_filtered(query: str) -> set[str]:
    """The event names the query selects with `Properties.clientelingEvent == / in (...)`."""
    return {
        name for match in EVENT_FILTER.findall(query) for name in re.findall(r'"([^"]+)"', match)
    }


def workbook_queries() -> dict[str, str]:
    workbook = module_template("workbook")
    return {
        panel["name"]: workbook.variable(panel["query"]) for panel in workbook.variable("panels")
    }


def alert_query() -> str:
    return module_template("alerts").variable("secretExpiryQuery")


def all_queries() -> dict[str, str]:
    return {"alert: secret expiry": alert_query()} | {
        f"workbook: {name}": query for name, query in workbook_queries().items()
    }


def fields_read_for(event: str) -> set[str]:
    """Every field any query reads from records of `event` (and the event attribute itself)."""
    return set().union(
        *(fields_read(query) for query in all_queries().values() if event in events_filtered(query))
    )
