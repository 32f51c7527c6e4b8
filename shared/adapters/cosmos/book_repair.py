"""Bring a legal entity's books in line with its holder registry after an interrupted change.

    python -m shared.adapters.cosmos.book_repair LEGAL_ENTITY [...]

An add, a remove and a reassign each write the registry and a book in separate batches
(client_books.py); a process that dies between them leaves the two apart
(docs/client-books.md, "Concurrent changes on Cosmos DB"). The registry is the truth, so:

- an entry whose book lacks the membership, while another book still has it (a decided move
  whose memberships did not follow): the membership is moved into the entry's book;
- an entry no book backs (a claim whose add, or a remove whose release, did not finish): the
  entry is deleted;
- a membership without an entry (not written by this version; from a hand edit): its entry is
  created, unless another book holds the customer.

With several books allowed a move changes the membership's id (`<bookId>:<customerId>`), so
an interrupted one is undone rather than completed: the new entry has no membership, the old
membership no entry. Either way each customer ends where exactly one entry says.

Each fix is a normal write with the book's tally, so it is safe beside the app and to repeat.
It reads the legal entity's whole registry and books: run it when needed, not on a schedule.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.book_holders import HOLDER, entry_of_membership
from shared.adapters.cosmos.book_items import MEMBERSHIP, book_key, entity_key
from shared.adapters.cosmos.book_tally import Change, TallyWriter, read_tallies
from shared.adapters.cosmos.client import ClientConfig
from shared.adapters.cosmos.database import CosmosContainer, CosmosDatabase
from shared.domain.errors import ClientelingError, Conflict, NotFound, PreconditionFailed
from shared.settings import SettingsError, get_settings


@dataclass
class Repaired:
    moved: int = 0
    entries_deleted: int = 0
    entries_created: int = 0


def repair(books: CosmosContainer, legal_entity: str) -> Repaired:
    done = Repaired()
    partition = entity_key(legal_entity)
    entries = list(
        books.query(
            f"SELECT * FROM c WHERE c.partitionKey = @pk AND c.type = '{HOLDER}'",
            {"@pk": partition},
            partition_key=partition,
        )
    )
    memberships: dict[str, list[dict[str, Any]]] = {}
    for item in books.query(
        f"SELECT * FROM c WHERE c.legalEntity = @le AND c.type = '{MEMBERSHIP}'",
        {"@le": legal_entity},
    ):
        memberships.setdefault(item["id"], []).append(item)
    for entry in entries:
        found = memberships.pop(entry["id"], [])
        backed = [m for m in found if m["bookId"] == entry["bookId"]]
        others = [m for m in found if m["bookId"] != entry["bookId"]]
        if not backed and others:
            _write(books, legal_entity, entry["ownerStaffId"], [_moved(others[0], entry)], +1)
            done.moved += 1
        if others:
            for other in others:
                _write(books, legal_entity, other["ownerStaffId"], [other], -1)
        elif not backed:
            try:
                books.delete(entry["id"], partition, entry["_etag"])
                done.entries_deleted += 1
            except (NotFound, PreconditionFailed):
                pass  # changed meanwhile: the app is on it
    for items in memberships.values():
        for item in items:
            entry = entry_of_membership(item, "")
            try:
                books.create(entry)
                done.entries_created += 1
            except Conflict:
                pass  # claimed meanwhile by another book: that claim stands
    return done


def _moved(item: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    moved = {k: v for k, v in item.items() if not k.startswith("_")}
    moved.update(
        partitionKey=book_key(item["legalEntity"], entry["ownerStaffId"]),
        bookId=entry["bookId"],
        ownerStaffId=entry["ownerStaffId"],
    )
    return moved


def _write(
    books: CosmosContainer,
    legal_entity: str,
    owner: str,
    items: Sequence[dict[str, Any]],
    sign: int,
) -> None:
    """Create (+1) or delete (-1) memberships of one book with its tally."""
    changes = []
    for item in items:
        operation = batches.upsert(item) if sign > 0 else batches.delete(item["id"])
        change = Change([operation])
        change.touch(owner).count(item.get("attributes"), sign)
        changes.append(change)
    tallies: dict[str, dict[str, Any] | None] = {owner: None}
    tallies.update(read_tallies(books, legal_entity, [owner]))
    TallyWriter(books, legal_entity, owner, tallies).write(changes)


def main(argv: Sequence[str]) -> int:
    if not argv:
        print("usage: python -m shared.adapters.cosmos.book_repair LEGAL_ENTITY [...]")
        return 2
    try:
        settings = get_settings().cosmos
        database = CosmosDatabase(ClientConfig.from_settings(settings), settings.database)
        for legal_entity in argv:
            done = repair(database.container("books"), legal_entity)
            print(
                f"{legal_entity}: {done.moved} moves completed, {done.entries_deleted} claims"
                f" no book backs deleted, {done.entries_created} missing entries created"
            )
    except (SettingsError, ClientelingError) as problem:
        print(problem, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
