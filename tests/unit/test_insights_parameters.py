"""Insights parameters stored before the retired Customer Insights API mode was removed."""

import pydantic
import pytest

from shared.domain.parameters import ClientelingParameters, InsightsParameters

DATAVERSE = {
    "enabled": True,
    "applicationId": "0f6b6c8e-1234-4abc-8def-0123456789ab",
    "tenantId": "contoso.onmicrosoft.com",
    "secretName": "insights",
    "dataverseUrl": "https://contoso.crm.dynamics.com",
    "alternateCustomerId": "contoso_customerid",
    "measures": ["ChurnRisk"],
}


def test_stored_dataverse_parameters_with_the_old_fields_still_load_unchanged() -> None:
    stored = {**DATAVERSE, "mode": "dataverse", "environmentInstanceId": None}

    loaded = ClientelingParameters.model_validate({"insights": stored}).insights

    assert loaded == InsightsParameters.model_validate(DATAVERSE)
    assert loaded.enabled is True
    assert "mode" not in loaded.to_json() and "environmentInstanceId" not in loaded.to_json()


def test_parameters_of_the_retired_api_load_with_insights_off() -> None:
    stored = {
        **DATAVERSE,
        "dataverseUrl": None,
        "mode": "legacy",
        "environmentInstanceId": "9a8b7c6d-0000-4000-8000-00000000e001",
    }

    loaded = InsightsParameters.model_validate(stored)

    assert loaded.enabled is False
    assert loaded.application_id == DATAVERSE["applicationId"]


def test_other_unknown_fields_are_still_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        InsightsParameters.model_validate({**DATAVERSE, "mode": "dataverse", "region": "eu"})
