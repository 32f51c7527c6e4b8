"""The app's identity holds exactly the data roles it needs, each on the one resource it is for."""

from __future__ import annotations

from typing import Any

import pytest

from .bicep_model import accessor_path, function_call, main_template, module_template

ROLES = module_template("role-assignments")
ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments"

# role definition id -> (symbol of the resource it is scoped to, resource type of that symbol)
APP_ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "storage",  # Storage Blob Data Owner
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "storage",  # Storage Queue Data Contributor
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "storage",  # Storage Table Data Contributor
    "4633458b-17de-408a-b874-0445c86b69e6": "vault",  # Key Vault Secrets User
    "3913510d-42f4-4e42-8a64-420c390055eb": "applicationInsights",  # Monitoring Metrics Publisher
}
COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"
KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
SCOPE_TYPES = {
    "storage": "Microsoft.Storage/storageAccounts",
    "vault": "Microsoft.KeyVault/vaults",
    "applicationInsights": "Microsoft.Insights/components",
    "cosmos": "Microsoft.DocumentDB/databaseAccounts",
}


def role_id(assignment: dict[str, Any]) -> str:
    arguments = function_call(
        assignment["properties"]["roleDefinitionId"], "subscription_resource_id"
    )
    assert arguments is not None, "built-in roles are referenced with subscriptionResourceId()"
    assert arguments["resource_type"] == "Microsoft.Authorization/roleDefinitions"
    return ROLES.variable(arguments["resource_name_1"])


def unconditional_assignments() -> list[dict[str, Any]]:
    return [
        resource["config"]
        for resource in ROLES.resources_of_type(ROLE_ASSIGNMENT).values()
        if "condition" not in resource["config"]
    ]


def test_the_app_identity_gets_exactly_the_listed_azure_roles() -> None:
    granted = {role_id(assignment): assignment for assignment in unconditional_assignments()}

    assert set(granted) == set(APP_ROLES)
    for role, assignment in granted.items():
        assert assignment["properties"]["principalId"] == "principalId", role
        assert assignment["properties"]["principalType"] == "ServicePrincipal", role


@pytest.mark.parametrize(("role", "scope"), sorted(APP_ROLES.items()))
def test_each_role_is_scoped_to_its_resource(role: str, scope: str) -> None:
    (assignment,) = [a for a in unconditional_assignments() if role_id(a) == role]

    assert assignment["scope"] == scope
    scoped = ROLES.resources[scope]
    assert scoped["existing"] is True
    assert scoped["type"] == SCOPE_TYPES[scope]


def test_cosmos_data_contributor_is_a_data_plane_assignment_on_the_account() -> None:
    (assignment,) = ROLES.resources_of_type(
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"
    ).values()
    config = assignment["config"]

    assert config["parent"] == "cosmos"
    assert ROLES.resources["cosmos"]["type"] == SCOPE_TYPES["cosmos"]
    assert config["properties"]["principalId"] == "principalId"
    assert accessor_path(config["properties"]["scope"]) == ["cosmos", "id"]
    definition = config["properties"]["roleDefinitionId"]
    assert definition == "${cosmos.id}/sqlRoleDefinitions/${cosmosBuiltInDataContributor}"
    assert ROLES.variable("cosmosBuiltInDataContributor") == COSMOS_DATA_CONTRIBUTOR


def test_the_operator_may_manage_secrets_only_when_named() -> None:
    (conditional,) = [
        resource["config"]
        for resource in ROLES.resources_of_type(ROLE_ASSIGNMENT).values()
        if "condition" in resource["config"]
    ]

    assert role_id(conditional["config"]) == KEY_VAULT_SECRETS_OFFICER
    assert conditional["config"]["properties"]["principalId"] == "operatorPrincipalId"
    assert conditional["config"]["scope"] == "vault"
    assert ROLES.parameters["operatorPrincipalId"]["default"] == ""


def test_main_grants_the_roles_to_the_app_identity() -> None:
    params = main_template().modules["roles"]["config"]["params"]

    assert accessor_path(params["principalId"]) == ["identity", "outputs", "principalId"]


def test_the_app_runs_as_that_identity() -> None:
    params = main_template().modules["functionApp"]["config"]["params"]

    assert accessor_path(params["identityId"]) == ["identity", "outputs", "id"]
    assert accessor_path(params["identityClientId"]) == ["identity", "outputs", "clientId"]
    assert "roles" in main_template().modules["functionApp"]["config"]["dependsOn"]
