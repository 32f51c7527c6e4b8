"""The Cosmos DB containers in Bicep are exactly the ones the adapter expects (LAYOUT)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.adapters.cosmos.containers import LAYOUT, ContainerSpec, bicep_containers_variable

from .bicep_model import accessor_path, function_call, module_template, resource_body

COSMOS = module_template("cosmos")
COSMOS_FILE = Path(__file__).resolve().parents[2] / "infra" / "bicep" / "modules" / "cosmos.bicep"
CONTAINER_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers"


def bicep_containers() -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in COSMOS.variable("containers")}


def container_resource() -> dict[str, Any]:
    (resource,) = COSMOS.resources_of_type(CONTAINER_TYPE).values()
    return resource


def declared_resource_properties() -> dict[str, Any]:
    """The object every container is created with: the first argument of union(...)."""
    resource = resource_body(container_resource())["properties"]["resource"]
    arguments = function_call(resource, "union")
    assert arguments is not None, "containers are declared as union(base, optional defaultTtl)"
    return arguments["arg_1"]


def test_bicep_declares_every_layout_container_and_no_other() -> None:
    assert set(bicep_containers()) == {spec.name for spec in LAYOUT.containers}


@pytest.mark.parametrize("spec", LAYOUT.containers, ids=lambda spec: spec.name)
def test_container_matches_layout(spec: ContainerSpec) -> None:
    entry = bicep_containers()[spec.name]

    assert entry["partitionKey"] == spec.partition_key
    assert entry.get("defaultTtl") == spec.default_ttl
    assert entry["compositeIndexes"] == spec.indexing_policy()["compositeIndexes"]


def test_one_container_resource_is_created_per_list_entry() -> None:
    loop = container_resource()["config"]["loop_type"]["detail"]

    assert loop["array_name"] == "containers"
    body = resource_body(container_resource())
    assert accessor_path(body["name"]) == [loop["item_name"], "name"]


def test_container_uses_the_entry_partition_key_and_composite_indexes() -> None:
    item = container_resource()["config"]["loop_type"]["detail"]["item_name"]
    declared = declared_resource_properties()

    (path,) = declared["partitionKey"]["paths"]
    assert accessor_path(path) == [item, "partitionKey"]
    assert declared["partitionKey"]["kind"] == "Hash"
    policy = declared["indexingPolicy"]
    assert accessor_path(policy["compositeIndexes"]) == [item, "compositeIndexes"]


@pytest.mark.parametrize("spec", LAYOUT.containers, ids=lambda spec: spec.name)
def test_indexing_policy_matches_layout_apart_from_composites(spec: ContainerSpec) -> None:
    policy = dict(declared_resource_properties()["indexingPolicy"])
    policy["includedPaths"] = COSMOS.variable(policy["includedPaths"])
    expected = spec.indexing_policy()

    for key in ("indexingMode", "automatic", "includedPaths"):
        assert policy[key] == expected[key], key
    item = container_resource()["config"]["loop_type"]["detail"]["item_name"]
    assert accessor_path(policy["excludedPaths"]) == [item, "excludedPaths"]
    assert bicep_containers()[spec.name]["excludedPaths"] == expected["excludedPaths"]


def test_the_containers_variable_is_the_one_generated_from_layout() -> None:
    text = (COSMOS_FILE).read_text(encoding="utf-8")
    assert bicep_containers_variable() in text, (
        "regenerate it: python -m shared.adapters.cosmos.containers"
    )


def test_default_ttl_is_set_only_for_entries_that_carry_one() -> None:
    item = container_resource()["config"]["loop_type"]["detail"]["item_name"]
    resource = resource_body(container_resource())["properties"]["resource"]
    optional = function_call(resource, "union")["arg_2"]["operator"]["operands"]
    # `(item.defaultTtl == null)`: pycep nests the comparison inside the property accessor.
    test = optional["condition"]["operator"]["operands"]
    comparison = test["operand_2"]["operator"]

    assert test["operand_1"] == item
    assert comparison["type"] == "equals"
    assert comparison["operands"] == {"operand_1": "defaultTtl", "operand_2": None}
    assert optional["true_value"] == {}
    assert accessor_path(optional["false_value"]["defaultTtl"]) == [item, "defaultTtl"]


def test_every_entry_states_its_time_to_live() -> None:
    assert all("defaultTtl" in entry for entry in bicep_containers().values())


def test_account_allows_no_keys_and_old_tls() -> None:
    (account,) = COSMOS.resources_of_type("Microsoft.DocumentDB/databaseAccounts").values()
    properties = account["config"]["properties"]

    assert properties["disableLocalAuth"] is True
    assert properties["disableKeyBasedMetadataWriteAccess"] is True
    assert properties["minimalTlsVersion"] == "Tls12"


def test_serverless_is_the_default_throughput_mode() -> None:
    mode = COSMOS.parameters["throughputMode"]
    allowed = next(d["argument"] for d in mode["decorators"] if d["type"] == "allowed")

    assert mode["default"] == "serverless"
    assert set(allowed) == {"serverless", "provisioned", "autoscale"}
