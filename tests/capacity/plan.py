"""From per-route costs at sample sizes to the retailer profile: fits, RU/s, cost, budgets.

Each route's scanned items (documents loaded plus index entries walked) are fitted against
each size driver (my book, the store client book, the legal entity's customers) by least
squares; a route whose scanned items do not move is constant, otherwise the driver that fits
best is the one it grows with. The route's RU are fitted against that driver and read at the
profile's size. Queries that fan out over physical partitions pay their base once more per
physical partition the profile's container needs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.capacity.ru_model import (
    MODEL,
    PRICES,
    CostModel,
    Prices,
    autoscale_max_for,
    autoscale_monthly,
    autoscale_monthly_typical,
    serverless_monthly,
)
from tests.capacity.scenario import Sample
from tests.load.workload import ASSOCIATE_MIX, HOT_CUSTOMERS, RETRY_SHARE

Records = list[dict[str, Any]]
PARTITION_RU_PER_SECOND = 10_000.0
PARTITION_STORAGE_GB = 20.0
PHYSICAL_PARTITION_GB = 50.0
# Containers whose logical partition is one customer (or one idempotency key): a route's load
# on one of them is one customer's share of the traffic, not the whole rate.
PER_KEY_CONTAINERS = frozenset({"customers", "activities", "idempotency"})
# `books` holds one logical partition per book (`<legalEntity>:<owner>`) beside the legal
# entity's own (`<legalEntity>`: holder registry, counters, tombstones). Each associate works
# their own book, so a book's partition carries one associate's share of the traffic; the
# load run's 50 associates are the profile's busiest (the other 19,950 are idle in the mix),
# so a book's share is 1/50 of the associates' routes: far above an average associate's.
BOOK_CONTAINER = "books"
ASSOCIATES_IN_LOAD = 50
# The published version is checked once per interval and instance (PUBLISHED_VERSION_CHECK_
# SECONDS, 5 as Bicep deploys it), not per request. Instances at the peak: `make flex-cost`
# served 141 POS reads/s on one instance, so 300 requests/s need three; 20 leaves room for
# the platform scaling out early.
DEPLOYED_VERSION_CHECK_SECONDS = 5
INSTANCES_AT_PEAK = 20
VERSION_CHECKS_PER_SECOND = INSTANCES_AT_PEAK / DEPLOYED_VERSION_CHECK_SECONDS
PUBLISHED_PARTITION = "published _meta"


@dataclass(frozen=True)
class Profile:
    stores: int = 1_000
    associates: int = 20_000
    customers: int = 5_000_000
    memberships: int = 1_000_000
    store_book: int = 20_000
    my_book: int = 2_000
    peak_requests_per_second: float = 300.0
    busy_hours_share: float = 0.25  # hours at the peak; the rest at autoscale's 10 %
    requests_per_month: float = 300.0 * 3600 * 12 * 30 * 0.25  # peak for a quarter of 12 h days

    def drivers(self) -> dict[str, float]:
        return {
            "my book": float(self.my_book),
            "store book": float(self.store_book),
            "legal entity": float(self.customers),
        }


PROFILE = Profile()


@dataclass(frozen=True)
class Budget:
    name: str
    routes: tuple[str, ...]
    limit_ru: float
    why_broken: str = ""


BUDGETS = (
    Budget(
        "POS read of one customer",
        ("details", "timeline"),
        5.0,
        "the customer's read, its holders (a query of at least 2.3 RU) and its consent leave"
        " no room for more",
    ),
    Budget(
        "my book first page with refiners (2,000 customers)",
        ("book-page",),
        50.0,
        "the refiners read every membership of the book (one row each, folded in the process)",
    ),
    Budget(
        "store client book first page with refiners (20,000)",
        ("store-book",),
        200.0,
        "the refiners read every membership of the store's books, 20,000 rows per first page",
    ),
    Budget(
        "customer search, any legal entity size",
        ("search",),
        50.0,
        "a fan-out ORDER BY sortName with CONTAINS walks the legal entity's customers in name"
        " order until a page is found: a rare word loads them all",
    ),
    Budget(
        "add of 10 customers",
        ("add 10",),
        150.0,
        "besides its batch it queries the book's memberships, counts the book, and fans out over"
        " the customers container for their cards",
    ),
)
HOT_PARTITION_SHARE = 0.30


def route_mix() -> dict[str, float]:
    """Share of POS requests per route in `make load` (50 associates, 2 managers)."""
    associates, managers = 50, 2
    weights = {k: float(v) for k, v in ASSOCIATE_MIX.items()}
    weights["activity replay"] = weights["activity"] * RETRY_SHARE
    total = sum(weights.values())
    share = {k: v / total * associates / (associates + managers) for k, v in weights.items()}
    for name in ("reassign", "store-book"):
        share[name] = share.get(name, 0.0) + 0.5 * managers / (associates + managers)
    return share


# -- fits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    driver: str  # "constant" or one of the drivers
    intercept: float
    slope: float
    r2: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x: (a, b, r²)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return my, 0.0, 1.0
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1.0 if ss_tot == 0 else 1.0 - ss_res / ss_tot


def choose_driver(samples: Sequence[Sample], scanned: Sequence[float]) -> Fit:
    """Constant when scanned items hardly move; else the driver that fits them best."""
    low, high = min(scanned), max(scanned)
    if high - low <= max(2.0, 0.05 * high):
        return Fit("constant", sum(scanned) / len(scanned), 0.0, 1.0)
    best: Fit | None = None
    for driver in samples[0].drivers():
        xs = [s.drivers()[driver] for s in samples]
        a, b, r2 = linear_fit(xs, scanned)
        if best is None or r2 > best.r2 + 1e-9:
            best = Fit(driver, a, b, r2)
    assert best is not None
    return best


def fit_against(samples: Sequence[Sample], driver: str, ys: Sequence[float]) -> Fit:
    if driver == "constant":
        return Fit("constant", max(ys), 0.0, 1.0)  # the largest seen: noise never helps
    xs = [s.drivers()[driver] for s in samples]
    a, b, r2 = linear_fit(xs, ys)
    return Fit(driver, a, b, r2)


# -- the plan --------------------------------------------------------------------------------


def scanned_items(records: Records) -> float:
    return float(sum(r["scanned"] + r["indexTerms"] for r in records))


def partition_of(record: Mapping[str, Any]) -> str:
    container = record["container"]
    if record.get("crossPartition"):
        return f"{container} (fan-out)"
    if container in PER_KEY_CONTAINERS:
        return f"{container} (one customer)"
    if container == BOOK_CONTAINER and ":" in str(record.get("partitionKey")):
        return f"{container} (one book)"
    return f"{container} {record.get('partitionKey')}"


@dataclass
class RoutePlan:
    name: str
    scanned: list[float]
    scanned_fit: Fit
    ru_samples: list[float]
    ru_fit: Fit
    fan_out_queries: int
    ru_by_partition: dict[str, float] = field(default_factory=dict)  # at the profile

    def ru_at(self, profile: Profile, physical_partitions: int, model: CostModel) -> float:
        x = profile.drivers().get(self.ru_fit.driver, 0.0)
        extra = self.fan_out_queries * model.query_base_ru * (physical_partitions - 1)
        return self.ru_fit.at(x) + extra


@dataclass
class Plan:
    profile: Profile
    samples: list[Sample]
    routes: dict[str, RoutePlan]
    physical_partitions: int
    route_ru: dict[str, float]
    rates: dict[str, float]
    container_rus: dict[str, float]
    partition_rus: dict[str, float]
    peak_rus: float
    autoscale_max: int
    serverless_month: float
    autoscale_month_max: float
    autoscale_month_typical: float
    membership_partition_gb: float
    audit_gb_per_month: float
    broken: list[str]
    peak_within_budgets: float = 0.0  # RU/s with every broken route held to its budget

    def legal_entity_partition(self) -> tuple[str, float]:
        """The busiest client book partition and its RU/s at peak (the legal entity's, or a
        book's if that were busier)."""
        found = [(k, v) for k, v in self.partition_rus.items() if k.startswith("books ")]
        return max(found, key=lambda kv: kv[1]) if found else ("books", 0.0)

    def peak_at_partition_share(self, share: float) -> float:
        """POS requests/s at which the legal entity's partition reaches `share` of 10,000."""
        _, rus = self.legal_entity_partition()
        per_request = rus / self.profile.peak_requests_per_second
        return share * PARTITION_RU_PER_SECOND / per_request if per_request else math.inf

    def months_to_partition_limit(self) -> float:
        """Months until the busiest book's partition is full: its 20,000 memberships of
        ~700 bytes plus its share of the audit (moves into it)."""
        room = PARTITION_STORAGE_GB - self.profile.store_book * 700 / 1e9
        per_book = self.audit_gb_per_month / ASSOCIATES_IN_LOAD
        return room / per_book if per_book else math.inf


def build_plan(
    measured: Mapping[Sample, Mapping[str, Records]],
    profile: Profile = PROFILE,
    model: CostModel = MODEL,
    prices: Prices = PRICES,
    customer_bytes: float = 800.0,
    holder_bytes: float = 350.0,
    audit_bytes: float = 500.0,
    published_version_bytes: float = 224.0,
) -> Plan:
    samples = sorted(measured, key=lambda s: s.customers)
    names = list(measured[samples[0]])
    plans: dict[str, RoutePlan] = {}
    for name in names:
        per_sample = [measured[s][name] for s in samples]
        scanned = [scanned_items(r) for r in per_sample]
        driver = choose_driver(samples, scanned)
        rus = [sum(model.request_units(r) for r in recs) for recs in per_sample]
        fan_out = sum(1 for r in per_sample[-1] if r.get("crossPartition"))
        plan = RoutePlan(
            name, scanned, driver, rus, fit_against(samples, driver.driver, rus), fan_out
        )
        parts: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(samples))
        for index, recs in enumerate(per_sample):
            for r in recs:
                parts[partition_of(r)][index] += model.request_units(r)
        x = profile.drivers().get(driver.driver, 0.0)
        for part, ys in parts.items():
            plan.ru_by_partition[part] = max(fit_against(samples, driver.driver, ys).at(x), 0.0)
        plans[name] = plan

    rates = {k: v * profile.peak_requests_per_second for k, v in route_mix().items()}
    partitions = customer_partitions(plans, rates, profile, model, customer_bytes)
    route_ru = {n: p.ru_at(profile, partitions, model) for n, p in plans.items()}
    container_rus: dict[str, float] = defaultdict(float)
    partition_rus: dict[str, float] = defaultdict(float)
    for n, p in plans.items():
        rate = rates.get(n, 0.0)
        fan_out_extra = p.fan_out_queries * model.query_base_ru * (partitions - 1)
        for part, ru in p.ru_by_partition.items():
            container = part.split(" ")[0]
            extra = fan_out_extra if part.endswith("(fan-out)") else 0.0
            container_rus[container] += rate * (ru + extra)
            if part.endswith("(fan-out)"):
                continue  # spread over every physical partition
            share = 1.0 / HOT_CUSTOMERS if part.endswith("(one customer)") else 1.0
            if part.endswith("(one book)"):
                share = 1.0 / ASSOCIATES_IN_LOAD
            partition_rus[part] += rate * ru * share
    version_checks = VERSION_CHECKS_PER_SECOND * model.point_read(published_version_bytes)
    container_rus[PUBLISHED_PARTITION.split(" ")[0]] += version_checks
    partition_rus[PUBLISHED_PARTITION] += version_checks
    peak = sum(container_rus.values())
    caps = {route: budget.limit_ru for budget in BUDGETS for route in budget.routes}
    within = sum(
        rates.get(n, 0.0) * (min(ru, caps[n]) if n in caps else ru) for n, ru in route_ru.items()
    )
    autoscale_max = autoscale_max_for(peak)
    ru_month = sum(route_ru.get(n, 0.0) * share for n, share in route_mix().items()) * (
        profile.requests_per_month
    )
    broken = check_budgets(route_ru, partition_rus)
    return Plan(
        profile,
        samples,
        plans,
        partitions,
        route_ru,
        rates,
        dict(container_rus),
        dict(partition_rus),
        peak,
        autoscale_max,
        serverless_monthly(ru_month, prices),
        autoscale_monthly(autoscale_max, prices),
        autoscale_monthly_typical(autoscale_max, profile.busy_hours_share, prices),
        # the legal entity's partition holds one holder entry per membership (audit entries
        # sit in the books' partitions)
        profile.memberships * holder_bytes / 1e9,
        # a reassign audits each customer it moves (one per reassign in the mix); audit
        # entries are kept, in the partition of the book they moved a customer into
        rates.get("reassign", 0.0)
        * profile.requests_per_month
        / profile.peak_requests_per_second
        * audit_bytes
        / 1e9,
        broken,
        within,
    )


def customer_partitions(
    plans: Mapping[str, RoutePlan],
    rates: Mapping[str, float],
    profile: Profile,
    model: CostModel,
    customer_bytes: float,
) -> int:
    """Physical partitions of the customers container at the profile: by storage (50 GB each)
    and by the RU/s its peak asks (10,000 RU/s each). The throughput counted is that of the
    routes held to their budgets: sized for a broken route, the container would multiply every
    fan-out query's base by hundreds of partitions, and the plan would blame the other routes
    for what the broken one costs. Two rounds settle the fan-out share."""
    caps = {route: budget.limit_ru for budget in BUDGETS for route in budget.routes}
    by_storage = math.ceil(profile.customers * customer_bytes / 1e9 / PHYSICAL_PARTITION_GB)
    partitions = max(1, by_storage)
    for _ in range(2):
        rus = 0.0
        for name, plan in plans.items():
            whole = plan.ru_at(profile, partitions, model)
            scale = min(1.0, caps[name] / whole) if name in caps and whole > 0 else 1.0
            extra = plan.fan_out_queries * model.query_base_ru * (partitions - 1)
            part = sum(v for k, v in plan.ru_by_partition.items() if k.startswith("customers"))
            rus += rates.get(name, 0.0) * (part + extra) * scale
        partitions = max(partitions, math.ceil(rus / PARTITION_RU_PER_SECOND))
    return partitions


def check_budgets(route_ru: Mapping[str, float], partition_rus: Mapping[str, float]) -> list[str]:
    """Every broken budget, saying by how much and why."""
    broken = []
    for budget in BUDGETS:
        for route in budget.routes:
            ru = route_ru.get(route)
            if ru is not None and ru > budget.limit_ru:
                why = f": {budget.why_broken}" if budget.why_broken else ""
                broken.append(
                    f"{budget.name} ≤ {budget.limit_ru:g} RU: {route} costs {ru:,.1f} RU{why}"
                )
    limit = HOT_PARTITION_SHARE * PARTITION_RU_PER_SECOND
    for part, rus in sorted(partition_rus.items(), key=lambda kv: -kv[1]):
        if rus > limit:
            broken.append(
                f"no logical partition above {HOT_PARTITION_SHARE:.0%} of 10,000 RU/s:"
                f" {part} takes {rus:,.0f} RU/s at peak ({rus / PARTITION_RU_PER_SECOND:.0%})"
            )
    return broken


# -- the report ------------------------------------------------------------------------------


def report(plan: Plan) -> str:
    p = plan.profile
    within_max = autoscale_max_for(plan.peak_within_budgets)
    lines = [
        f"Profile: {p.stores:,} stores, {p.associates:,} associates, {p.customers:,} customers,"
        f" {p.memberships:,} memberships, a {p.store_book:,}-customer store client book,"
        f" my book {p.my_book:,}, peak {p.peak_requests_per_second:g} POS requests/s"
        " in the mix of make load.",
        "",
        "Fit of scanned items (documents loaded + index entries walked) per route:",
        "  route            samples (customers/my book/store book): scanned   ->  grows with",
    ]
    sizes = ", ".join(f"{s.customers}/{s.my_book}/{s.store_book}" for s in plan.samples)
    lines.append(f"  samples: {sizes}")
    for name, r in plan.routes.items():
        scanned = " ".join(f"{v:>8,.0f}" for v in r.scanned)
        fit = r.scanned_fit
        grows = (
            "constant"
            if fit.driver == "constant"
            else f"{fit.driver}: {fit.intercept:,.1f} + {fit.slope:.3f}·x (r²={fit.r2:.3f})"
        )
        lines.append(f"  {name:<16} {scanned}   ->  {grows}")
    lines += [
        "",
        f"RU per route (samples, then the profile; fan-out queries reach"
        f" {plan.physical_partitions} physical partition(s) of customers):",
        f"  {'route':<16} {'samples':>26} {'profile RU':>12} {'req/s':>7} {'RU/s':>9}",
    ]
    for name, r in plan.routes.items():
        samples = " ".join(f"{v:>8.1f}" for v in r.ru_samples)
        rate = plan.rates.get(name, 0.0)
        ru = plan.route_ru[name]
        lines.append(f"  {name:<16} {samples:>26} {ru:>12,.1f} {rate:>7.1f} {rate * ru:>9,.0f}")
    lines += ["", "RU/s at peak per container:"]
    for container, rus in sorted(plan.container_rus.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {container:<14} {rus:>12,.0f}")
    lines.append(f"  {'total':<14} {plan.peak_rus:>12,.0f}")
    lines += ["", "Hottest logical partitions at peak (limit 10,000 RU/s each; budget 30 %):"]
    for part, rus in sorted(plan.partition_rus.items(), key=lambda kv: -kv[1])[:5]:
        lines.append(f"  {part:<34} {rus:>10,.0f} RU/s  {rus / PARTITION_RU_PER_SECOND:>6.1%}")
    name, rus = plan.legal_entity_partition()
    lines += [
        f"  {name} reaches 30 % of a partition at {plan.peak_at_partition_share(0.3):,.0f}"
        f" POS requests/s and throttles at {plan.peak_at_partition_share(1.0):,.0f}",
        f"  it holds ~{plan.membership_partition_gb:.2f} GB of holder entries of its"
        f" {PARTITION_STORAGE_GB:g} GB; store-level audit (~{plan.audit_gb_per_month:.2f} GB a"
        " month) goes to the books' partitions: a book as busy as the load run's busiest is"
        f" full in ~{plan.months_to_partition_limit() / 12:,.0f} years",
    ]
    lines += [
        "",
        "Monthly cost (list prices, tests/capacity/ru_model.py; storage not included):",
        f"  serverless: ${plan.serverless_month:,.0f}  (RU used in a month; serverless caps a"
        " container at 5,000 RU/s below 250 GB, so this peak does not fit serverless)"
        if plan.peak_rus > 5000
        else f"  serverless: ${plan.serverless_month:,.0f}",
        f"  autoscale, max {plan.autoscale_max:,} RU/s: ${plan.autoscale_month_max:,.0f} at most"
        f" (every hour at the max), ~${plan.autoscale_month_typical:,.0f} with"
        f" {p.busy_hours_share:.0%} of hours at the peak",
        f"  with every route held to its budget: peak {plan.peak_within_budgets:,.0f} RU/s,"
        f" autoscale max {within_max:,} RU/s: ${autoscale_monthly(within_max):,.0f} at most,"
        f" ~${autoscale_monthly_typical(within_max, p.busy_hours_share):,.0f} typical",
        "",
    ]
    if plan.broken:
        lines.append("BUDGETS BROKEN:")
        lines += [f"  - {b}" for b in plan.broken]
    else:
        lines.append("Every budget holds.")
    return "\n".join(lines)
