"""Activities at scale: 1,000,000 activities over 50,000 customers, five of them with 20,000.

The data set is bulk-inserted through SQL once and kept under .local/bench/, keyed by the
data-set version and the schema (migration files), so later runs start at once. Every
figure is measured through the registered HTTP functions in process, with real tokens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from tests.bench.measure import Result, measure, peak_rss_mb, print_table

DATASET_VERSION = "2"
CUSTOMERS = 50_000
HEAVY_CUSTOMERS = 5
HEAVY_ACTIVITIES = 20_000
TOTAL_ACTIVITIES = 1_000_000
TYPES = ("VISIT", "EMAIL", "CALL")
TYPE_NAMES = {"VISIT": "Store visit", "EMAIL": "Email", "CALL": "Phone call"}
STAFF = (("alice", "Alice Archer", "S1"), ("bob", "Bob Baker", "S2"), ("dave", "Dave Dunn", "S3"))
# Seven years of activities, the last two ahead of the build date: upcoming has work to do.
EPOCH = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=5 * 365)
SPAN_SECONDS = 7 * 365 * 24 * 3600
BENCH_DIR = Path(".local/bench")


def _customer_id(n: int) -> str:
    return f"BC{n:06d}"


def _schema_fingerprint() -> str:
    from shared.adapters.sqlite.database import migration_files

    digest = hashlib.sha256()
    for _, path in migration_files():
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _activities(rng: random.Random) -> Iterator[tuple[str, str, str, str, str]]:
    """(customer_id, start_time, activity_id, type_id, body) rows, customer by customer."""
    from shared.adapters.sqlite.json_columns import dump
    from shared.domain.activities import Activity
    from shared.domain.instants import instant_text
    from shared.domain.record_ids import time_ordered_id

    light_total = TOTAL_ACTIVITIES - HEAVY_CUSTOMERS * HEAVY_ACTIVITIES
    light_each = light_total // (CUSTOMERS - HEAVY_CUSTOMERS)
    for n in range(1, CUSTOMERS + 1):
        count = HEAVY_ACTIVITIES if n <= HEAVY_CUSTOMERS else light_each
        for _ in range(count):
            start = EPOCH + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
            staff_id, staff_name, store_id = rng.choice(STAFF)
            type_id = rng.choice(TYPES)
            activity = Activity(
                legal_entity="USRT",
                customer_id=_customer_id(n),
                activity_id=time_ordered_id(start),
                activity_type_id=type_id,
                activity_type_name=TYPE_NAMES[type_id],
                subject=f"{TYPE_NAMES[type_id]} about the new collection",
                start_time=instant_text(start),
                end_time=instant_text(start + dt.timedelta(minutes=30)),
                description="Tried on two pairs; call back when size 38 arrives.",
                purpose=None,
                outcome=None,
                staff_id=staff_id,
                staff_name=staff_name,
                store_id=store_id,
                recorded_at=instant_text(start),
            )
            yield (
                activity.customer_id,
                activity.start_time,
                activity.activity_id,
                type_id,
                dump(dataclasses.asdict(activity)),
            )


def _bulk_load(path: Path) -> None:
    """Customers and activities straight into the tables (the routes are what we measure)."""
    from shared.adapters.sqlite.json_columns import dump

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO customers(legal_entity, customer_id, body, etag, sort_name, search_text)"
        " VALUES ('USRT', ?, ?, 'bench', ?, ?)",
        (
            (
                _customer_id(n),
                dump({"customerId": _customer_id(n), "name": f"Bench {n}"}),
                f"bench {n}",
                f"bench {n}",
            )
            for n in range(1, CUSTOMERS + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO activities(legal_entity, customer_id, start_time, activity_id,"
        " activity_type_id, body) VALUES ('USRT', ?, ?, ?, ?, ?)",
        _activities(random.Random(42)),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _environment(workdir: Path, database: Path) -> None:
    os.environ.update(
        STORE_KIND="sqlite",
        SQLITE_PATH=str(database),
        AUTH_MODE="local",
        AUTH_LOCAL_KEY_DIR=str(workdir / "keys"),
        LOCAL_STATE_DIR=str(workdir),
    )
    from shared.composition import reset_services
    from shared.settings import reset_settings

    reset_settings()
    reset_services()


def _build(workdir: Path, database: Path) -> float:
    """Configure and publish headquarters data through the routes, then bulk-load."""
    from function_app import app
    from shared.adapters.identity.local_signing import LocalSigningKey
    from shared.composition import reset_services
    from tests.support.api_client import ApiClient
    from tests.support.world import World

    started = time.perf_counter()
    building = database.with_suffix(".building")
    for leftover in building.parent.glob(building.name + "*"):
        leftover.unlink()
    _environment(workdir, building)
    world = World(ApiClient(app), LocalSigningKey.load_or_create(workdir / "keys"))
    world.configure("USRT")
    world.publish()
    reset_services()
    _bulk_load(building)
    building.rename(database)
    return time.perf_counter() - started


def main() -> None:
    workdir = BENCH_DIR / "activities"
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / f"activities-v{DATASET_VERSION}-{_schema_fingerprint()}.db"
    built = None
    if not database.exists():
        for stale in workdir.glob("activities-v*.db*"):
            stale.unlink()
        print(f"building the data set in {database} (once; a few minutes)...")
        built = _build(workdir, database)
    copy = workdir / "run.db"  # writes of the run must not change the cached data set
    for leftover in workdir.glob("run.db*"):
        leftover.unlink()
    shutil.copyfile(database, copy)
    _environment(workdir, copy)
    results = _measure(workdir)
    print_table("Activities (embedded store)", results)
    size_mb = database.stat().st_size / 1e6
    print(
        f"\n- data set: {TOTAL_ACTIVITIES:,} activities, {CUSTOMERS:,} customers"
        f" ({HEAVY_CUSTOMERS} with {HEAVY_ACTIVITIES:,}), database {size_mb:,.0f} MB"
        + (f", built in {built:.0f} s" if built is not None else " (cached)")
        + f"; peak RSS {peak_rss_mb():.0f} MB"
    )
    from shared.composition import reset_services

    reset_services()
    for leftover in workdir.glob("run.db*"):
        leftover.unlink()


def _measure(workdir: Path) -> list[Result]:
    from function_app import app
    from shared.adapters.identity.local_signing import LocalSigningKey
    from tests.support.api_client import ApiClient

    key = LocalSigningKey.load_or_create(workdir / "keys")
    alice = ApiClient(app, key.mint("alice", name="Alice"))
    admin = ApiClient(app, key.mint("admin", name="Admin", roles=["Clienteling.Admin"]))
    rng = random.Random(7)

    def timeline(customer: str, **params: str) -> dict:
        reply = alice.get(f"/api/stores/S1/customers/{customer}/activities", params=params)
        assert reply.status == 200, reply
        return reply.json

    heavy = [_customer_id(n) for n in range(1, HEAVY_CUSTOMERS + 1)]
    light = [_customer_id(rng.randrange(HEAVY_CUSTOMERS + 1, CUSTOMERS + 1)) for _ in range(500)]
    deep_tokens = []
    for customer in heavy:  # a token 100 pages (5,000 activities) into the timeline
        token = None
        for _ in range(100):
            token = timeline(customer, **({"continuationToken": token} if token else {}))[
                "continuationToken"
            ]
        deep_tokens.append((customer, token))

    def record(i: int, with_key: bool) -> None:
        customer = light[i % len(light)] if i % 2 else heavy[i % len(heavy)]
        body = {
            "activityTypeId": TYPES[i % 3],
            "subject": f"Bench visit {i}",
            "startTime": "2025-06-01T10:00:00+02:00",
            "description": "Measured through the HTTP function.",
        }
        headers = {"Idempotency-Key": f"bench-{i}-{time.time_ns()}"} if with_key else {}
        reply = alice.post(
            f"/api/stores/S1/customers/{customer}/activities", json=body, headers=headers
        )
        assert reply.status == 201, reply

    return [
        measure(
            "timeline first page, 20,000-activity customer",
            lambda i: timeline(heavy[i % len(heavy)]),
            runs=500,
            target_p95_ms=15,
            note="50 activities",
        ),
        measure(
            "timeline first page, typical customer",
            lambda i: timeline(light[i % len(light)]),
            runs=500,
            target_p95_ms=15,
            note="18 activities",
        ),
        measure(
            "timeline page 101, 20,000-activity customer",
            lambda i: timeline(
                deep_tokens[i % len(deep_tokens)][0],
                continuationToken=deep_tokens[i % len(deep_tokens)][1],
            ),
            runs=300,
            target_p95_ms=15,
            note="keyset: as cheap as page 1",
        ),
        measure(
            "timeline by type, 20,000-activity customer",
            lambda i: timeline(heavy[i % len(heavy)], activityTypeId=TYPES[i % 3]),
            runs=300,
            target_p95_ms=15,
        ),
        measure(
            "upcoming, 20,000-activity customer",
            lambda i: timeline(heavy[i % len(heavy)], upcoming="true"),
            runs=300,
            target_p95_ms=15,
        ),
        measure(
            "headquarters timeline, 20,000-activity customer",
            lambda i: admin.get(f"/api/admin/USRT/customers/{heavy[i % len(heavy)]}/activities"),
            runs=300,
            target_p95_ms=15,
        ),
        measure(
            "record an activity",
            lambda i: record(i, with_key=False),
            runs=500,
            target_p95_ms=10,
        ),
        measure(
            "record an activity with Idempotency-Key",
            lambda i: record(100_000 + i, with_key=True),
            runs=500,
            target_p95_ms=10,
        ),
    ]
