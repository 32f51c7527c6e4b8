"""The arithmetic behind the Flex Consumption cost figures of docs/performance.md."""

from __future__ import annotations

import os
import time

from tests.bench.flex_cost import (
    INSTANCE_GB,
    READ_MIX,
    Row,
    parse_level,
    process_cpu_seconds,
    table,
)


def _row(**overrides: float) -> Row:
    values = dict(concurrency=8, threads=8, requests=1000, seconds=10.0, cpu_seconds=5.0)
    values |= dict(p50_ms=30.0, p95_ms=60.0, other_cpu_share=0.4, cosmos_requests=4000)
    values |= dict(load_average=1.5, machine_busy=0.6)
    return Row(**(values | overrides))


def test_cpu_per_request_and_the_cpu_bound_limit() -> None:
    row = _row()

    assert row.per_second == 100
    assert row.cpu_ms == 5.0
    assert row.cpu_bound_limit == 200  # one core doing nothing but this app's work
    assert row.share_of_limit == 0.5


def test_an_instance_kept_busy_bills_one_second_per_second_of_serving() -> None:
    row = _row()

    assert row.instance_seconds_per_million == 10_000  # 1,000,000 requests at 100 per second
    assert INSTANCE_GB == 2.0
    assert "| 10,000 | 20,000 | 4.0 |" in table([row])  # GB-s: 2 GB x instance-seconds


def test_a_level_is_clients_and_threads() -> None:
    assert parse_level("8") == (8, 8)
    assert parse_level("16:5") == (16, 5)


def test_the_read_mix_is_the_load_runs_reads_and_no_write() -> None:
    assert set(READ_MIX) == {"book-page", "store-book", "search", "details", "timeline"}
    assert READ_MIX["book-page"] == 18  # the weights of tests/load/workload.py


def test_process_cpu_time_counts_this_process_work() -> None:
    before = process_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass

    assert process_cpu_seconds(os.getpid()) - before >= 0.2
