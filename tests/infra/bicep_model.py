"""Read infra/bicep through pycep-parser's JSON model, for tests that compare it with the code.

pycep turns a template into nested dicts: parameters, variables, resources, modules, outputs.
Expressions stay as small trees ({"function": ...}, {"operator": ...}); a bare identifier (a
parameter, variable or resource name) is a plain string, like a string literal. The helpers here
follow only the shapes these templates use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pycep import BicepParser

REPO_ROOT = Path(__file__).resolve().parents[2]
BICEP_ROOT = REPO_ROOT / "infra" / "bicep"
MAIN = BICEP_ROOT / "main.bicep"
MODULES = BICEP_ROOT / "modules"


@cache
def _parser() -> BicepParser:
    return BicepParser()


@dataclass(frozen=True)
class Template:
    path: Path
    tree: dict[str, Any]

    @property
    def parameters(self) -> dict[str, Any]:
        return self.tree.get("parameters", {})

    @property
    def variables(self) -> dict[str, Any]:
        return self.tree.get("variables", {})

    @property
    def resources(self) -> dict[str, Any]:
        return self.tree.get("resources", {})

    @property
    def modules(self) -> dict[str, Any]:
        return self.tree.get("modules", {})

    @property
    def outputs(self) -> dict[str, Any]:
        return self.tree.get("outputs", {})

    def variable(self, name: str) -> Any:
        return self.variables[name]["value"]

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            name: resource
            for name, resource in self.resources.items()
            if resource["type"] == resource_type and not resource["existing"]
        }

    def required_parameters(self) -> set[str]:
        return {name for name, spec in self.parameters.items() if "default" not in spec}


@cache
def load(path: Path) -> Template:
    return Template(path=path, tree=_parser().parse(file_path=path))


def module_template(name: str) -> Template:
    return load(MODULES / f"{name}.bicep")


def main_template() -> Template:
    return load(MAIN)


def resource_body(resource: dict[str, Any]) -> dict[str, Any]:
    """The declared object of a resource, looking through `if (...)` and `[for ...]`."""
    body = resource["config"]
    while (
        isinstance(body, dict) and "config" in body and ("condition" in body or "loop_type" in body)
    ):
        body = body["config"]
    return body


def function_call(value: Any, name: str) -> dict[str, Any] | None:
    """The parameters of a call to function `name`, if `value` is one."""
    if isinstance(value, dict) and value.get("function", {}).get("type") == name:
        return value["function"].get("parameters", {})
    return None


def conditional(value: Any) -> dict[str, Any] | None:
    """condition / true_value / false_value of a `?:` expression, if `value` is one."""
    if isinstance(value, dict) and value.get("operator", {}).get("type") == "conditional":
        return value["operator"]["operands"]
    return None


def accessor_path(value: Any) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"], if `value` is a chain of property accessors on names."""
    if isinstance(value, str):
        return [value]
    operator = value.get("operator", {}) if isinstance(value, dict) else {}
    if operator.get("type") != "property_accessor":
        return None
    left = accessor_path(operator["operands"]["operand_1"])
    right = accessor_path(operator["operands"]["operand_2"])
    return left + right if left is not None and right is not None else None


def name_value_entries(value: Any, template: Template) -> Iterator[tuple[str, Any, bool]]:
    """Every (name, value, conditional) entry a list of {name, value} objects can produce.

    Follows variable names, concat(...) arguments and both branches of `?:`; `conditional` says
    whether the entry exists only on one branch.
    """
    yield from _entries(value, template, conditional_branch=False)


def _entries(value: Any, template: Template, conditional_branch: bool) -> Iterator:
    if isinstance(value, str) and value in template.variables:
        yield from _entries(template.variable(value), template, conditional_branch)
        return
    arguments = function_call(value, "concat")
    if arguments is not None:
        for argument in arguments.values():
            yield from _entries(argument, template, conditional_branch)
        return
    branches = conditional(value)
    if branches is not None:
        for branch in ("true_value", "false_value"):
            yield from _entries(branches[branch], template, conditional_branch=True)
        return
    if isinstance(value, list):
        for entry in value:
            yield entry["name"], entry["value"], conditional_branch


def strings_in(value: Any) -> Iterator[str]:
    """Every string anywhere inside an expression tree."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def module_output_references(value: Any) -> Iterator[tuple[str, str]]:
    """(module symbol, output name) for every `module.outputs.name` inside an expression."""
    path = accessor_path(value)
    if path and len(path) >= 3 and path[1] == "outputs":
        yield path[0], path[2]
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from module_output_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from module_output_references(item)
