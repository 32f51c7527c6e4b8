"""What the Bicep compiler would catch between files, checked without it: module parameters and
outputs, parameter files, tags and azure.yaml."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .bicep_model import (
    BICEP_ROOT,
    MODULES,
    REPO_ROOT,
    load,
    main_template,
    module_output_references,
    resource_body,
)

MAIN = main_template()
PARAMETER_FILES = sorted(BICEP_ROOT.glob("main.parameters*.json"))


def module_path(symbol: str) -> Path:
    return BICEP_ROOT / MAIN.modules[symbol]["detail"]["path"]


def test_every_module_file_is_used_by_main() -> None:
    used = {module_path(symbol).resolve() for symbol in MAIN.modules}

    assert used == {path.resolve() for path in MODULES.glob("*.bicep")}


@pytest.mark.parametrize("symbol", sorted(MAIN.modules))
def test_module_call_passes_declared_parameters_and_every_required_one(symbol: str) -> None:
    module = load(module_path(symbol))
    passed = set(resource_body(MAIN.modules[symbol])["params"])

    assert passed <= set(module.parameters), f"unknown: {passed - set(module.parameters)}"
    assert module.required_parameters() <= passed, (
        f"missing: {module.required_parameters() - passed}"
    )


def test_every_module_output_main_reads_exists() -> None:
    references = set(module_output_references(MAIN.tree))
    missing = {
        (symbol, output)
        for symbol, output in references
        if output not in load(module_path(symbol)).outputs
    }

    assert references, "main reads module outputs"
    assert not missing


def test_main_targets_the_subscription_and_creates_the_resource_group() -> None:
    assert MAIN.tree["globals"]["scope"]["value"] == "subscription"
    assert MAIN.resources_of_type("Microsoft.Resources/resourceGroups")
    assert all(resource_body(module)["scope"] == "rg" for module in MAIN.modules.values())


def test_every_resource_is_tagged_with_the_azd_environment() -> None:
    tags = {key.strip("'"): value for key, value in MAIN.variable("tags").items()}

    assert tags == {"azd-env-name": "environmentName", "app": "appName"}


def test_names_derive_from_a_unique_string() -> None:
    token = MAIN.variable("resourceToken")["function"]
    unique = token["parameters"]["string_to_change"]["function"]

    assert token["type"] == "to_lower"
    assert unique["type"] == "unique_string"
    seeds = [value for value in unique["parameters"].values() if isinstance(value, str)]
    assert {"environmentName", "location"} <= set(seeds)


@pytest.mark.parametrize("path", PARAMETER_FILES, ids=lambda path: path.name)
def test_parameter_file_sets_only_known_parameters_and_all_required_ones(path: Path) -> None:
    values = json.loads(path.read_text(encoding="utf-8"))["parameters"]

    assert set(values) <= set(MAIN.parameters), f"unknown: {set(values) - set(MAIN.parameters)}"
    assert MAIN.required_parameters() <= set(values)


@pytest.mark.parametrize("path", PARAMETER_FILES, ids=lambda path: path.name)
def test_parameter_file_values_respect_allowed_lists(path: Path) -> None:
    values = json.loads(path.read_text(encoding="utf-8"))["parameters"]
    for name, entry in values.items():
        allowed = [
            d["argument"] for d in MAIN.parameters[name]["decorators"] if d["type"] == "allowed"
        ]
        if allowed and "${" not in str(entry["value"]):
            assert entry["value"] in allowed[0], name


def test_azd_parameter_file_takes_environment_name_and_location_from_azd() -> None:
    values = json.loads((BICEP_ROOT / "main.parameters.json").read_text())["parameters"]

    assert values["environmentName"]["value"] == "${AZURE_ENV_NAME}"
    assert values["location"]["value"] == "${AZURE_LOCATION}"


def test_azure_yaml_points_azd_at_the_bicep_and_the_function_app() -> None:
    text = (REPO_ROOT / "azure.yaml").read_text(encoding="utf-8")
    lines = [
        line.rstrip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]

    assert "  provider: bicep" in lines
    assert "  path: infra/bicep" in lines
    service = lines[lines.index("services:") + 1 :]
    assert service[0] == "  api:"
    assert {"    project: .", "    language: python", "    host: function"} <= set(service[1:4])
    assert re.search(r"^\s+module: main$", text, re.MULTILINE)


def test_function_app_is_the_azd_api_service() -> None:
    assert MAIN.modules["functionApp"]["config"]["params"]["serviceName"] == "api"


@pytest.mark.parametrize("path", sorted(BICEP_ROOT.rglob("*.bicep")), ids=lambda path: path.name)
def test_every_parameter_and_variable_is_used(path: Path) -> None:
    """What the Bicep linter's no-unused-params and no-unused-vars rules would flag."""
    template = load(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    unused = [
        name
        for name in [*template.parameters, *template.variables]
        if len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", code)) < 2
    ]

    assert not unused
