"""The alert rule and the operations workbook read the fields the code emits.

Each KQL query in infra/bicep filters the app's structured events by `Properties.clientelingEvent`
and reads their fields as `Properties.<name>`: every event it names must be one the code emits
(shared/telemetry/fields.py Event) and every field one those events carry (EVENT_FIELDS), or the
query silently reads empty values, as the old alert did.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from shared.domain.secret_expiry import Finding, FindingKind
from shared.telemetry.fields import EVENT, EVENT_FIELDS, Event

from .bicep_model import REPO_ROOT, accessor_path, function_call, main_template, module_template
from .kql import all_queries, events_filtered, fields_read, workbook_queries

ALERTS = module_template("alerts")
WORKBOOK = module_template("workbook")


@pytest.mark.parametrize(("name", "query"), sorted(all_queries().items()))
def test_every_field_a_query_reads_is_one_its_events_carry(name: str, query: str) -> None:
    events = events_filtered(query)
    assert events, f"{name} reads no event"
    assert events <= {event.value for event in Event}, name
    carried = {EVENT}.union(*(EVENT_FIELDS[Event(event)] for event in events))
    assert fields_read(query) <= carried, f"{name} reads fields no event of it carries"
    assert fields_read(query) - {EVENT}, f"{name} reads no field"
    assert 'AppRoleName =~ "{app}"' in query, "only this app's telemetry"


def test_the_cross_check_itself_notices_a_field_the_code_does_not_emit() -> None:
    query = (
        'AppTraces | where Properties.clientelingEvent == "http-request"'
        " | extend x = Properties.url"
    )

    assert fields_read(query) == {EVENT, "url"}
    assert not fields_read(query) <= {EVENT} | EVENT_FIELDS[Event.HTTP_REQUEST]


def test_the_alert_counts_only_the_latest_record_of_a_secret_and_only_if_it_is_actionable() -> None:
    query = ALERTS.variable("secretExpiryQuery")

    assert "summarize arg_max(TimeGenerated" in query and "by secretName, vault" in query
    last_filter = [line for line in query.splitlines() if line.startswith("| where")][-1]
    assert last_filter == f'| where {EVENT} == "{Event.SECRET_EXPIRY_FINDING}"'
    # Which findings are actionable, and so carry the event the alert counts.
    actionable = {
        kind
        for kind in FindingKind
        if Finding(kind, 7 if kind is FindingKind.THRESHOLD else None).actionable
    }
    assert actionable == {
        FindingKind.THRESHOLD,
        FindingKind.EXPIRED,
        FindingKind.DISABLED,
        FindingKind.UNREADABLE,
    }


def test_the_alert_is_one_per_secret_and_threshold_and_resolves_on_its_own() -> None:
    properties = ALERTS.resources["secretExpiryAlert"]["config"]["properties"]
    criteria = properties["criteria"]["allOf"][0]
    dimensions = [d["name"] for d in criteria["dimensions"]]

    assert dimensions == ["secretName", "vault", "legalEntity", "finding"]
    projected = ALERTS.variable("secretExpiryQuery").strip().splitlines()[-1]
    assert all(dimension in projected for dimension in dimensions)
    assert properties["autoMitigate"] is True
    # The daily check always has a record inside the query's time range.
    assert properties["windowSize"] == "P1D" and properties["overrideQueryTimeRange"] == "P2D"


def test_the_workbook_shows_each_panel_query_for_this_app_from_the_workspace() -> None:
    content = WORKBOOK.variable("workbookContent")
    panel_items = WORKBOOK.variable("panelItems")
    item = panel_items["config"]["content"]
    query = function_call(item["query"], "replace")

    assert function_call(content["items"], "concat") == {
        "arg_1": "introItems",
        "arg_2": "panelItems",
    }
    assert panel_items["loop_type"]["detail"] == {"item_name": "panel", "array_name": "panels"}
    assert accessor_path(query["original_string"]) == ["panel", "query"]
    assert (query["old_string"], query["new_string"]) == ("{app}", "functionAppName")
    assert item["resourceType"] == "microsoft.operationalinsights/workspaces"
    assert set(workbook_queries()) == {
        "secrets",
        "distribution",
        "requests",
        "latency",
        "breaker",
        "throttling",
    }
    (workbook,) = WORKBOOK.resources_of_type("Microsoft.Insights/workbooks").values()
    properties = workbook["config"]["properties"]
    assert properties["sourceId"] == "logAnalyticsWorkspaceId"
    assert function_call(properties["serializedData"], "string") == {
        "value_to_convert": "workbookContent"
    }


def test_main_deploys_the_workbook_on_the_workspace_for_the_function_app() -> None:
    params = main_template().modules["workbook"]["config"]["params"]

    assert accessor_path(params["logAnalyticsWorkspaceId"]) == [
        "monitoring",
        "outputs",
        "logAnalyticsWorkspaceId",
    ]
    assert accessor_path(params["functionAppName"]) == ["functionApp", "outputs", "name"]


def test_the_host_and_the_worker_run_in_open_telemetry_mode_with_the_apps_own_exporter() -> None:
    host = json.loads((REPO_ROOT / "host.json").read_text(encoding="utf-8"))
    settings = {
        entry["name"]: entry["value"]
        for entry in module_template("function-app").variable("hostSettings")
    }

    assert host["telemetryMode"] == "OpenTelemetry"
    assert settings["PYTHON_ENABLE_OPENTELEMETRY"] == "true"
    # The worker's own exporter would run without the redaction processors.
    assert "PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY" not in settings
    # The distro is a direct dependency and is deployed pinned.
    direct = (REPO_ROOT / "requirements.in").read_text(encoding="utf-8")
    assert re.search(r"^azure-monitor-opentelemetry>=", direct, re.MULTILINE)
    deployed = (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^azure-monitor-opentelemetry==", deployed, re.MULTILINE)


def test_the_function_app_configures_telemetry_when_it_is_loaded() -> None:
    tree = ast.parse(Path(REPO_ROOT / "function_app.py").read_text(encoding="utf-8"))
    calls = [
        node.value.func.id
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
    ]

    assert calls == ["configure_telemetry"]
