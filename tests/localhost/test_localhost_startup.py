"""Starting the local host: app loading, local.settings.json, host.json, and the CLI."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import pytest
import requests

from shared.localhost import load_app
from shared.localhost.app_settings import (
    UnresolvedSettingError,
    apply_to_environment,
    read_local_settings,
    resolve_setting_references,
)
from shared.localhost.host_config import read_route_prefix

WORKTREE = Path(__file__).resolve().parents[2]

FUNCTION_APP = """
import os
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

@app.route(route="greeting")
def greeting(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(os.environ["GREETING"] + " / " + os.environ["ALREADY_SET"])

@app.timer_trigger(schedule="%NIGHTLY%", arg_name="timer")
def nightly(timer: func.TimerRequest) -> None:
    pass

not_an_app = 42
"""


@pytest.fixture
def app_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    module = f"function_app_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(FUNCTION_APP, encoding="utf-8")
    (tmp_path / "function_app.py").write_text(FUNCTION_APP, encoding="utf-8")
    (tmp_path / "local.settings.json").write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {
                    "GREETING": "hello",
                    "ALREADY_SET": "from file",
                    "NIGHTLY": "0 0 2 * * *",
                },
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "host.json").write_text(
        json.dumps({"version": "2.0", "extensions": {"http": {"routePrefix": "v1"}}}),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    sys.modules.pop(module, None)
    if str(tmp_path) in sys.path:  # load_app puts the working directory on sys.path
        sys.path.remove(str(tmp_path))


def test_load_app_imports_the_app_from_the_working_directory(app_directory: Path) -> None:
    module = f"function_app_{app_directory.name.replace('-', '_')}"

    app = load_app(module)

    assert isinstance(app, func.FunctionApp)
    assert {f.get_function_name() for f in app.get_functions()} == {"greeting", "nightly"}


def test_load_app_refuses_something_that_is_not_an_app(app_directory: Path) -> None:
    module = f"function_app_{app_directory.name.replace('-', '_')}"

    with pytest.raises(TypeError, match=r"not_an_app should be a func\.FunctionApp, found int"):
        load_app(module, "not_an_app")


def test_local_settings_fill_the_environment_without_overriding_it(
    app_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALREADY_SET", "from environment")
    monkeypatch.delenv("GREETING", raising=False)
    environ = dict(os.environ)

    added = apply_to_environment(read_local_settings("local.settings.json"), environ)

    assert environ["GREETING"] == "hello"
    assert environ["ALREADY_SET"] == "from environment"
    assert "GREETING" in added and "ALREADY_SET" not in added


def test_a_missing_local_settings_file_means_no_values(tmp_path: Path) -> None:
    assert read_local_settings(tmp_path / "absent.json") == {}


def test_setting_references_resolve_or_name_the_missing_setting() -> None:
    settings = {"HOUR": "2", "MINUTE": "30"}

    assert resolve_setting_references("0 %MINUTE% %HOUR% * * *", settings, "t") == "0 30 2 * * *"
    with pytest.raises(UnresolvedSettingError, match="app setting NOPE is not set"):
        resolve_setting_references("%NOPE%", settings, "timer x schedule")


@pytest.mark.parametrize(
    ("document", "prefix"),
    [
        ({"version": "2.0"}, "api"),
        ({"extensions": {"http": {"routePrefix": ""}}}, ""),
        ({"extensions": {"http": {"routePrefix": "/v2/"}}}, "v2"),
    ],
)
def test_route_prefix_comes_from_host_json(tmp_path: Path, document: dict, prefix: str) -> None:
    path = tmp_path / "host.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    assert read_route_prefix(path) == prefix


def test_route_prefix_defaults_to_api_without_host_json(tmp_path: Path) -> None:
    assert read_route_prefix(tmp_path / "host.json") == "api"


def _start_cli(directory: Path, *arguments: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(WORKTREE), "ALREADY_SET": "from environment"}
    environment.pop("GREETING", None)
    return subprocess.Popen(
        [sys.executable, "-m", "shared.localhost", "--port", "0", *arguments],
        cwd=directory,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_serves_the_app_with_local_settings_and_host_json(app_directory: Path) -> None:
    process = _start_cli(app_directory, "--no-timers")
    try:
        banner = process.stdout.readline()  # printed once the socket listens
        assert "listening on http://127.0.0.1:" in banner, process.stderr.read()
        base = banner.split("listening on ")[1].split()[0]

        response = requests.get(f"{base}/greeting", timeout=5)

        assert base.endswith("/v1")
        assert response.text == "hello / from environment"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0


def test_cli_reports_an_unresolved_setting_and_exits(app_directory: Path) -> None:
    (app_directory / "local.settings.json").write_text('{"Values": {}}', encoding="utf-8")

    process = _start_cli(app_directory)
    _, errors = process.communicate(timeout=10)

    assert process.returncode == 2
    assert "NIGHTLY" in errors
    assert "Traceback" not in errors
