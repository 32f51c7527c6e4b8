"""Client book on the embedded store: p50/p95 per POS operation through the HTTP functions.

Run with `make bench BENCH=client_book`. The data set (see client_book_data) is built on
first run in a child process, so the peak memory printed is that of serving, and cached
under .local/bench/ keyed by its version; later runs start measuring at once.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from shared.composition import reset_services, services
from shared.settings import reset_settings
from tests.bench import client_book_data as data
from tests.bench.embedded_app import bench_world, use_embedded_store
from tests.bench.measure import Result, measure, peak_rss_mb, print_table
from tests.support.api_client import ApiClient, Reply
from tests.support.world import World

BENCH_DIR = Path(".local/bench")
RUNS = 200


def _configure_environment() -> None:
    use_embedded_store(data.data_file(BENCH_DIR), BENCH_DIR)


def _world() -> World:
    return bench_world(BENCH_DIR)


def build_data_set() -> None:
    """Child-process entry: build the cached data file (into a temporary name first)."""
    _configure_environment()
    target = data.data_file(BENCH_DIR)
    partial = target.with_suffix(".building")
    for leftover in BENCH_DIR.glob(partial.name + "*"):
        leftover.unlink()
    os.environ["SQLITE_PATH"] = str(partial)
    reset_settings()
    reset_services()
    started = time.perf_counter()
    data.build(_world(), services().storage)
    reset_services()
    partial.rename(target)
    print(f"built {target} in {time.perf_counter() - started:.0f} s", flush=True)


def _ensure_data_set() -> None:
    target = data.data_file(BENCH_DIR)
    if target.exists():
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    print(f"building the data set (once) into {target} ...", flush=True)
    subprocess.run([sys.executable, "-m", "tests.bench.bench_client_book", "--build"], check=True)


def _ok(reply: Reply, status: int = 200) -> Any:
    if reply.status != status:
        raise RuntimeError(f"unexpected reply {reply}")
    return reply.json


def _runs(world: World) -> list[Result]:
    owner = world.as_staff(data.FOCUS_OWNERS[0])
    small = world.as_staff(data.staff_id(21))  # a book of ~40 in store S003
    store = data.FOCUS_STORE
    mine = f"/api/stores/{store}/client-book/customers"
    store_book = f"/api/stores/{store}/store-client-book/customers"
    searches = itertools.cycle(["anna", "müller", "jo", "ngozi kelly", "555 0042", "zoe smi"])
    two_refiners = [("refine", "favoriteCategory:Shoes"), ("refine", "vip:true")]
    total = _ok(owner.get(store_book, params={"pageSize": 1}))["totalCount"]
    assert total == 20_000, total
    first = _ok(owner.get(store_book))
    token = first["continuationToken"]
    results = [
        measure(
            "my book (2,000): first page + refiners",
            lambda i: _ok(owner.get(mine)),
            RUNS,
            target_p95_ms=25,
        ),
        measure(
            "my book: search + two refiners",
            lambda i: _ok(owner.get(mine, params=[("search", "an"), *two_refiners])),
            RUNS,
        ),
        measure(
            "store book (20,000): first page + refiners",
            lambda i: _ok(owner.get(store_book)),
            RUNS,
            target_p95_ms=150,
        ),
        measure(
            "store book: filtered by two refiners",
            lambda i: _ok(owner.get(store_book, params=two_refiners)),
            RUNS,
            target_p95_ms=100,
        ),
        measure(
            "store book: range + upcoming 30 days",
            lambda i: _ok(
                owner.get(store_book, params={"lifetimeValue.min": "10000", "upcoming": "30"})
            ),
            RUNS,
        ),
        measure(
            "store book: broad search ('an'), first page + refiners",
            lambda i: _ok(owner.get(store_book, params={"search": "an"})),
            RUNS,
        ),
        measure(
            "store book: next page (continuation)",
            lambda i: _ok(owner.get(store_book, params={"continuationToken": token})),
            RUNS,
        ),
        measure(
            "customer search (5,000 in the store's address book)",
            lambda i: _ok(
                owner.get(f"/api/stores/{store}/customers", params={"search": next(searches)})
            ),
            RUNS,
            target_p95_ms=50,
        ),
        measure(
            "customer details",
            lambda i: _ok(owner.get(f"/api/stores/{store}/customers/{data.customer_id(1 + i)}")),
            RUNS,
        ),
    ]
    results += _change_runs(world, small, owner)
    return results


def _change_runs(world: World, small: ApiClient, manager: ApiClient) -> list[Result]:
    store = "S003"
    free = data.FREE_CUSTOMERS_FROM + 1000  # customers in no book, 10 per run

    def batch(i: int) -> list[str]:
        return [data.customer_id(free + i * 10 + k) for k in range(10)]

    add_path = f"/api/stores/{store}/client-book/customers"
    results = [
        measure(
            "add 10 customers",
            lambda i: _ok(small.post(add_path, json={"customerIds": batch(i)})),
            RUNS,
            target_p95_ms=15,
        ),
        measure(
            "remove 10 customers",
            lambda i: _ok(small.post(f"{add_path}/remove", json={"customerIds": batch(i)})),
            RUNS,
            target_p95_ms=15,
        ),
    ]
    # Reassign ten of A0002's customers to A0003 and back, as S001's manager A0001.
    moving = [data.customer_id(data.FOCUS_BOOK_SIZE + 1 + k) for k in range(10)]
    targets = itertools.cycle([data.FOCUS_OWNERS[2], data.FOCUS_OWNERS[1]])
    reassign = f"/api/stores/{data.FOCUS_STORE}/store-client-book/reassign"
    results.append(
        measure(
            "reassign 10 customers",
            lambda i: _ok(
                manager.post(reassign, json={"customerIds": moving, "toStaffId": next(targets)})
            ),
            RUNS,
            target_p95_ms=15,
        )
    )
    return results


def main() -> None:
    _ensure_data_set()
    _configure_environment()
    world = _world()
    results = _runs(world)
    print_table("Client book (embedded store)", results)
    rss = peak_rss_mb()
    print(f"\npeak RSS: {rss:.0f} MB (target 400 MB) {'ok' if rss <= 400 else 'MISSED'}")
    reset_services()


if __name__ == "__main__":
    if sys.argv[1:] == ["--build"]:
        build_data_set()
    else:
        main()
