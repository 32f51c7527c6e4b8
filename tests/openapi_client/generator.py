"""openapi-python-client in its own virtual environment, as a POS developer would use it.

The generator and the client it writes (httpx, attrs, python-dateutil) never mix with the
app's dependencies: they live in .tools/openapi-client-venv, created on first use like the
checkov environment of .ci/check_bicep.py. The generated client is run by that environment's
Python too.
"""

from __future__ import annotations

import json
import re
import subprocess
import venv
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOL_VENV = REPO_ROOT / ".tools" / "openapi-client-venv"
# Pinned so that a new generator release cannot turn CI red on its own; bump on purpose.
REQUIREMENTS = ("openapi-python-client==0.29.1", "python-dateutil>=2.8,<5")
# The one part of the document the generator cannot use: the NDJSON body of imports (it
# generates the route with its JSON body). Any other warning is a defect of the document.
EXPECTED_WARNINGS = {"POST /api/admin/{legalEntity}/import/{kind}"}
PACKAGE = "clienteling_client"


class ToolUnavailable(RuntimeError):
    """The generator could not be installed (no package index reachable)."""


@dataclass(frozen=True)
class GeneratedClient:
    python: Path  # the interpreter that has the client's dependencies
    path: Path  # the directory to put on PYTHONPATH; it holds the PACKAGE
    warnings: frozenset[str]  # "METHOD /path" of each operation the generator warned about


def tool_python() -> Path:
    """The tool environment's Python, installing the generator on first use."""
    python = TOOL_VENV / "bin" / "python"
    marker = TOOL_VENV / "installed-requirements.txt"
    wanted = "\n".join(REQUIREMENTS)
    if marker.exists() and marker.read_text() == wanted:
        return python
    print(f"installing {', '.join(REQUIREMENTS)} into {TOOL_VENV} (first run only)", flush=True)
    try:
        if not python.exists():
            venv.EnvBuilder(with_pip=True).create(TOOL_VENV)
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise ToolUnavailable(f"cannot make {TOOL_VENV}: {error}") from error
    if installed.returncode != 0:
        raise ToolUnavailable(f"pip could not install {REQUIREMENTS}: {installed.stderr[-500:]}")
    marker.write_text(wanted)
    return python


def generate(document: dict, directory: Path) -> GeneratedClient:
    """Write the document to `directory` and generate the client package next to it."""
    python = tool_python()
    spec = directory / "openapi.json"
    spec.write_text(json.dumps(document))
    config = directory / "generator.json"
    # No post hooks: they format the code with ruff, which changes nothing a test relies on.
    config.write_text(json.dumps({"post_hooks": [], "package_name_override": PACKAGE}))
    output = directory / PACKAGE
    ran = subprocess.run(
        [
            str(python),
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(output),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ran.returncode != 0:
        raise AssertionError(f"openapi-python-client failed:\n{ran.stdout}\n{ran.stderr}")
    warned = re.findall(r"WARNING parsing (\w+ \S+)", ran.stdout + ran.stderr)
    return GeneratedClient(python, directory, frozenset(warned))
