"""Follow-ups on the embedded store: generation at scale, then the worklist and completion.

Run with `make bench BENCH=followups`. Data set: 1 legal entity, 200 stores, 2,000
associates, 500,000 customers (the client book benchmark's), of which 100,000 are in books:
50 per associate. Rules: keep in touch (30 days without a visit or call: nobody has been
contacted, so every customer in a book matches once), birthdays 14 days ahead, welcome.

1. Generation runs in a child process over a fresh copy of the data set, so its time and
   peak memory are its own (target: under 60 s and 400 MB). A second run shows a rerun.
2. The worklist's first page with bucket counts, and a completion recording an activity,
   through the HTTP functions in process (targets: p95 <= 10 ms each).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.composition import reset_services, services
from tests.bench import client_book_data as data
from tests.bench.embedded_app import bench_world, use_embedded_store
from tests.bench.measure import Result, measure, peak_rss_mb, print_table
from tests.support.api_client import ApiClient
from tests.support.world import World

BENCH_DIR = Path(".local/bench/followups")
DATA_SET_VERSION = 1
BOOK_SIZE = 50
ASSOCIATES = data.STORES * data.STAFF_PER_STORE  # 2,000
RUNS = 300
RULES = {
    "KEEP_IN_TOUCH": {
        "name": "Keep in touch",
        "kind": "keep-in-touch",
        "days": 30,
        "activityTypeIds": ["VISIT", "CALL"],
        "expiresAfterDays": 60,
    },
    "BIRTHDAYS": {
        "name": "Birthdays",
        "kind": "important-date",
        "dateField": "birthday",
        "days": 14,
    },
    "WELCOME": {"name": "Welcome", "kind": "welcome", "days": 3},
}


def _data_file() -> Path:
    return BENCH_DIR / f"followups-v{DATA_SET_VERSION}.db"


def _environment(database: Path) -> None:
    use_embedded_store(database, BENCH_DIR)


def _world() -> World:
    return bench_world(BENCH_DIR)


def build_data_set() -> None:
    """Child-process entry: headquarters data through the routes, customers by SQL, 50 per
    book through the repository, the rules published by job 1110."""
    target = _data_file()
    partial = target.with_suffix(".building")
    for leftover in BENCH_DIR.glob(partial.name + "*"):
        leftover.unlink()
    _environment(partial)
    started = time.perf_counter()
    world = _world()
    base = f"/api/admin/{data.LEGAL_ENTITY}"
    admin = world.admin
    world.ok(admin.put(f"{base}/attribute-groups/CLIENTBOOK", json=data.ATTRIBUTE_GROUP))
    world.ok(admin.put(f"{base}/parameters", json={"attributeGroupId": "CLIENTBOOK"}))
    for type_id, name in (("VISIT", "Store visit"), ("CALL", "Phone call")):
        world.ok(admin.put(f"{base}/activity-types/{type_id}", json={"name": name}))
    world.import_records(
        data.LEGAL_ENTITY,
        "permission-sets",
        [
            {"permissionSetId": "associate", "name": "Associate", "operations": data.ASSOCIATE},
            {"permissionSetId": "manager", "name": "Store manager", "operations": data.MANAGER},
        ],
    )
    world.import_records(data.LEGAL_ENTITY, "stores", data.stores())
    world.import_records(data.LEGAL_ENTITY, "staff", data.staff())
    for rule_id, rule in RULES.items():
        world.ok(admin.put(f"{base}/followup-rules/{rule_id}", json=rule))
    world.publish()
    storage = services().storage
    data._insert_customers(storage)
    for n in range(1, ASSOCIATES + 1):
        first = (n - 1) * BOOK_SIZE + 1
        ids = [data.customer_id(c) for c in range(first, first + BOOK_SIZE)]
        storage.client_books.add_to_book(
            data.LEGAL_ENTITY,
            data.staff_id(n),
            ids,
            True,
            lambda c: f"CB-{c:06d}",
            "2025-01-01T00:00:00Z",
        )
    storage.db.connection().execute("ANALYZE")
    storage.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    reset_services()
    partial.rename(target)
    print(f"built {target} in {time.perf_counter() - started:.0f} s", flush=True)


def generate(database: str) -> None:
    """Child-process entry: two generation runs; prints their figures as JSON."""
    _environment(Path(database))
    generation = services().followup_generation
    figures = []
    for _ in range(2):
        started = time.perf_counter()
        run = generation.run(data.LEGAL_ENTITY, "bench")
        figures.append(
            {
                "status": run.status,
                "seconds": round(time.perf_counter() - started, 1),
                "created": sum(run.created.values()),
                "matched": sum(run.matched.values()),
                "error": run.error,
            }
        )
    figures.append({"peakRssMb": round(peak_rss_mb())})
    services().storage.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    reset_services()
    print(json.dumps(figures), flush=True)


def _child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_followups", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not _data_file().exists():
        print(f"building the data set (once) into {_data_file()} ...", flush=True)
        print(_child("--build"))
    run_copy = BENCH_DIR / "run.db"
    for leftover in BENCH_DIR.glob("run.db*"):
        leftover.unlink()
    shutil.copyfile(_data_file(), run_copy)
    first, rerun, memory = json.loads(_child("--generate", str(run_copy)))
    _environment(run_copy)
    results = _measure()
    print_table("Follow-ups (embedded store)", results)
    print(
        f"\n- generation over {data.CUSTOMERS:,} customers, {ASSOCIATES * BOOK_SIZE:,} in"
        f" books: {first['seconds']} s, {first['created']:,} follow-ups made (target < 60 s);"
        f" rerun {rerun['seconds']} s, {rerun['created']} made, {rerun['matched']:,} matched;"
        f" peak RSS of the generating process {memory['peakRssMb']} MB (target < 400 MB)"
    )
    print(f"- serving process peak RSS {peak_rss_mb():.0f} MB")
    reset_services()
    for leftover in BENCH_DIR.glob("run.db*"):
        leftover.unlink()


def _measure() -> list[Result]:
    import function_app

    key = LocalSigningKey.load_or_create(BENCH_DIR / "keys")
    rng = random.Random(7)
    associates = rng.sample(range(1, ASSOCIATES + 1), 400)
    clients = {
        n: ApiClient(function_app.app, key.mint(data.staff_id(n), name=f"Associate {n}"))
        for n in associates
    }

    def store_of(n: int) -> str:
        return data.store_id((n - 1) // data.STAFF_PER_STORE + 1)

    def first_page(n: int) -> dict[str, Any]:
        reply = clients[n].get(f"/api/stores/{store_of(n)}/followups")
        assert reply.status == 200, reply
        return reply.json

    page = first_page(associates[0])
    assert len(page["followups"]) == BOOK_SIZE, len(page["followups"])
    # Work to complete: the first items of each sampled associate's worklist.
    todo = [(n, f) for n in associates for f in first_page(n)["followups"][:2]]
    rng.shuffle(todo)

    def complete(i: int) -> None:
        n, item = todo[i]
        reply = clients[n].post(
            f"/api/stores/{store_of(n)}/followups/{item['followupId']}/complete",
            json={
                "outcome": "reached",
                "activity": {"activityTypeId": "CALL", "description": "Caught up by phone"},
            },
            headers={"If-Match": item["etag"], "Idempotency-Key": f"bench-{i}"},
        )
        assert reply.status == 200, reply

    return [
        measure(
            "my follow-ups: first page with bucket counts",
            lambda i: first_page(associates[i % len(associates)]),
            runs=RUNS,
            target_p95_ms=10,
            note=f"{BOOK_SIZE} follow-ups with cards",
        ),
        measure(
            "complete with an activity (Idempotency-Key)",
            complete,
            runs=min(RUNS, len(todo) - 10),
            target_p95_ms=10,
            note="activity + follow-up",
        ),
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        build_data_set()
    elif sys.argv[1:2] == ["--generate"]:
        generate(sys.argv[2])
    else:
        main()
