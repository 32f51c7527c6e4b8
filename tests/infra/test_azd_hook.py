"""azd's post-provision hook creates the continuation-token key once and never overwrites it.

The hook runs against a stand-in `az` on PATH that records its arguments (the CLI is the wire).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .bicep_model import REPO_ROOT

FAKE_AZ = """#!/bin/sh
printf '%s\\n' "$*" >> "$AZ_CALLS"
case "$3" in
  show) exit "$AZ_SHOW_EXIT" ;;
  set) exit 0 ;;
esac
exit 2
"""


def posix_hook() -> str:
    """The `run: |` block of hooks.postprovision.posix in azure.yaml, dedented."""
    lines = (REPO_ROOT / "azure.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("    posix:")
    run = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    body = []
    for line in lines[run + 1 :]:
        if line.strip() and not line.startswith("        "):
            break
        body.append(line[8:])
    return "\n".join(body) + "\n"


def run_hook(tmp_path: Path, secret_exists: bool) -> tuple[subprocess.CompletedProcess, list]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    az = bin_dir / "az"
    az.write_text(FAKE_AZ)
    az.chmod(0o755)
    calls = tmp_path / "calls"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AZ_CALLS": str(calls),
        "AZ_SHOW_EXIT": "0" if secret_exists else "3",
        "AZURE_KEY_VAULT_NAME": "kv-test",
    }
    completed = subprocess.run(
        ["sh", "-c", posix_hook()], env=env, capture_output=True, text=True, timeout=30
    )
    recorded = calls.read_text().splitlines() if calls.exists() else []
    return completed, [line.split() for line in recorded]


pytestmark = pytest.mark.skipif(
    not (shutil.which("sh") and shutil.which("openssl")), reason="needs sh and openssl"
)


def test_an_existing_key_is_left_alone(tmp_path: Path) -> None:
    completed, calls = run_hook(tmp_path, secret_exists=True)

    assert completed.returncode == 0, completed.stderr
    assert [call[:3] for call in calls] == [["keyvault", "secret", "show"]]


def test_a_missing_key_is_created_random_and_expiring_in_a_year(tmp_path: Path) -> None:
    completed, calls = run_hook(tmp_path, secret_exists=False)

    assert completed.returncode == 0, completed.stderr
    (create,) = [call for call in calls if call[:3] == ["keyvault", "secret", "set"]]
    options = dict(zip(create[3::2], create[4::2], strict=False))
    assert options["--vault-name"] == "kv-test"
    assert options["--name"] == "continuation-token-key"
    assert len(base64.b64decode(options["--value"], validate=True)) == 48
    expires = datetime.strptime(options["--expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=365))) < timedelta(hours=1)


def test_two_runs_create_two_different_keys(tmp_path: Path) -> None:
    first = run_hook(tmp_path / "a", secret_exists=False)[1]
    second = run_hook(tmp_path / "b", secret_exists=False)[1]

    def value(calls: list) -> str:
        (create,) = [call for call in calls if call[2] == "set"]
        return create[create.index("--value") + 1]

    assert value(first) != value(second)
