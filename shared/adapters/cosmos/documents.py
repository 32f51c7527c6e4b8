"""Headquarters documents and the published copy in Cosmos DB.

Both containers are partitioned by legal entity: everything an admin route or a publish
touches at once lives in one partition, so reads are point reads or single-partition
queries and bulk writes are transactional batches. Item shapes are in docs/cosmos.md.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.counters import Allocation, ChangeSequence, PublishedVersion
from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import (
    PUBLISHED_META_PARTITION,
    api_etag,
    body_hash,
    cosmos_etag,
    kind_item_id,
)
from shared.domain.errors import NotFound, PreconditionFailed
from shared.ports.documents import PublishedDocument, StoredDocument

# Bulk writes compare and write this many documents per round: one hash query, one
# allocation and up to ten batches.
CHUNK_SIZE = 1000
# Ids per ARRAY_CONTAINS parameter in cross-partition lookups.
LOOKUP_CHUNK = 500
HEADQUARTERS_FIELDS = "c.legalEntity, c.kind, c.docId, c.body, c.changeSeq, c.updatedAt, c._etag"


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _stored(item: dict[str, Any]) -> StoredDocument:
    return StoredDocument(
        legal_entity=item["legalEntity"],
        kind=item["kind"],
        doc_id=item["docId"],
        body=item["body"],
        etag=api_etag(item),
        change_seq=int(item["changeSeq"]),
        updated_at=item["updatedAt"],
    )


class CosmosHeadquartersDocuments:
    def __init__(
        self,
        container: CosmosContainer,
        sequence: ChangeSequence,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._container = container
        self._sequence = sequence
        self._clock = clock

    def get(self, legal_entity: str, kind: str, doc_id: str) -> StoredDocument | None:
        item = self._container.read(kind_item_id(kind, doc_id), legal_entity)
        return _stored(item) if item else None

    def put(
        self,
        legal_entity: str,
        kind: str,
        doc_id: str,
        body: dict[str, Any],
        if_match: str | None = None,
        must_exist: bool = False,
    ) -> StoredDocument:
        try:
            with self._sequence.reserved(1) as allocation:
                item = self._item(legal_entity, kind, doc_id, body, allocation.first)
                return _stored(self._write(item, allocation, if_match, must_exist))
        except NotFound:
            if must_exist:
                raise NotFound(f"{kind} {doc_id!r} does not exist in {legal_entity}") from None
            current = None  # If-Match on a document that does not exist
        except PreconditionFailed:
            current = self.get(legal_entity, kind, doc_id)
        raise PreconditionFailed(
            f"{kind} {doc_id!r} has changed since you read it; read it again",
            currentEtag=current.etag if current else None,
        )

    def _write(
        self,
        item: dict[str, Any],
        allocation: Allocation,
        if_match: str | None,
        must_exist: bool,
    ) -> dict[str, Any]:
        allocation.check(self._clock())
        if if_match is not None:
            return self._container.replace(item, etag=cosmos_etag(if_match))
        if must_exist:
            return self._container.replace(item)
        return self._container.upsert(item)

    @staticmethod
    def _item(
        legal_entity: str, kind: str, doc_id: str, body: dict[str, Any], change_seq: int
    ) -> dict[str, Any]:
        return {
            "id": kind_item_id(kind, doc_id),
            "legalEntity": legal_entity,
            "kind": kind,
            "docId": doc_id,
            "body": body,
            "bodyHash": body_hash(body),
            "changeSeq": change_seq,
            "updatedAt": _now_iso(),
        }

    def list(self, legal_entity: str, kind: str) -> list[StoredDocument]:
        items = self._container.query(
            f"SELECT {HEADQUARTERS_FIELDS} FROM c WHERE c.legalEntity = @le AND c.kind = @kind",
            {"@le": legal_entity, "@kind": kind},
            partition_key=legal_entity,
            page_size=CHUNK_SIZE,
        )
        return sorted((_stored(i) for i in items), key=lambda d: d.doc_id)

    def upsert_many(
        self, legal_entity: str, kind: str, bodies: Iterable[tuple[str, dict[str, Any]]]
    ) -> int:
        writes = 0
        for chunk in _chunks(bodies, CHUNK_SIZE):
            latest = dict(chunk)  # a repeated id: the last body is the one that stays
            stored = self._hashes(legal_entity, kind, list(latest))
            changed = [(i, b) for i, b in latest.items() if stored.get(i) != body_hash(b)]
            if changed:
                self._write_changed(legal_entity, kind, changed)
            writes += len(changed)
        return writes

    def _hashes(self, legal_entity: str, kind: str, doc_ids: list[str]) -> dict[str, str]:
        items = self._container.query(
            "SELECT c.docId, c.bodyHash FROM c WHERE c.legalEntity = @le AND c.kind = @kind"
            " AND ARRAY_CONTAINS(@ids, c.docId)",
            {"@le": legal_entity, "@kind": kind, "@ids": doc_ids},
            partition_key=legal_entity,
            page_size=CHUNK_SIZE,
        )
        return {i["docId"]: i["bodyHash"] for i in items}

    def _write_changed(
        self, legal_entity: str, kind: str, changed: list[tuple[str, dict[str, Any]]]
    ) -> None:
        with self._sequence.reserved(len(changed)) as allocation:
            operations = [
                batches.upsert(self._item(legal_entity, kind, doc_id, body, seq))
                for (doc_id, body), seq in zip(changed, allocation.numbers(), strict=True)
            ]
            for group in batches.split(operations):
                allocation.check(self._clock())
                self._container.batch(legal_entity, group)

    def changed_since(
        self, kinds: Iterable[str], after_seq: int, limit: int
    ) -> list[StoredDocument]:
        kinds = list(kinds)
        if not kinds or limit <= 0:
            return []
        horizon = self._sequence.horizon()
        if horizon <= after_seq:
            return []
        items = self._container.query(
            f"SELECT TOP {int(limit)} {HEADQUARTERS_FIELDS} FROM c"
            " WHERE ARRAY_CONTAINS(@kinds, c.kind) AND c.changeSeq > @after"
            " AND c.changeSeq <= @horizon ORDER BY c.changeSeq",
            {"@kinds": kinds, "@after": after_seq, "@horizon": horizon},
            page_size=min(int(limit), CHUNK_SIZE),
        )
        return [_stored(i) for i in items]

    def exists_elsewhere(self, legal_entity: str, kind: str, doc_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(doc_ids, LOOKUP_CHUNK):
            items = self._container.query(
                "SELECT c.docId FROM c WHERE c.kind = @kind AND ARRAY_CONTAINS(@ids, c.docId)"
                " AND c.legalEntity != @le",
                {"@kind": kind, "@ids": chunk, "@le": legal_entity},
            )
            found.update(i["docId"] for i in items)
        return found


class CosmosPublishedDocuments:
    def __init__(self, container: CosmosContainer, version: PublishedVersion) -> None:
        self._container = container
        self._version = version

    def version(self) -> int:
        return self._version.current()

    def publish(self, documents: list[PublishedDocument]) -> int:
        """Write changed bodies, partition by partition, then move the version once.

        The version moves after the documents are written: a cache that read the old
        version may load some new documents early, but never keeps old ones under the new
        version.
        """
        by_entity: dict[str, dict[str, PublishedDocument]] = defaultdict(dict)
        for doc in documents:
            by_entity[doc.legal_entity][kind_item_id(doc.kind, doc.doc_id)] = doc
        writes = 0
        for legal_entity, docs in by_entity.items():
            stored = self._hashes(legal_entity, list(docs))
            operations = [
                batches.upsert(self._item(item_id, doc))
                for item_id, doc in docs.items()
                if stored.get(item_id) != body_hash(doc.body)
            ]
            batches.write_in_batches(self._container, legal_entity, operations)
            writes += len(operations)
        if writes:
            self._version.bump()
        return writes

    def _hashes(self, legal_entity: str, item_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(item_ids, CHUNK_SIZE):
            items = self._container.query(
                "SELECT c.id, c.bodyHash FROM c WHERE c.legalEntity = @le"
                " AND ARRAY_CONTAINS(@ids, c.id)",
                {"@le": legal_entity, "@ids": chunk},
                partition_key=legal_entity,
                page_size=CHUNK_SIZE,
            )
            found.update((i["id"], i["bodyHash"]) for i in items)
        return found

    @staticmethod
    def _item(item_id: str, doc: PublishedDocument) -> dict[str, Any]:
        return {
            "id": item_id,
            "legalEntity": doc.legal_entity,
            "kind": doc.kind,
            "docId": doc.doc_id,
            "body": doc.body,
            "bodyHash": body_hash(doc.body),
            "publishedAt": _now_iso(),
        }

    def load_all(self) -> tuple[int, Iterator[PublishedDocument]]:
        version = self._version.current()
        items = self._container.query(
            "SELECT c.legalEntity, c.kind, c.docId, c.body FROM c WHERE c.legalEntity != @meta",
            {"@meta": PUBLISHED_META_PARTITION},
            page_size=CHUNK_SIZE,
        )
        documents = (
            PublishedDocument(i["legalEntity"], i["kind"], i["docId"], i["body"]) for i in items
        )
        return version, documents
