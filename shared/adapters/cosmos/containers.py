"""The Cosmos DB containers, their partition keys and indexing policies.

This module is the single source of truth for the database layout: the adapter creates
containers from it for local test servers, and infra/bicep declares the same containers (a
test compares the two). See docs/cosmos.md for the reasoning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ContainerSpec:
    name: str
    partition_key: str
    # Each composite index is a list of (path, order) pairs, one per ORDER BY the adapter uses.
    composite_indexes: tuple[tuple[tuple[str, str], ...], ...] = ()
    default_ttl: int | None = None  # seconds; -1 = on, per-item ttl; None = off
    excluded_paths: tuple[str, ...] = ('/"_etag"/?',)
    purpose: str = ""

    def indexing_policy(self) -> dict[str, Any]:
        return {
            "indexingMode": "consistent",
            "automatic": True,
            "includedPaths": [{"path": "/*"}],
            "excludedPaths": [{"path": p} for p in self.excluded_paths],
            "compositeIndexes": [
                [{"path": path, "order": order} for path, order in index]
                for index in self.composite_indexes
            ],
        }


@dataclass(frozen=True)
class DatabaseLayout:
    containers: tuple[ContainerSpec, ...] = field(default_factory=tuple)

    def by_name(self) -> dict[str, ContainerSpec]:
        return {c.name: c for c in self.containers}


LAYOUT = DatabaseLayout(
    containers=(
        ContainerSpec(
            name="headquarters",
            partition_key="/legalEntity",
            # changed_since orders by /changeSeq alone: the range index serves it. Bodies are
            # only ever read whole, never filtered on, so they are not indexed.
            excluded_paths=('/"_etag"/?', "/body/*"),
            purpose="admin-edited headquarters documents, with a change sequence for distribution",
        ),
        ContainerSpec(
            name="published",
            partition_key="/legalEntity",
            excluded_paths=('/"_etag"/?', "/body/*"),
            purpose="the published copy the POS reads, and the published version",
        ),
        ContainerSpec(
            name="distribution",
            partition_key="/jobId",
            # runs(): ORDER BY c.startedAt DESC, c.runId DESC
            composite_indexes=((("/startedAt", "descending"), ("/runId", "descending")),),
            purpose="distribution watermarks, leases and run history",
        ),
        ContainerSpec(
            name="customers",
            partition_key="/partitionKey",
            purpose="customer master data, one logical partition per customer",
        ),
        ContainerSpec(
            name="search",
            partition_key="/partitionKey",
            # customer search: WHERE c.key = @key ORDER BY c.key, c.sortName, c.customerId, an
            # index seek that loads only the page (customer_search.py). Search text and card fields
            # are read, never filtered on.
            composite_indexes=(
                (("/key", "ascending"), ("/sortName", "ascending"), ("/customerId", "ascending")),
            ),
            excluded_paths=(
                '/"_etag"/?',
                "/searchText/?",
                "/name/?",
                "/email/?",
                "/phone/?",
                "/attributes/*",
            ),
            purpose="customer search keys and cards, one logical partition per address book",
        ),
        ContainerSpec(
            name="books",
            # `<legalEntity>:<ownerStaffId>` for a book's items, `<legalEntity>` for the holder
            # registry, counters and tombstones (book_items.py; docs/cosmos-scale.md,
            # "Partitioning"). It replaces `memberships` (keyed by /legalEntity), whose
            # items `python -m shared.adapters.cosmos.book_partitions` copies over.
            partition_key="/partitionKey",
            # book pages: ORDER BY c.sortName, c.customerId; audit orders by /entryId alone
            composite_indexes=((("/sortName", "ascending"), ("/customerId", "ascending")),),
            # A book's refiner tally is only read whole; its value counts are never filtered
            # on, and rewriting it with every membership change stays cheap unindexed.
            excluded_paths=('/"_etag"/?', "/counts/*", "/extremes/*"),
            purpose="client books, memberships with denormalized card fields, refiner tallies,"
            " audit, holder registry, sequences, tombstones",
        ),
        ContainerSpec(
            name="activities",
            partition_key="/customerKey",
            # Each index serves one ORDER BY of activities.py / notes.py, in both directions
            # (newest first, and its exact reverse for upcoming appointments). An equality
            # filter leads its index, so a rare activity type or one note's history is a range
            # of the index, not a walk through the customer's whole timeline.
            composite_indexes=(
                # timeline: ORDER BY c.startTime DESC, c.id DESC
                (("/startTime", "descending"), ("/id", "descending")),
                # timeline of one type: ORDER BY c.activityTypeId, c.startTime DESC, c.id DESC
                (
                    ("/activityTypeId", "ascending"),
                    ("/startTime", "descending"),
                    ("/id", "descending"),
                ),
                # notes: ORDER BY c.createdAt DESC, c.id DESC
                (("/createdAt", "descending"), ("/id", "descending")),
                # note history: ORDER BY c.noteId, c.revision DESC
                (("/noteId", "ascending"), ("/revision", "descending")),
            ),
            # Bodies are only ever read whole; queries use the top-level copies of their keys.
            excluded_paths=('/"_etag"/?', "/body/*"),
            purpose="activities, notes and note revisions, one logical partition per customer",
        ),
        ContainerSpec(
            name="idempotency",
            partition_key="/key",
            default_ttl=24 * 3600,
            # Only point operations: the stored response is never filtered on.
            excluded_paths=('/"_etag"/?', "/response/?"),
            purpose="first results of POSTs sent with Idempotency-Key, expiring after 24 hours",
        ),
        ContainerSpec(
            name="consent",
            partition_key="/partitionKey",
            # Point reads and single-partition queries only (consent.py): a customer's record
            # sits in the customer's own partition, phone lookups in one per number. The
            # history is read whole, never filtered on.
            excluded_paths=('/"_etag"/?', "/history/*"),
            purpose="consent to be contacted, one logical partition per customer, and the"
            " phone lookup of inbound SMS, one per number",
        ),
        ContainerSpec(
            name="followups",
            partition_key="/ownerKey",
            # my open follow-ups: ORDER BY c.dueDate, c.sortName, c.id; generation runs:
            # ORDER BY c.startedAt DESC, c.id DESC (in their own partition per legal entity)
            composite_indexes=(
                (("/dueDate", "ascending"), ("/sortName", "ascending"), ("/id", "ascending")),
                (("/startedAt", "descending"), ("/id", "descending")),
            ),
            # Bodies are only ever read whole; queries use the top-level copies of their keys.
            excluded_paths=('/"_etag"/?', "/body/*"),
            purpose="follow-ups, one logical partition per book owner, and generation runs",
        ),
        ContainerSpec(
            name="outreach",
            partition_key="/customerKey",
            # Only equality and range filters (cap: storeId + acceptedAt in one partition;
            # relay: status; delivery reports: providerId); no ORDER BY needs a composite.
            # Message texts and the activity copy are read whole, never filtered on.
            excluded_paths=('/"_etag"/?', "/body/*", "/activity/*"),
            purpose="messages to customers with their outbox state, one partition per customer",
        ),
        ContainerSpec(
            name="operations",
            partition_key="/kind",
            purpose="small operational state: secret-expiry alert state",
        ),
    )
)


def _bicep_literal(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, dict):
        inner = "".join(f"{pad}  {k}: {_bicep_literal(v, indent + 1)}\n" for k, v in value.items())
        return "{\n" + inner + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "".join(f"{pad}  {_bicep_literal(v, indent + 1)}\n" for v in value)
        return "[\n" + inner + pad + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def bicep_containers_variable(layout: DatabaseLayout = LAYOUT) -> str:
    """The `containers` variable of infra/bicep/modules/cosmos.bicep, generated from LAYOUT
    (`python -m shared.adapters.cosmos.containers` prints it; a test keeps the file in step)."""
    entries = [
        {
            "name": spec.name,
            "partitionKey": spec.partition_key,
            "compositeIndexes": spec.indexing_policy()["compositeIndexes"],
            "excludedPaths": spec.indexing_policy()["excludedPaths"],
            "defaultTtl": spec.default_ttl,
        }
        for spec in layout.containers
    ]
    return "var containers = " + _bicep_literal(entries, 0) + "\n"


if __name__ == "__main__":
    print(bicep_containers_variable(), end="")
