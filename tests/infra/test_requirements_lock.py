"""What is deployed is what was tested: requirements.txt, compiled from requirements.in by
`make lock`, pins every package to one exact version, and those are the versions installed in
the environment this suite runs in (`make install` installs requirements.txt)."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .bicep_model import REPO_ROOT

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)$")


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def pins() -> dict[str, str]:
    found = {}
    for line in requirement_lines(REPO_ROOT / "requirements.txt"):
        match = PIN.match(line)
        assert match, f"not an exact pin: {line!r}"
        found[canonicalize_name(match["name"])] = match["version"]
    return found


def test_every_deployed_package_is_pinned_to_one_version() -> None:
    assert len(pins()) >= 20  # the transitive packages are pinned too, not just the direct ones


@pytest.mark.parametrize(
    "line", requirement_lines(REPO_ROOT / "requirements.in"), ids=lambda line: line.split(">")[0]
)
def test_each_direct_requirement_is_locked_within_its_range(line: str) -> None:
    requirement = Requirement(line)
    pinned = pins().get(canonicalize_name(requirement.name))

    assert pinned is not None, f"{requirement.name} is not in requirements.txt: run make lock"
    assert requirement.specifier.contains(pinned, prereleases=True)


def test_the_locked_versions_are_the_installed_ones() -> None:
    differing = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            differing[name] = (pinned, installed)

    assert not differing, f"locked != installed (run make install, or make lock): {differing}"


def test_telemetry_is_part_of_the_deployed_set() -> None:
    assert "azure-monitor-opentelemetry" in pins()


def test_the_development_requirements_include_the_lock() -> None:
    assert "-r requirements.txt" in requirement_lines(REPO_ROOT / "requirements-dev.txt")
