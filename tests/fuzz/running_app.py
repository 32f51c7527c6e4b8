"""The app served by the local host on a free loopback port, over its own embedded store.

Fuzzing and load runs call it over real HTTP, as a POS would: the settings point at a
temporary directory, the demo data is loaded and published, and tokens are minted for the
demo staff. Timers stay off so that nothing but the callers changes the data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.localhost import LocalHost, load_app


@dataclass(frozen=True)
class RunningApp:
    url: str  # e.g. http://127.0.0.1:41234
    tokens: dict[str, str]  # demo token name (ana, chloe, admin, ...) -> bearer token
    state_dir: Path

    def api(self, path: str) -> str:
        return f"{self.url}/api/{path.lstrip('/')}"


def _settings(state_dir: Path) -> dict[str, str]:
    return {
        "STORE_KIND": "sqlite",
        "SQLITE_PATH": str(state_dir / "clienteling.db"),
        "AUTH_MODE": "local",
        "AUTH_LOCAL_KEY_DIR": str(state_dir / "keys"),
        "LOCAL_STATE_DIR": str(state_dir),
    }


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _reset() -> None:
    from shared.composition import reset_services
    from shared.settings import reset_settings

    reset_services()
    reset_settings()


@contextmanager
def running_app(seed: Callable[[], Any] | None = None) -> Iterator[RunningApp]:
    """Start the app with the demo data (or what `seed` loads); stop it and clean up after."""
    from shared.localhost.demo import apply_local_settings, demo_tokens, load_demo_data

    with tempfile.TemporaryDirectory(prefix="clienteling-") as directory:
        state_dir = Path(directory)
        with _environment(_settings(state_dir)):
            # Schedule defaults: the timer bindings name them even when timers do not run.
            apply_local_settings(state_dir / "absent.settings.json")
            _reset()
            try:
                (seed or load_demo_data)()
                app = load_app()
                host = LocalHost(app, port=0, route_prefix="api", run_timers=False).start()
                # Indexing records the function names on the app and refuses a second pass;
                # tests in the same session index it again (tests/support/api_client.py).
                app.functions_bindings = None
                try:
                    yield RunningApp(host.url, demo_tokens(), state_dir)
                finally:
                    host.stop()
            finally:
                _reset()
