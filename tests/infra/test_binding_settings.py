"""Every `%SETTING%` a binding uses is set locally and in Azure.

The host resolves `%NAME%` in binding properties while indexing; a missing setting makes it
skip the function (under `func start` as in Azure), so a timer silently never runs. The three
lists are compared: the settings the registered functions' bindings reference,
local.settings.example.json's Values, and the function app's settings in Bicep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from function_app import app
from shared.localhost.function_catalog import indexed_functions

from .bicep_model import REPO_ROOT, module_template, name_value_entries

REFERENCE = re.compile(r"%([^%\s]+)%")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def binding_setting_references() -> dict[str, set[str]]:
    """Setting name -> the functions whose bindings reference it as %NAME%."""
    found: dict[str, set[str]] = {}
    for function in indexed_functions(app):
        for binding in function.get_bindings():
            for text in _strings(binding.get_dict_repr()):
                for name in REFERENCE.findall(text):
                    found.setdefault(name, set()).add(str(function.get_function_name()))
    return found


def example_settings() -> set[str]:
    document = json.loads((REPO_ROOT / "local.settings.example.json").read_text(encoding="utf-8"))
    return set(document["Values"])


def bicep_settings() -> dict[str, bool]:
    """Setting name -> set only under a condition."""
    template = module_template("function-app")
    return {name: optional for name, _, optional in name_value_entries("appSettings", template)}


def test_the_bindings_reference_settings_at_all() -> None:
    # Guards the comparison below against finding nothing because indexing changed shape.
    assert {"SECRET_EXPIRY_SCHEDULE", "DISTRIBUTION_1040_SCHEDULE"} <= set(
        binding_setting_references()
    )


def test_every_binding_setting_is_in_the_local_example() -> None:
    missing = {
        name: sorted(functions)
        for name, functions in binding_setting_references().items()
        if name not in example_settings()
    }

    assert not missing, f"func start would skip these functions: {missing}"


def test_every_binding_setting_is_always_set_in_azure() -> None:
    settings = bicep_settings()
    missing = sorted(set(binding_setting_references()) - set(settings))
    conditional = sorted(name for name in binding_setting_references() if settings.get(name))

    assert not missing, f"the host in Azure would skip functions using {missing}"
    assert not conditional, f"set only under a condition: {conditional}"
