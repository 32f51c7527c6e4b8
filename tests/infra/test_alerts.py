"""On-call alerting: secret-expiry records, function failures and Key Vault events all reach the
same action group."""

from __future__ import annotations

from typing import Any

from .bicep_model import accessor_path, function_call, main_template, module_template

ALERTS = module_template("alerts")
QUERY_RULE = "Microsoft.Insights/scheduledQueryRules"
FINDING_DIMENSIONS = ["secretName", "vault", "legalEntity", "finding"]


def rule(symbol: str) -> dict[str, Any]:
    resource = ALERTS.resources[symbol]
    assert resource["type"] == QUERY_RULE
    return resource["config"]["properties"]


def query_of(symbol: str) -> str:
    query = rule(symbol)["criteria"]["allOf"][0]["query"]
    arguments = function_call(query, "replace")
    assert arguments is not None, "queries name the app through replace('{app}', ...)"
    assert arguments["old_string"] == "{app}"
    assert arguments["new_string"] == "functionAppName"
    return ALERTS.variable(arguments["original_string"])


def test_both_log_alerts_notify_the_action_group() -> None:
    for symbol in ("secretExpiryAlert", "functionFailureAlert"):
        actions = rule(symbol)["actions"]["actionGroups"]
        assert [accessor_path(action) for action in actions] == [["actionGroup", "id"]]


def test_secret_expiry_alert_reads_the_structured_finding_events() -> None:
    query = query_of("secretExpiryAlert")

    assert query.lstrip().startswith("AppTraces")
    # The event attribute, not the message: the host's copy of a log line carries no fields.
    assert "Message" not in query
    for dimension in [*FINDING_DIMENSIONS, "daysLeft"]:
        assert f"Properties.{dimension}" in query, dimension
    assert 'AppRoleName =~ "{app}"' in query


def test_secret_expiry_alert_fires_once_per_secret_and_threshold() -> None:
    criteria = rule("secretExpiryAlert")["criteria"]["allOf"][0]

    assert [d["name"] for d in criteria["dimensions"]] == FINDING_DIMENSIONS
    assert criteria["operator"] == "GreaterThan" and criteria["threshold"] == 0
    assert rule("secretExpiryAlert")["autoMitigate"] is True


def test_function_failure_alert_counts_failures_and_exceptions_but_not_client_errors() -> None:
    query = query_of("functionFailureAlert")

    assert "AppRequests | where Success == false" in query
    assert 'not(ResultCode startswith "4")' in query
    assert "AppExceptions" in query
    assert rule("functionFailureAlert")["criteria"]["allOf"][0]["threshold"] == (
        "functionFailureThreshold"
    )


def test_key_vault_expiry_events_go_to_the_action_group_as_monitor_alerts() -> None:
    (topic,) = ALERTS.resources_of_type("Microsoft.EventGrid/systemTopics").values()
    (subscription,) = ALERTS.resources_of_type(
        "Microsoft.EventGrid/systemTopics/eventSubscriptions"
    ).values()
    properties = subscription["config"]["properties"]

    assert topic["config"]["properties"]["topicType"] == "Microsoft.KeyVault.vaults"
    assert accessor_path(topic["config"]["properties"]["source"]) == ["vault", "id"]
    assert set(properties["filter"]["includedEventTypes"]) == {
        "Microsoft.KeyVault.SecretNearExpiry",
        "Microsoft.KeyVault.SecretExpired",
    }
    assert properties["destination"]["endpointType"] == "MonitorAlert"
    assert properties["eventDeliverySchema"] == "CloudEventSchemaV1_0"
    groups = properties["destination"]["properties"]["actionGroups"]
    assert [accessor_path(group) for group in groups] == [["actionGroup", "id"]]


def test_receivers_come_from_parameters_and_blank_emails_are_dropped() -> None:
    receivers = ALERTS.resources["actionGroup"]["config"]["properties"]
    emails = receivers["emailReceivers"]["loop_type"]["detail"]["array_name"]

    assert emails == "activeEmailReceivers"
    assert function_call(ALERTS.variable("activeEmailReceivers"), "filter") is not None
    assert receivers["smsReceivers"]["loop_type"]["detail"]["array_name"] == "smsReceivers"
    assert receivers["webhookReceivers"]["loop_type"]["detail"]["array_name"] == "webhookReceivers"


def test_main_wires_the_receivers_and_the_function_app_name() -> None:
    params = main_template().modules["alerts"]["config"]["params"]

    assert params["emailReceivers"] == "alertEmailReceivers"
    assert params["smsReceivers"] == "alertSmsReceivers"
    assert params["webhookReceivers"] == "alertWebhookReceivers"
    assert accessor_path(params["functionAppName"]) == ["functionApp", "outputs", "name"]
