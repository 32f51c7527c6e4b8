"""One Cosmos DB database and its containers, as the repositories use them.

Every call goes through CosmosContainer, which gives it the call timeout (the SDK's client-wide
timeouts bound single socket reads, not a call with its retries) and translates SDK errors
into domain errors, so no repository has to remember either.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator, Sequence
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import AzureError
from azure.cosmos import ContainerProxy, DatabaseProxy

from shared.adapters.cosmos.client import ClientConfig, cosmos_client
from shared.adapters.cosmos.containers import LAYOUT
from shared.adapters.cosmos.errors import status_of, translate, translated

log = logging.getLogger(__name__)

# A batch rejected as a whole for throttling (429, after the SDK's own retries) or because
# the partition was briefly unavailable (503, 449) did nothing, so it is safe to send again.
BATCH_RETRY_STATUSES = frozenset({429, 449, 503})
BATCH_ATTEMPTS = 4
BATCH_BACKOFF_SECONDS = 0.2

Operation = tuple[Any, ...]


class CosmosDatabase:
    """A database on the process-wide client; containers are resolved without any I/O."""

    def __init__(self, config: ClientConfig, database: str) -> None:
        self.config = config
        self.name = database
        self._containers: dict[str, CosmosContainer] = {}

    def proxy(self) -> DatabaseProxy:
        return cosmos_client(self.config).get_database_client(self.name)

    def container(self, name: str) -> CosmosContainer:
        found = self._containers.get(name)
        if found is None:
            if name not in LAYOUT.by_name():
                raise KeyError(f"no container {name!r} in the database layout (containers.py)")
            found = self._containers.setdefault(name, CosmosContainer(self, name))
        return found

    def ping(self) -> None:
        with translated(f"reading database {self.name}"):
            self.proxy().read(timeout=self.config.timeout_seconds)


class CosmosContainer:
    def __init__(self, database: CosmosDatabase, name: str) -> None:
        self._database = database
        self.name = name
        self._timeout = database.config.timeout_seconds
        self._cached: ContainerProxy | None = None

    def _proxy(self) -> ContainerProxy:
        # The proxy caches the container's partition key definition after its first use.
        if self._cached is None:
            self._cached = self._database.proxy().get_container_client(self.name)
        return self._cached

    def read(self, item_id: str, partition_key: str) -> dict[str, Any] | None:
        """Point read; None when the item does not exist."""
        try:
            return self._proxy().read_item(item_id, partition_key, timeout=self._timeout)
        except AzureError as error:
            if status_of(error) == 404:
                return None
            raise translate(error, f"reading {item_id} from {self.name}") from error

    def create(self, item: dict[str, Any]) -> dict[str, Any]:
        with translated(f"creating {item['id']} in {self.name}"):
            return self._proxy().create_item(item, timeout=self._timeout)

    def upsert(self, item: dict[str, Any]) -> dict[str, Any]:
        with translated(f"writing {item['id']} to {self.name}"):
            return self._proxy().upsert_item(item, timeout=self._timeout)

    def replace(self, item: dict[str, Any], etag: str | None = None) -> dict[str, Any]:
        """Replace an existing item; with `etag` (a raw `_etag`) only if it is still current."""
        with translated(f"replacing {item['id']} in {self.name}"):
            return self._proxy().replace_item(
                item["id"], item, timeout=self._timeout, **_if_match(etag)
            )

    def patch(
        self,
        item_id: str,
        partition_key: str,
        operations: list[dict[str, Any]],
        etag: str | None = None,
        condition: str | None = None,
    ) -> dict[str, Any]:
        """Patch; with `condition` ("FROM c WHERE ...") only if the item matches it (412 else)."""
        guard: dict[str, Any] = {"filter_predicate": condition} if condition else {}
        with translated(f"patching {item_id} in {self.name}"):
            return self._proxy().patch_item(
                item_id,
                partition_key,
                operations,
                timeout=self._timeout,
                **_if_match(etag),
                **guard,
            )

    def delete(self, item_id: str, partition_key: str, etag: str | None = None) -> bool:
        """Delete; False when the item did not exist."""
        try:
            self._proxy().delete_item(
                item_id, partition_key, timeout=self._timeout, **_if_match(etag)
            )
        except AzureError as error:
            if status_of(error) == 404:
                return False
            raise translate(error, f"deleting {item_id} from {self.name}") from error
        return True

    def query(
        self,
        sql: str,
        parameters: dict[str, Any] | None = None,
        partition_key: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Items of a query, fetched page by page as they are consumed.

        With `partition_key` the query goes to that one partition (the SQL must filter on the
        key as well); without it, it fans out across partitions.
        """
        what = f"querying {self.name}"
        routing: dict[str, Any] = (
            {"partition_key": partition_key}
            if partition_key is not None
            else {"enable_cross_partition_query": True}
        )
        with translated(what):
            pages = self._proxy().query_items(
                sql,
                parameters=[{"name": k, "value": v} for k, v in (parameters or {}).items()],
                max_item_count=page_size,
                timeout=self._timeout,
                **routing,
            )
        return _translated_items(pages, what)

    def batch(self, partition_key: str, operations: Sequence[Operation]) -> list[dict[str, Any]]:
        """One transactional batch (at most 100 operations in one partition).

        A batch the service turned away as a whole (throttled or unavailable) is sent again a
        few times with growing pauses; anything else comes out as a domain error.
        """
        what = f"writing a batch of {len(operations)} to {self.name}"
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                return list(
                    self._proxy().execute_item_batch(
                        list(operations), partition_key, timeout=self._timeout
                    )
                )
            except AzureError as error:
                if status_of(error) not in BATCH_RETRY_STATUSES or attempt == BATCH_ATTEMPTS:
                    domain_error = translate(error, what)
                    domain_error.batch_index = getattr(error, "error_index", None)  # type: ignore[attr-defined]
                    raise domain_error from error
                pause = BATCH_BACKOFF_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                log.info("batch to %s turned away (%s); retrying", self.name, status_of(error))
                time.sleep(pause)
        raise AssertionError("unreachable")


def _if_match(etag: str | None) -> dict[str, Any]:
    if etag is None:
        return {}
    return {"etag": etag, "match_condition": MatchConditions.IfNotModified}


def _translated_items(pages: Iterator[dict[str, Any]], what: str) -> Iterator[dict[str, Any]]:
    with translated(what):
        yield from pages
