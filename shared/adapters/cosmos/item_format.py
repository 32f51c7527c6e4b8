"""How values become Cosmos items: ids, partition key values, body hashes and ETags.

Identifiers (legal entities, kinds, document and customer ids) are validated at the edge to
letters, digits, '.', '_' and '-', so they are safe in item ids without escaping. A partition
key value that starts with '_' can never be a legal entity (they start alphanumeric), which
is what keeps the adapter's own bookkeeping items out of every legal entity's partition.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Bookkeeping partitions next to the legal entities' data (see docs/cosmos.md).
SEQUENCE_PARTITION = "_sequence"  # headquarters: the change sequence
PUBLISHED_META_PARTITION = "_meta"  # published: the published version


def canonical_json(body: Any) -> str:
    """Equal bodies give equal text, so an unchanged body can be recognised and skipped."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body_hash(body: Any) -> str:
    return hashlib.blake2b(canonical_json(body).encode("utf-8"), digest_size=16).hexdigest()


def kind_item_id(kind: str, doc_id: str) -> str:
    """Headquarters and published documents: one id space per kind within a legal entity."""
    return f"{kind}:{doc_id}"


def customer_key(legal_entity: str, customer_id: str) -> str:
    """The partition key value of everything that belongs to one customer."""
    return f"{legal_entity}:{customer_id}"


def api_etag(item: dict[str, Any]) -> str:
    """The ETag the API hands out: the item's `_etag` without its quotes.

    Cosmos DB writes `_etag` as a quoted string; the HTTP layer adds the quotes of the
    header itself, so keeping them here would double them.
    """
    raw = str(item["_etag"])
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw


def cosmos_etag(etag: str) -> str:
    """The `_etag` value Cosmos DB compares an If-Match against, from an API ETag."""
    return f'"{etag}"'
