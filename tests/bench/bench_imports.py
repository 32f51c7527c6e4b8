"""Import of 50,000 customers through the admin route, as NDJSON in one call."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from tests.bench.measure import peak_rss_mb

CUSTOMERS = 50_000


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="bench-imports-")
    os.environ.update(
        STORE_KIND="sqlite",
        SQLITE_PATH=f"{workdir}/db.sqlite",
        AUTH_MODE="local",
        AUTH_LOCAL_KEY_DIR=f"{workdir}/keys",
        LOCAL_STATE_DIR=workdir,
    )
    from function_app import app
    from shared.adapters.identity.local_signing import LocalSigningKey
    from shared.composition import reset_services
    from shared.settings import reset_settings
    from tests.support.api_client import ApiClient
    from tests.support.world import World, customers

    reset_settings()
    reset_services()
    world = World(ApiClient(app), LocalSigningKey.load_or_create(Path(workdir) / "keys"))
    rows = customers("USRT", CUSTOMERS, ["AB1", "AB2", "AB3"])
    for row in rows:
        del row["attributes"]
    body = "\n".join(json.dumps(r) for r in rows).encode()
    del rows
    started = time.perf_counter()
    reply = world.admin.request(
        "POST",
        "/api/admin/USRT/import/customers",
        body=body,
        headers={"Content-Type": "application/x-ndjson"},
    )
    seconds = time.perf_counter() - started
    report = reply.json
    print("\n## Customer import (embedded store)\n")
    print(
        f"- {report['accepted']:,} customers, {len(body) / 1e6:.1f} MB NDJSON, one call: "
        f"{seconds:.1f} s ({report['accepted'] / seconds:,.0f} records/s), "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    reset_services()
