"""Item shapes of the `books` container (partition key `/partitionKey`).

Two kinds of logical partition (docs/cosmos-scale.md, "Partitioning"):

- one per book, `<legalEntity>:<ownerStaffId>` (`book_key`): the book `book:<ownerStaffId>`,
  its refiner tally `tally:<ownerStaffId>` (book_tally.py), its memberships, and the audit
  entries `audit:<entryId>` of the changes that removed a customer from it or moved one
  into it (written in the same batch as the change);
- one per legal entity, `<legalEntity>` (`entity_key`): the holder registry (book_holders.py),
  book id reservations `bookid:<bookId>`, counters `sequence:<name>` and erased customers'
  tombstones `erased:<customerId>` (written by customers.py).

Legal entities and staff ids never hold ':', so the two kinds never share a value. A
membership's id is `<customerId>` while the one-book rule is on, else `<bookId>:<customerId>`;
its holder entry in the registry has the same id, and the registry's id uniqueness is what
keeps the rule (book_holders.py).

A membership carries a copy of the customer's card fields, month-day keys of the important
dates and attribute values, so lists, counts and refiners read memberships only.
"""

from __future__ import annotations

from typing import Any

from shared.domain.cards import CardSource
from shared.domain.client_books import BookHolding
from shared.ports.client_books import AuditEntry, AuditStamp

BOOK = "book"
MEMBERSHIP = "membership"
AUDIT = "audit"
# Copied from the customer item onto every membership (the rest of the item is bookkeeping).
COPIED = ("sortName", "searchText", "name", "email", "phone", "birthdayMd", "anniversaryMd")


def entity_key(legal_entity: str) -> str:
    """The partition of what is one per legal entity (holders, counters, tombstones)."""
    return legal_entity


def book_key(legal_entity: str, owner_staff_id: str) -> str:
    """The partition of one book: its book item, tally, memberships and audit entries."""
    return f"{legal_entity}:{owner_staff_id}"


def book_item_id(owner_staff_id: str) -> str:
    return f"book:{owner_staff_id}"


def book_id_reservation(book_id: str) -> str:
    return f"bookid:{book_id}"


def membership_id(customer_id: str, book_id: str, sole_holder: bool) -> str:
    return customer_id if sole_holder else f"{book_id}:{customer_id}"


def _month_day(value: Any) -> str | None:
    return value[5:10] if isinstance(value, str) and len(value) >= 10 else None


def card_copy(customer_item: dict[str, Any]) -> dict[str, Any]:
    """The fields a membership copies from a customer item."""
    body = customer_item["body"]
    return {
        "sortName": customer_item["sortName"],
        "searchText": customer_item["searchText"],
        "name": body["name"],
        "email": body.get("email"),
        "phone": body.get("phone"),
        "birthdayMd": _month_day(body.get("birthday")),
        "anniversaryMd": _month_day(body.get("anniversary")),
        "attributes": dict(body.get("attributes") or {}),
    }


def membership_item(
    legal_entity: str,
    holding: BookHolding,
    sole_holder: bool,
    added_at: str,
    copy: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": membership_id(holding.customer_id, holding.book_id, sole_holder),
        "partitionKey": book_key(legal_entity, holding.owner_staff_id),
        "legalEntity": legal_entity,
        "type": MEMBERSHIP,
        "bookId": holding.book_id,
        "ownerStaffId": holding.owner_staff_id,
        "customerId": holding.customer_id,
        "addedAt": added_at,
        **copy,
    }


def holding_of(item: dict[str, Any]) -> BookHolding:
    return BookHolding(item["customerId"], item["bookId"], item["ownerStaffId"])


def card_of(item: dict[str, Any]) -> CardSource:
    return CardSource(
        customer_id=item["customerId"],
        name=item["name"],
        email=item.get("email"),
        phone=item.get("phone"),
        attributes=item.get("attributes") or {},
    )


def audit_item(
    partition: str,
    legal_entity: str,
    entry_id: int,
    stamp: AuditStamp,
    source: BookHolding,
    to_book_id: str | None,
    to_staff_id: str | None,
) -> dict[str, Any]:
    return {
        "id": f"{AUDIT}:{entry_id}",
        "partitionKey": partition,
        "legalEntity": legal_entity,
        "type": AUDIT,
        "entryId": entry_id,
        "recordedAt": stamp.recorded_at,
        "action": stamp.action,
        "storeId": stamp.store_id,
        "actorStaffId": stamp.actor_staff_id,
        "customerId": source.customer_id,
        "fromBookId": source.book_id,
        "fromStaffId": source.owner_staff_id,
        "toBookId": to_book_id,
        "toStaffId": to_staff_id,
    }


def audit_entry(item: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        entry_id=int(item["entryId"]),
        legal_entity=item["legalEntity"],
        recorded_at=item["recordedAt"],
        action=item["action"],
        store_id=item["storeId"],
        actor_staff_id=item["actorStaffId"],
        customer_id=item["customerId"],
        from_book_id=item.get("fromBookId"),
        from_staff_id=item.get("fromStaffId"),
        to_book_id=item.get("toBookId"),
        to_staff_id=item.get("toStaffId"),
    )
