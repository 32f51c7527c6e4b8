"""Copy client books from the `memberships` container (one partition per legal entity) into
`books` (one partition per book, plus the legal entity's holder registry; book_items.py).

    python -m shared.adapters.cosmos.book_partitions [LEGAL_ENTITY ...]

Run on an account that holds client books in the old layout, after `books` is provisioned
and while no app writes client books (the old app stopped or not yet replaced), before the
new app takes traffic (docs/deploy.md, "Upgrading client books to one partition per book").

Each item is created in its new partition (books, tallies, memberships and the audit entries
in their book's, the rest in the legal entity's), and each membership gets its holder entry.
It only creates: an item already copied is skipped, so an interrupted run is resumed by
running it again. Once a legal entity is copied whole, a marker item
`migrated:memberships` in its partition says so, and later runs leave that legal entity
alone: the new app may have changed its books since, and a copy of the old items would
bring back what was removed. The old container is only read; drop it once the new app runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from shared.adapters.cosmos.book_holders import entry_of_membership
from shared.adapters.cosmos.book_items import AUDIT, book_key, entity_key
from shared.adapters.cosmos.client import ClientConfig
from shared.adapters.cosmos.database import CosmosContainer, CosmosDatabase
from shared.domain.errors import ClientelingError, Conflict
from shared.settings import SettingsError, get_settings

OLD_CONTAINER = "memberships"
NEW_CONTAINER = "books"
MARKER_ID = "migrated:memberships"
PAGE = 1000
# Kinds kept in a book's partition; every other kind belongs to the legal entity's.
IN_THE_BOOK = frozenset({"book", "tally", "membership"})


@dataclass
class Copied:
    legal_entities: int = 0
    skipped: int = 0  # legal entities copied by an earlier run
    items: int = 0  # created now (items and holder entries)
    present: int = 0  # already there from an interrupted run


def partition_of(item: dict[str, Any]) -> str:
    """The partition an item of the old layout belongs to in `books`."""
    legal_entity = item["legalEntity"]
    if item.get("type") in IN_THE_BOOK:
        return book_key(legal_entity, item["ownerStaffId"])
    if item.get("type") == AUDIT:
        # where the new layout writes it: the book a customer moved into, or left
        return book_key(legal_entity, item.get("toStaffId") or item["fromStaffId"])
    return entity_key(legal_entity)


def new_items(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The items one old item becomes: itself in its new partition, and for a membership
    its holder entry."""
    copied = {k: v for k, v in item.items() if not k.startswith("_")}
    copied["partitionKey"] = partition_of(item)
    if item.get("type") != "membership":
        return [copied]
    return [copied, entry_of_membership(item, "migrated")]


def migrate(
    old: CosmosContainer, new: CosmosContainer, legal_entities: Sequence[str] = ()
) -> Copied:
    """Copy every legal entity not copied before (of these, or all)."""
    copied = Copied()
    # One value per item rather than DISTINCT (which the local server lacks): a one-off read
    # of a few bytes per item.
    wanted = list(legal_entities) or sorted(
        set(old.query("SELECT VALUE c.legalEntity FROM c", page_size=PAGE))
    )
    for legal_entity in wanted:
        partition = entity_key(legal_entity)
        if new.read(MARKER_ID, partition) is not None:
            copied.skipped += 1
            continue
        items = old.query(
            "SELECT * FROM c WHERE c.legalEntity = @le",
            {"@le": legal_entity},
            partition_key=legal_entity,
            page_size=PAGE,
        )
        for item in items:
            for made in new_items(item):
                try:
                    new.create(made)
                    copied.items += 1
                except Conflict:
                    copied.present += 1
        marker = {
            "id": MARKER_ID,
            "partitionKey": partition,
            "legalEntity": legal_entity,
            "type": "migration",
        }
        with suppress(Conflict):  # a run beside this one finished first
            new.create(marker)
        copied.legal_entities += 1
    return copied


def main(argv: Sequence[str]) -> int:
    try:
        settings = get_settings().cosmos
        database = CosmosDatabase(ClientConfig.from_settings(settings), settings.database)
        copied = migrate(database.container(OLD_CONTAINER), database.container(NEW_CONTAINER), argv)
    except (SettingsError, ClientelingError) as problem:
        print(problem, file=sys.stderr)
        return 2
    print(
        f"client books of {copied.legal_entities} legal entities copied ({copied.items} items"
        f" created, {copied.present} already there); {copied.skipped} copied before"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
