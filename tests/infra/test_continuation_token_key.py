"""Provisioning creates the continuation-token key once, before the app starts, and never
overwrites it.

The Bicep wiring is read with pycep; the deployment script itself runs here against a stand-in
`az` on PATH that records its arguments and answers like the CLI (the CLI is the wire).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .bicep_model import (
    MODULES,
    accessor_path,
    function_call,
    main_template,
    module_template,
    resource_body,
)

MAIN = main_template()
KEY = module_template("continuation-token-key")
FUNCTION_APP = module_template("function-app")
KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"


def script_path() -> Path:
    (script,) = KEY.resources_of_type("Microsoft.Resources/deploymentScripts").values()
    content = function_call(
        resource_body(script)["properties"]["scriptContent"], "load_text_content"
    )
    assert content is not None, "the script is loaded from its file, so this test runs that file"
    return MODULES / content["file_path"]


def test_the_app_waits_for_the_key_and_references_the_secret_it_creates() -> None:
    app = MAIN.modules["functionApp"]["config"]
    key = MAIN.modules["continuationTokenKey"]

    assert "continuationTokenKey" in app["dependsOn"]
    assert app["params"]["continuationTokenKeySecretName"] == "continuationTokenKeySecretName"
    assert key["config"]["condition"] == "createContinuationTokenKey"
    assert MAIN.parameters["createContinuationTokenKey"]["default"] is True
    key_params = key["config"]["config"]["params"]
    assert key_params["secretName"] == "continuationTokenKeySecretName"
    assert accessor_path(key_params["keyVaultName"]) == ["keyVault", "outputs", "name"]
    assert MAIN.variable("continuationTokenKeySecretName") == "continuation-token-key"


def test_the_unsubscribe_link_key_is_made_the_same_way_for_ten_years() -> None:
    app = MAIN.modules["functionApp"]["config"]
    key = MAIN.modules["unsubscribeLinkKey"]

    assert "unsubscribeLinkKey" in app["dependsOn"]
    assert app["params"]["unsubscribeLinkKeySecretName"] == "unsubscribeLinkKeySecretName"
    assert key["config"]["condition"] == "createContinuationTokenKey"
    key_params = key["config"]["config"]["params"]
    assert key_params["secretName"] == "unsubscribeLinkKeySecretName"
    assert key_params["validityDays"] == 3650
    assert MAIN.variable("unsubscribeLinkKeySecretName") == "unsubscribe-link-key"


def test_the_script_identity_may_write_secrets_in_this_vault_only() -> None:
    (assignment,) = KEY.resources_of_type("Microsoft.Authorization/roleAssignments").values()
    (script,) = KEY.resources_of_type("Microsoft.Resources/deploymentScripts").values()
    properties = assignment["config"]["properties"]

    assert assignment["config"]["scope"] == "vault"
    assert "keyVaultSecretsOfficer" in str(properties["roleDefinitionId"])
    assert KEY.variable("keyVaultSecretsOfficer") == KEY_VAULT_SECRETS_OFFICER
    assert accessor_path(properties["principalId"]) == [
        "scriptIdentity",
        "properties",
        "principalId",
    ]
    assert properties["principalType"] == "ServicePrincipal"
    body = resource_body(script)
    assert body["identity"]["type"] == "UserAssigned"
    assert "secretsOfficer" in body["dependsOn"]


FAKE_AZ = """#!/bin/sh
printf '%s\\n' "$*" >> "$AZ_CALLS"
count=$(grep -c ' show ' "$AZ_CALLS")
case "$3" in
  show)
    if [ "$count" -le "${AZ_FORBIDDEN_SHOWS:-0}" ]; then
      echo "ERROR: (Forbidden) Caller is not authorized" >&2; exit 1
    fi
    if [ "$AZ_SECRET" = exists ]; then echo "https://kv/secrets/x/1"; exit 0; fi
    if [ "$AZ_SECRET" = deleted ]; then
      echo "ERROR: (SecretNotFound) A secret with (name/id) x was not found" >&2; exit 3
    fi
    echo "ERROR: (SecretNotFound) A secret with (name/id) x was not found" >&2; exit 3 ;;
  set)
    if [ "$AZ_SECRET" = deleted ]; then
      echo "ERROR: (Conflict) ObjectIsDeletedButRecoverable" >&2; exit 1
    fi
    exit 0 ;;
esac
exit 2
"""


def run_script(tmp_path: Path, secret: str, forbidden_shows: int = 0):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    az = bin_dir / "az"
    az.write_text(FAKE_AZ)
    az.chmod(0o755)
    calls = tmp_path / "calls"
    calls.touch()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AZ_CALLS": str(calls),
        "AZ_SECRET": secret,
        "AZ_FORBIDDEN_SHOWS": str(forbidden_shows),
        "VAULT_NAME": "kv-test",
        "SECRET_NAME": "continuation-token-key",
        "VALIDITY_DAYS": "365",
        "RETRY_SECONDS": "0",
    }
    completed = subprocess.run(
        ["sh", str(script_path())], env=env, capture_output=True, text=True, timeout=30
    )
    return completed, [line.split() for line in calls.read_text().splitlines()]


def created_options(calls: list[list[str]]) -> dict[str, str]:
    (create,) = [call for call in calls if call[:3] == ["keyvault", "secret", "set"]]
    return dict(zip(create[3::2], create[4::2], strict=False))


pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("sh", "head", "base64", "date")),
    reason="needs a POSIX shell with head, base64 and date",
)


def test_an_existing_key_is_left_alone(tmp_path: Path) -> None:
    completed, calls = run_script(tmp_path, secret="exists")

    assert completed.returncode == 0, completed.stderr
    assert [call[:3] for call in calls] == [["keyvault", "secret", "show"]]
    assert "--query" in calls[0] and "id" in calls[0]  # the value is never printed


def test_a_missing_key_is_created_random_long_enough_and_expiring_in_a_year(
    tmp_path: Path,
) -> None:
    completed, calls = run_script(tmp_path, secret="missing")

    assert completed.returncode == 0, completed.stderr
    options = created_options(calls)
    assert options["--vault-name"] == "kv-test"
    assert options["--name"] == "continuation-token-key"
    assert len(base64.b64decode(options["--value"], validate=True)) >= 32
    expires = datetime.strptime(options["--expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=365))) < timedelta(hours=1)
    assert options["--value"] not in completed.stdout + completed.stderr


def test_two_deployments_create_two_different_keys(tmp_path: Path) -> None:
    first = created_options(run_script(tmp_path / "a", secret="missing")[1])
    second = created_options(run_script(tmp_path / "b", secret="missing")[1])

    assert first["--value"] != second["--value"]


def test_it_waits_while_the_new_role_assignment_propagates(tmp_path: Path) -> None:
    completed, calls = run_script(tmp_path, secret="missing", forbidden_shows=3)

    assert completed.returncode == 0, completed.stderr
    assert [call[2] for call in calls] == ["show", "show", "show", "show", "set"]


def test_a_soft_deleted_key_fails_the_deployment_with_the_way_out(tmp_path: Path) -> None:
    completed, calls = run_script(tmp_path, secret="deleted")

    assert completed.returncode == 1
    assert "az keyvault secret recover" in completed.stderr
    assert [call[2] for call in calls] == ["show", "set"]


def test_a_role_that_never_arrives_fails_the_deployment_with_a_pointer(tmp_path: Path) -> None:
    completed, calls = run_script(tmp_path, secret="missing", forbidden_shows=100)

    assert completed.returncode == 1
    assert [call[2] for call in calls] == ["show"] * 20
    assert "docs/deploy.md, 'The continuation-token key'" in completed.stderr
