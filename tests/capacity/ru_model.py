"""Request units (RU) from what the local Cosmos DB server metered, by the published cost model.

The local server (tests/cosmos/server.js) has no RU charges of its own; it reports per request
the documents a query loaded (what Cosmos DB's index would leave to load), the index entries it
walked, the items returned and the bytes read and written. This module turns those into RU.
It lives with the capacity tooling, not in `shared/`: nothing in production reads it, and its
figures are estimates to be checked against a real account (docs/cosmos-scale.md).

The figures and where they come from:

- Point read: 1 RU for an item up to 1 KB, 10 RU at 100 KB, linear between ("Optimize request
  cost in Azure Cosmos DB", learn.microsoft.com/azure/cosmos-db/optimize-cost-reads-writes;
  "Request units", learn.microsoft.com/azure/cosmos-db/request-units).
- Write (create, upsert, replace, patch, delete, and each operation of a transactional batch):
  about 5.5 RU for 1 KB with every path indexed, growing with size. The documentation gives no
  exact figure, only that writes cost more with size and with indexed paths (the same pages);
  5.5 RU/KB is the figure the Azure capacity planner uses for a 1 KB item with automatic
  indexing. A patch is charged as a write of the whole item it leaves.
- Query: the documentation names the factors (documents loaded and returned, index lookups,
  compilation), not prices. The model: a base per request and physical partition it reaches,
  plus the documents loaded by size, plus the index entries a scan or an index-only count
  walks, plus the bytes returned. The base matches the ~2.3 RU a single-partition query for one
  small item is charged; per loaded KB, per index entry and per returned KB are calibrated so a
  query loading 1,000 items of 1 KB costs ~40 RU, within the range reported for such queries.
  "Index usage" (learn.microsoft.com/training/modules/choose-indexes-azure-cosmos-db-sql-api/
  2-index-usage): an index seek is a constant lookup plus loading the matches; a full index scan
  (CONTAINS) grows with the cardinality of the path.

Every constant is a field of `CostModel`, so a measured account can recalibrate them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KB = 1024
WRITES = frozenset({"create", "upsert", "replace", "patch", "delete"})


@dataclass(frozen=True)
class CostModel:
    read_ru_first_kb: float = 1.0
    read_ru_at_100_kb: float = 10.0
    write_ru_per_kb: float = 5.5  # with every path indexed (the layout's default)
    query_base_ru: float = 2.3  # per query request and physical partition reached
    loaded_ru_per_kb: float = 0.037
    index_entry_ru: float = 0.002
    returned_ru_per_kb: float = 0.01

    def point_read(self, size_bytes: float) -> float:
        kb = max(size_bytes / KB, 1.0)
        slope = (self.read_ru_at_100_kb - self.read_ru_first_kb) / 99.0
        return self.read_ru_first_kb + (kb - 1.0) * slope

    def write(self, size_bytes: float) -> float:
        """One item written (a delete is charged as a write of a 1 KB item)."""
        return self.write_ru_per_kb * max(size_bytes / KB, 1.0)

    def query(
        self,
        loaded_bytes: float,
        index_entries: float,
        returned_bytes: float,
        physical_partitions: int = 1,
    ) -> float:
        return (
            self.query_base_ru * max(physical_partitions, 1)
            + self.loaded_ru_per_kb * loaded_bytes / KB
            + self.index_entry_ru * index_entries
            + self.returned_ru_per_kb * returned_bytes / KB
        )

    def request_units(self, record: Mapping[str, Any], physical_partitions: int = 1) -> float:
        """RU of one metered request (one entry of the server's metering log)."""
        operation = record["operation"]
        if record.get("status", 200) >= 400:
            return 1.0  # a refused request is charged little; 404 of a point read ~1 RU
        if operation == "read":
            return self.point_read(record["bytesRead"])
        if operation in WRITES:
            return self.write(record["bytesWritten"])
        if operation == "batch":
            ops = max(int(record["writeOps"]), 1)
            average = record["bytesWritten"] / ops
            return ops * self.write(average)
        if operation == "query":
            fan_out = physical_partitions if record.get("crossPartition") else 1
            return self.query(
                record["bytesRead"], record["indexTerms"], record["bytesReturned"], fan_out
            )
        return 1.0  # metadata: database and container reads, partition key ranges


MODEL = CostModel()


# -- prices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prices:
    """Pay-as-you-go list prices, single-region writes, in USD (Azure Cosmos DB pricing page,
    azure.microsoft.com/pricing/details/cosmos-db; "Pricing model",
    learn.microsoft.com/azure/cosmos-db/how-pricing-works). Check them for your region."""

    serverless_per_million_ru: float = 0.25
    manual_per_100_rus_hour: float = 0.008
    autoscale_per_100_rus_hour: float = 0.012  # 1.5 x manual, billed at the hour's highest
    storage_per_gb_month: float = 0.25
    hours_per_month: float = 730.0


PRICES = Prices()


def serverless_monthly(ru_per_month: float, prices: Prices = PRICES) -> float:
    return ru_per_month / 1e6 * prices.serverless_per_million_ru


def autoscale_monthly(max_rus: float, prices: Prices = PRICES) -> float:
    """Autoscale billed at its maximum every hour: the upper bound for a peak-sized setting.
    Autoscale scales between 10 % and 100 % of the maximum and bills the hour's highest RU/s."""
    units = math.ceil(max(max_rus, 1000) / 100)
    return units * prices.autoscale_per_100_rus_hour * prices.hours_per_month


def autoscale_monthly_typical(max_rus: float, busy_share: float, prices: Prices = PRICES) -> float:
    """Autoscale when `busy_share` of the hours run at the maximum and the rest at its 10 %."""
    full = autoscale_monthly(max_rus, prices)
    return full * (busy_share + (1 - busy_share) * 0.1)


def autoscale_max_for(peak_rus: float) -> int:
    """The autoscale maximum to set for a peak: the next 1,000 RU/s above it."""
    return int(math.ceil(max(peak_rus, 1) / 1000.0) * 1000)
