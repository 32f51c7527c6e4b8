"""Item shapes of the `memberships` container (partition key `/legalEntity`).

One partition per legal entity holds its books, their memberships, the audit of store-level
changes and two counters. Ids keep the kinds apart (customer ids never hold ':'):

- book `book:<ownerStaffId>`, its id reservation `bookid:<bookId>` and its refiner tally
  `tally:<ownerStaffId>` (book_tally.py);
- membership `<customerId>` while the one-book rule is on (ids are unique in a partition,
  so a second book's create fails: the rule enforced by the store), else
  `<bookId>:<customerId>`;
- audit entry `audit:<entryId>`; counters `sequence:<name>`;
- an erased customer's tombstone `erased:<customerId>` (written by customers.py).

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
    legal_entity: str,
    entry_id: int,
    stamp: AuditStamp,
    source: BookHolding,
    to_book_id: str | None,
    to_staff_id: str | None,
) -> dict[str, Any]:
    return {
        "id": f"{AUDIT}:{entry_id}",
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
