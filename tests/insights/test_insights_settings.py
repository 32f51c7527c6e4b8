import pytest

from shared.insights.errors import InvalidInsightsSettings
from shared.insights.settings import InsightsSettings, InsightsTuning
from shared.settings import SettingsError
from tests.insights.insights_scenario import APP_ID, SECRET_REF

VALID = {
    "enabled": True,
    "application_id": APP_ID,
    "secret_reference": SECRET_REF,
    "tenant_id": "contoso.onmicrosoft.com",
    "alternate_id_property": "contoso_customerid",
    "measure_names": ("ChurnRisk",),
    "dataverse_url": "https://contoso.crm.dynamics.com",
}


def test_entra_is_the_default_authority() -> None:
    settings = InsightsSettings(**VALID)
    assert settings.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"application_id": "not-a-guid"}, "applicationId"),
        ({"tenant_id": "contoso/../evil"}, "tenantId"),
        ({"alternate_id_property": "id eq 'x' or 1"}, "alternateCustomerId"),
        ({"measure_names": ("A", "B", "C", "D")}, "measures"),
        ({"measure_names": ("Churn Risk",)}, "measures"),
        ({"dataverse_url": "http://contoso.crm.dynamics.com"}, "dataverseUrl"),
        ({"dataverse_url": "https://contoso.crm.dynamics.com/api/data"}, "dataverseUrl"),
        ({"dataverse_url": None}, "dataverseUrl"),
        ({"authority_host": "http://login.example"}, "authorityHost"),
    ],
)
def test_unusable_parameters_are_refused_by_name(change: dict, field: str) -> None:
    with pytest.raises(InvalidInsightsSettings) as raised:
        InsightsSettings(**{**VALID, **change})
    assert raised.value.field == field


def test_tuning_comes_from_app_settings_with_defaults() -> None:
    assert InsightsTuning.from_settings({}) == InsightsTuning(3.0, 300.0, 3600.0)
    assert InsightsTuning.from_settings(
        {
            "INSIGHTS_TIMEOUT_SECONDS": "1.5",
            "INSIGHTS_CACHE_SECONDS": "0",
            "INSIGHTS_PROFILE_CACHE_SECONDS": "60",
        }
    ) == InsightsTuning(1.5, 0.0, 60.0)
    with pytest.raises(SettingsError):
        InsightsTuning.from_settings({"INSIGHTS_TIMEOUT_SECONDS": "0"})
