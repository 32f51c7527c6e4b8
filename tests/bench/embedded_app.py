"""The app on a benchmark's own embedded database, called as a POS calls it (local tokens)."""

from __future__ import annotations

import os
from pathlib import Path

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.composition import reset_services
from shared.settings import reset_settings
from tests.support.api_client import ApiClient
from tests.support.world import World


def use_embedded_store(database: Path, bench_dir: Path) -> None:
    """Point the app at `database`, with its keys and local state under `bench_dir`; any
    Entra or paging-key setting of the shell is dropped so the run is the same everywhere."""
    os.environ.update(
        {
            "STORE_KIND": "sqlite",
            "SQLITE_PATH": str(database),
            "AUTH_MODE": "local",
            "AUTH_LOCAL_KEY_DIR": str(bench_dir / "keys"),
            "LOCAL_STATE_DIR": str(bench_dir),
        }
    )
    for name in ("AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CONTINUATION_TOKEN_KEY"):
        os.environ.pop(name, None)
    reset_settings()
    reset_services()


def bench_world(bench_dir: Path) -> World:
    """Callers of the app's functions, signing with the bench's local key."""
    import function_app

    key = LocalSigningKey.load_or_create(bench_dir / "keys")
    return World(ApiClient(function_app.app), key)
