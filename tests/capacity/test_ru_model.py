"""The estimator's figures, and the plan's fits and budget checks, on records made here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.capacity.plan import (
    BUDGETS,
    Profile,
    build_plan,
    check_budgets,
    choose_driver,
    linear_fit,
    route_mix,
)
from tests.capacity.ru_model import (
    MODEL,
    autoscale_max_for,
    autoscale_monthly,
    serverless_monthly,
)
from tests.capacity.scenario import Sample

KB = 1024


def record(operation: str, **values: Any) -> dict[str, Any]:
    base = {
        "container": "books",
        "operation": operation,
        "status": 200,
        "partitionKey": "USRT",
        "crossPartition": 0,
        "scanned": 0,
        "returned": 0,
        "indexTerms": 0,
        "bytesRead": 0,
        "bytesReturned": 0,
        "bytesWritten": 0,
        "writeOps": 0,
    }
    return {**base, **values}


def test_point_reads_cost_one_ru_per_kb_up_to_the_published_ten_at_100_kb() -> None:
    assert MODEL.request_units(record("read", bytesRead=300)) == pytest.approx(1.0)
    assert MODEL.request_units(record("read", bytesRead=100 * KB)) == pytest.approx(10.0)
    assert 1.0 < MODEL.request_units(record("read", bytesRead=10 * KB)) < 10.0


def test_writes_cost_by_size_and_a_batch_by_its_operations() -> None:
    assert MODEL.request_units(record("create", bytesWritten=KB, writeOps=1)) == 5.5
    assert MODEL.request_units(record("upsert", bytesWritten=2 * KB, writeOps=1)) == 11.0
    assert MODEL.request_units(record("delete", writeOps=1)) == 5.5
    ten = record("batch", bytesWritten=10 * 700, writeOps=10)
    assert MODEL.request_units(ten) == pytest.approx(55.0)


def test_a_query_costs_its_base_plus_what_it_loads_walks_and_returns() -> None:
    empty = MODEL.request_units(record("query"))
    assert empty == pytest.approx(2.3)
    thousand = MODEL.request_units(record("query", scanned=1000, bytesRead=1000 * KB))
    assert thousand == pytest.approx(2.3 + 37.0)
    counted = MODEL.request_units(record("query", indexTerms=10_000))
    assert counted == pytest.approx(2.3 + 20.0)
    fan_out = record("query", crossPartition=1)
    assert MODEL.request_units(fan_out, physical_partitions=4) == pytest.approx(4 * 2.3)
    assert MODEL.request_units(record("query"), physical_partitions=4) == pytest.approx(2.3)


def test_refused_requests_cost_little() -> None:
    assert MODEL.request_units(record("create", status=409, bytesWritten=KB)) == 1.0


def test_prices() -> None:
    assert serverless_monthly(4_000_000) == pytest.approx(1.0)
    assert autoscale_max_for(24_611) == 25_000
    assert autoscale_monthly(25_000) == pytest.approx(250 * 0.012 * 730)
    assert autoscale_monthly(100) == autoscale_monthly(1000)  # autoscale's smallest maximum


def test_a_linear_fit_finds_slope_and_intercept() -> None:
    a, b, r2 = linear_fit([1, 2, 3], [5, 7, 9])
    assert (a, b, r2) == pytest.approx((3.0, 2.0, 1.0))


SAMPLES = [Sample(1000, 200, 800), Sample(3000, 1000, 1500), Sample(8000, 2000, 5000)]


def test_the_driver_that_fits_best_is_chosen_and_flat_costs_are_constant() -> None:
    by_customers = [s.customers * 1.0 + 3 for s in SAMPLES]
    by_store_book = [s.store_book * 1.0 + 51 for s in SAMPLES]
    assert choose_driver(SAMPLES, by_customers).driver == "legal entity"
    assert choose_driver(SAMPLES, by_store_book).driver == "store book"
    assert choose_driver(SAMPLES, [4, 4, 5]).driver == "constant"


def test_the_mix_is_the_load_runs_and_sums_to_one() -> None:
    mix = route_mix()
    assert sum(mix.values()) == pytest.approx(1.0)
    assert set(mix) >= {"search", "book-page", "store-book", "details", "reassign"}


def routes_at(sample: Sample) -> dict[str, list[dict[str, Any]]]:
    """Records of a world where search loads every customer, the rest stays small."""
    point = record("read", container="customers", partitionKey="USRT:C1", bytesRead=800)
    page = record("query", scanned=51, bytesRead=51 * 700, bytesReturned=51 * 300)
    search = record(
        "query",
        container="customers",
        partitionKey=None,
        crossPartition=1,
        scanned=sample.customers,
        bytesRead=sample.customers * 800,
    )
    batch = record("batch", bytesWritten=10 * 700, writeOps=10)
    return {
        "details": [point],
        "timeline": [point],
        "book-page": [page],
        "store-book": [page],
        "search": [search],
        "add 10": [batch],
    }


def test_the_plan_extrapolates_each_route_and_names_the_broken_budgets() -> None:
    plan = build_plan({s: routes_at(s) for s in SAMPLES}, Profile())
    assert plan.routes["search"].scanned_fit.driver == "legal entity"
    assert plan.routes["book-page"].scanned_fit.driver == "constant"
    # 5 million customers of 800 bytes loaded: far above the 50 RU budget
    assert plan.route_ru["search"] > 100_000
    assert [b for b in plan.broken if "search" in b]
    assert not [b for b in plan.broken if "book-page" in b or "add" in b]
    assert plan.routes["add 10"].ru_fit.at(0) == pytest.approx(55.0)


def test_a_budget_holds_at_its_limit_and_breaks_above_it() -> None:
    assert check_budgets({"search": 50.0, "details": 5.0}, {}) == []
    broken = check_budgets({"search": 50.1}, {"books USRT": 3001.0})
    assert len(broken) == 2
    assert "search costs 50.1 RU" in broken[0] and "walks the legal entity" in broken[0]
    assert "books USRT takes 3,001 RU/s" in broken[1]
    assert {b.name for b in BUDGETS} >= {"add of 10 customers", "POS read of one customer"}
