"""main.parameters.json as azd fills it in, for a person and for a pipeline.

azd substitutes `${NAME}` and `${NAME=default}` in the parameter file from the azd environment
(envsubst syntax), where it also records the signed-in principal: AZURE_PRINCIPAL_ID and
AZURE_PRINCIPAL_TYPE (`User` after `azd auth login`, `ServicePrincipal` when a pipeline signs
in with a client id); see the azure-dev docs/environment-variables.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .bicep_model import BICEP_ROOT, main_template, module_template

MAIN = main_template()
ROLES = module_template("role-assignments")
AZD_REFERENCE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:=(?P<default>[^}]*))?\}")


def azd_parameters(environment: dict[str, str]) -> dict[str, Any]:
    """Parameter values after azd's substitution; an unset variable without default is empty."""
    text = (BICEP_ROOT / "main.parameters.json").read_text(encoding="utf-8")

    def substitute(match: re.Match) -> str:
        value = environment.get(match["name"])
        return value if value is not None else (match["default"] or "")

    parameters = json.loads(AZD_REFERENCE.sub(substitute, text))["parameters"]
    return {name: entry["value"] for name, entry in parameters.items()}


def allowed(template, name: str) -> list[str]:
    (values,) = [
        d["argument"] for d in template.parameters[name]["decorators"] if d["type"] == "allowed"
    ]
    return values


PERSON = {"AZURE_PRINCIPAL_ID": "11111111-1111-1111-1111-111111111111"}
PIPELINE = {**PERSON, "AZURE_PRINCIPAL_TYPE": "ServicePrincipal"}


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (PERSON, "User"),
        ({**PERSON, "AZURE_PRINCIPAL_TYPE": "User"}, "User"),
        (PIPELINE, "ServicePrincipal"),
    ],
    ids=["person-without-type", "person", "pipeline"],
)
def test_the_operator_principal_type_follows_azd_sign_in(environment, expected) -> None:
    values = azd_parameters(environment)

    assert values["operatorPrincipalId"] == PERSON["AZURE_PRINCIPAL_ID"]
    assert values["operatorPrincipalType"] == expected
    assert expected in allowed(MAIN, "operatorPrincipalType")


def test_the_role_assignment_uses_the_principal_type_it_is_given() -> None:
    passed = MAIN.modules["roles"]["config"]["params"]
    (assignment,) = [
        resource
        for resource in ROLES.resources.values()
        if "operatorPrincipalId" in json.dumps(resource["config"])
    ]

    assert passed["operatorPrincipalType"] == "operatorPrincipalType"
    assert allowed(ROLES, "operatorPrincipalType") == allowed(MAIN, "operatorPrincipalType")
    assert assignment["config"]["config"]["properties"]["principalType"] == "operatorPrincipalType"
