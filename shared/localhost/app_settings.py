"""App settings for a local run: `local.settings.json` Values and `%NAME%` binding expressions.

Core Tools puts `local.settings.json`'s `Values` into the environment before the worker imports
the app, without replacing variables already set; the host resolves `%NAME%` in binding
properties (timer schedules here) from the same settings.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path

_REFERENCE = re.compile(r"%([^%\s]+)%")


class UnresolvedSettingError(LookupError):
    """A `%NAME%` binding expression names a setting that has no value."""

    def __init__(self, name: str, where: str) -> None:
        super().__init__(f"{where}: app setting {name} is not set (referenced as %{name}%)")
        self.setting = name


def read_local_settings(path: str | Path) -> dict[str, str]:
    """`Values` from a local.settings.json file; an absent file means no values."""
    file = Path(path)
    if not file.exists():
        return {}
    document = json.loads(file.read_text(encoding="utf-8"))
    values = document.get("Values") or {}
    if not isinstance(values, dict):
        raise ValueError(f"{file}: 'Values' must be an object")
    return {str(name): "" if value is None else str(value) for name, value in values.items()}


def apply_to_environment(
    values: Mapping[str, str], environ: MutableMapping[str, str] = os.environ
) -> list[str]:
    """Copy values into the environment, keeping variables already set; returns names added."""
    added = [name for name in values if name not in environ]
    for name in added:
        environ[name] = values[name]
    return added


def resolve_setting_references(text: str, settings: Mapping[str, str], where: str) -> str:
    """Replace each `%NAME%` with its setting; `where` names the binding in the error."""

    def substitute(reference: re.Match[str]) -> str:
        name = reference.group(1)
        value = settings.get(name)
        if value is None:
            raise UnresolvedSettingError(name, where)
        return value

    return _REFERENCE.sub(substitute, text)
