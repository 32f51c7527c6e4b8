"""The holder registry: which books hold a customer, one item per membership, in the legal
entity's partition of `books` (book_items.py).

Memberships live in their book's own partition, where ids are unique per book only. So the
one-book rule is kept here: a holder entry has the membership's id (`<customerId>` while the
rule is on, else `<bookId>:<customerId>`), ids are unique in the legal entity's partition,
and a book may add a customer only once its entry is created. Of two books claiming one
customer, one batch of creates fails as a whole (409) and nothing of that add is written.

    {"id": "C1", "partitionKey": "USRT", "type": "holder", "customerId": "C1",
     "bookId": "CB-000002", "ownerStaffId": "alice", "claim": "<token of the add>"}

The registry is the truth of who holds whom: a card's holdings and the refresh of card copies
read it; the books' memberships follow it. The write paths (client_books.py) change the
registry first and the book after: a membership never exists without its entry, but an entry
can for a moment name a book whose membership is not written yet (or no longer there); an
interrupted change is completed by `python -m shared.adapters.cosmos.book_repair`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.book_items import entity_key, holding_of, membership_id
from shared.adapters.cosmos.database import CosmosContainer, Operation
from shared.domain.client_books import BookHolding
from shared.domain.errors import Conflict, NotFound, PreconditionFailed

HOLDER = "holder"


def holder_item(
    legal_entity: str, holding: BookHolding, sole_holder: bool, claim: str
) -> dict[str, Any]:
    return {
        "id": membership_id(holding.customer_id, holding.book_id, sole_holder),
        "partitionKey": entity_key(legal_entity),
        "legalEntity": legal_entity,
        "type": HOLDER,
        "customerId": holding.customer_id,
        "bookId": holding.book_id,
        "ownerStaffId": holding.owner_staff_id,
        "claim": claim,
    }


def entry_of_membership(membership: dict[str, Any], claim: str) -> dict[str, Any]:
    """The entry a stored membership needs: the same id, so sole-holder ids stay unique."""
    sole_holder = membership["id"] == membership["customerId"]
    return holder_item(membership["legalEntity"], holding_of(membership), sole_holder, claim)


def holders_of(
    container: CosmosContainer, legal_entity: str, customer_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """The holder entries of these customers (one query in the legal entity's partition)."""
    if not customer_ids:
        return []
    return list(
        container.query(
            "SELECT * FROM c WHERE c.partitionKey = @pk"
            f" AND c.type = '{HOLDER}' AND ARRAY_CONTAINS(@ids, c.customerId)",
            {"@pk": entity_key(legal_entity), "@ids": list(customer_ids)},
            partition_key=entity_key(legal_entity),
        )
    )


def claim(container: CosmosContainer, legal_entity: str, entries: Sequence[dict[str, Any]]) -> None:
    """Create the entries, all or nothing: Conflict when another book holds one of them.

    Each batch is atomic on Cosmos DB; an add of more than 100 takes several, and a later
    one's refusal (or the local server's batches, applied one operation at a time) leaves
    entries of this claim behind, so they are taken back, found by their claim token."""
    if not entries:
        return
    try:
        batches.write_in_batches(
            container, entity_key(legal_entity), [batches.create(e) for e in entries]
        )
    except Exception:
        release_claim(container, legal_entity, entries)
        raise


def release_claim(
    container: CosmosContainer, legal_entity: str, entries: Sequence[dict[str, Any]]
) -> None:
    """Delete what is stored of these entries under their claim token (a failed add)."""
    tokens = {e["claim"] for e in entries}
    for found in holders_of(container, legal_entity, sorted({e["customerId"] for e in entries})):
        if found.get("claim") in tokens:
            try:
                container.delete(found["id"], entity_key(legal_entity), found["_etag"])
            except (NotFound, PreconditionFailed):
                continue  # changed meanwhile: no longer this claim's


def release(
    container: CosmosContainer, legal_entity: str, book_id: str, membership_ids: Sequence[str]
) -> None:
    """Delete the entries of memberships removed from `book_id`. An entry that names
    another book by now (a move of that customer won meanwhile) is not this book's to free."""
    if not membership_ids:
        return
    partition = entity_key(legal_entity)
    wanted = set(membership_ids)
    ids = sorted({i.rsplit(":", 1)[-1] for i in membership_ids})
    operations: list[Operation] = [
        batches.delete(e["id"], e["_etag"])
        for e in holders_of(container, legal_entity, ids)
        if e["id"] in wanted and e["bookId"] == book_id
    ]
    try:
        batches.write_in_batches(container, partition, operations)
    except (NotFound, PreconditionFailed, Conflict):
        # Something changed between the read and the delete: free what is still ours.
        for operation in operations:
            try:
                container.delete(operation[1][0], partition, operation[2]["if_match_etag"])
            except (NotFound, PreconditionFailed):
                continue
