from datetime import timedelta

from shared.alerts.message import AlertAction, compose_alert
from shared.alerts.usage import SecretUsage, merge_usages
from shared.domain.secret_expiry import DEFAULT_THRESHOLDS, SecretCondition, decide
from tests.alerts.alert_scenario import INSIGHTS_SECRET, INSIGHTS_USAGE, NOW


def alert_for(condition: SecretCondition, previous=None, cache_seconds: float = 300):
    decision = decide(condition, NOW, DEFAULT_THRESHOLDS, previous)
    return compose_alert(INSIGHTS_USAGE, decision, NOW, cache_seconds=cache_seconds)


def test_an_expiry_warning_says_what_where_who_when_what_breaks_and_how_to_fix() -> None:
    alert = alert_for(SecretCondition(readable=True, expires_on=NOW + timedelta(days=13, hours=12)))

    assert alert.action is AlertAction.TRIGGER
    assert alert.title == (
        "Secret insights-client-secret in vault kv-contoso expires on 2030-01-14 "
        "(13 days left); used by USRT, DEMF"
    )
    assert alert.impact == (
        "When it expires: Customer Insights measures on customer cards stop loading."
    )
    assert alert.rotate_command == (
        "az keyvault secret set --vault-name kv-contoso --name insights-client-secret "
        "--value '<new client secret>' --expires 2031-01-01T00:00:00Z"
    )
    assert alert.rotate_command in alert.rotation
    assert "within 5 minutes" in alert.rotation and "no restart" in alert.rotation
    assert alert.dedup_key == "secret-expiry/kv-contoso/insights-client-secret"


def test_an_expired_secret_says_how_long_ago() -> None:
    alert = alert_for(SecretCondition(readable=True, expires_on=NOW - timedelta(days=2)))
    assert "expired on 2029-12-30 (2 days ago)" in alert.title
    assert alert.impact.startswith("Broken now:")


def test_an_unreadable_secret_names_the_cause_and_the_access_to_check() -> None:
    alert = alert_for(SecretCondition(readable=False, problem="forbidden"), cache_seconds=90)
    assert "cannot be read (forbidden)" in alert.title
    assert "identity can read the vault (forbidden)" in alert.rotation
    assert "within 90 seconds" in alert.rotation


def test_a_secret_without_expiry_asks_for_one() -> None:
    alert = alert_for(SecretCondition(readable=True))
    assert alert.title.endswith("has no expiry date; used by USRT, DEMF")
    assert alert.expires_text == "no expiry date"
    assert "Set an expiry date" in alert.rotation


def test_a_resolve_says_the_secret_is_healthy_again() -> None:
    warned = decide(
        SecretCondition(readable=True, expires_on=NOW + timedelta(days=3)),
        NOW,
        DEFAULT_THRESHOLDS,
        None,
    ).next_state
    alert = alert_for(
        SecretCondition(readable=True, expires_on=NOW + timedelta(days=400)), previous=warned
    )
    assert alert.action is AlertAction.RESOLVE
    assert "is healthy again (expires 2031-02-05)" in alert.title
    assert alert.severity.value == "info"


def test_usages_of_one_secret_are_merged_with_all_their_legal_entities() -> None:
    same_secret_other_case = INSIGHTS_SECRET.__class__("KV-Contoso", "Insights-Client-Secret")
    merged = merge_usages(
        [
            SecretUsage(INSIGHTS_SECRET, ("USRT",)),
            SecretUsage(same_secret_other_case, ("DEMF", "USRT")),
        ]
    )
    assert [u.legal_entities for u in merged] == [("DEMF", "USRT")]
