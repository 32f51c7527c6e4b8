"""Headquarters and published documents: JSON bodies keyed by legal entity, kind and id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredDocument:
    legal_entity: str
    kind: str
    doc_id: str
    body: dict[str, Any]
    etag: str
    change_seq: int
    updated_at: str


@dataclass(frozen=True)
class PublishedDocument:
    legal_entity: str
    kind: str
    doc_id: str
    body: dict[str, Any]


class HeadquartersDocuments(Protocol):
    """Admin-edited master data. Every write gets a new, globally increasing change_seq."""

    def get(self, legal_entity: str, kind: str, doc_id: str) -> StoredDocument | None: ...

    def put(
        self,
        legal_entity: str,
        kind: str,
        doc_id: str,
        body: dict[str, Any],
        if_match: str | None = None,
        must_exist: bool = False,
    ) -> StoredDocument:
        """Create or replace. With if_match, raise PreconditionFailed unless it is current."""
        ...

    def list(self, legal_entity: str, kind: str) -> list[StoredDocument]: ...

    def upsert_many(
        self, legal_entity: str, kind: str, bodies: Iterable[tuple[str, dict[str, Any]]]
    ) -> int:
        """Bulk create-or-replace (imports); unchanged bodies are not rewritten. Returns writes."""
        ...

    def changed_since(
        self, kinds: Iterable[str], after_seq: int, limit: int
    ) -> list[StoredDocument]:
        """Documents of these kinds written after `after_seq`, oldest change first."""
        ...

    def exists_elsewhere(self, legal_entity: str, kind: str, doc_ids: list[str]) -> set[str]:
        """Which of these ids exist with this kind in another legal entity."""
        ...


class PublishedDocuments(Protocol):
    """The copy the POS reads, with one version number that moves on every publish."""

    def version(self) -> int: ...

    def publish(self, documents: list[PublishedDocument]) -> int:
        """Write the documents whose body differs; bump the version if any did. Returns writes."""
        ...

    def load_all(self) -> tuple[int, Iterator[PublishedDocument]]: ...
