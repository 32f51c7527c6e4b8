"""Client books: who holds which customer, the one-book rule, and batch checks.

An associate has at most one client book per legal entity. A customer is in at most one
book per legal entity unless the parameters allow several (`allowMultipleClientBooks`).
The rule is decided here; storage enforces it again with a uniqueness constraint so that
two associates adding the same customer at the same moment cannot both win.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed

MAX_BATCH = 100


@dataclass(frozen=True)
class BookHolding:
    """One membership: `customer_id` is in book `book_id`, owned by `owner_staff_id`."""

    customer_id: str
    book_id: str
    owner_staff_id: str


@dataclass(frozen=True)
class ClientBookRecord:
    """A client book as stored: its id from the number sequence, its owner, its size."""

    legal_entity: str
    book_id: str
    owner_staff_id: str
    customer_count: int


class CustomerInAnotherBook(Conflict):
    """The one-book rule: the customer is already in a colleague's client book."""

    slug = "customer-in-another-book"
    title = "Customer is in another client book"

    def __init__(self, conflicts: list[dict[str, Any]]) -> None:
        shown = ", ".join(f"{c['customerId']} ({c['clientBookId']})" for c in conflicts[:5])
        super().__init__(
            f"a customer can be in only one client book in this legal entity: {shown}"
            f"{' and more' if len(conflicts) > 5 else ''}; nothing was added",
            conflicts=conflicts,
        )
        self.conflicts = conflicts


def unknown_customers(customer_ids: Sequence[str]) -> NotFound:
    """Customer ids that do not exist in the caller's legal entity, each named."""
    return NotFound(
        f"no customer {', '.join(customer_ids[:10])} in this legal entity; nothing changed",
        resource="customer",
        errors=[
            {"field": "customerIds", "customerId": c, "message": "no such customer"}
            for c in customer_ids
        ],
    )


def outside_store_client_book(customer_ids: Sequence[str]) -> Conflict:
    """Customers a store-level change needs in the store client book but who are not there."""
    return Conflict(
        f"{', '.join(customer_ids[:10])} not in any client book of this store client book;"
        " nothing changed",
        conflicts=[
            {"customerId": c, "reason": "not in a client book of this store client book"}
            for c in customer_ids
        ],
    )


def book_outside_store_client_book(staff_id: str) -> Forbidden:
    """A colleague's book that the caller's store client book does not reach."""
    return Forbidden(
        f"{staff_id} is not an associate of your store client book", fromStaffId=staff_id
    )


def changed_meanwhile(what: str) -> Conflict:
    """A membership the request relied on changed between reading and writing."""
    return Conflict(f"{what}; read the client book again and retry")


def checked_batch(customer_ids: Sequence[str], field: str = "customerIds") -> list[str]:
    """The batch if it has 1 to 100 distinct ids; otherwise every problem at once."""
    if not 1 <= len(customer_ids) <= MAX_BATCH:
        raise ValidationFailed.single(field, f"give 1 to {MAX_BATCH} customer ids")
    counts = Counter(customer_ids)
    repeated = [c for c, n in counts.items() if n > 1]
    if repeated:
        raise ValidationFailed(
            [
                {"field": field, "customerId": c, "message": f"{c} appears {counts[c]} times"}
                for c in repeated
            ],
            detail=f"each customer may appear once per request: {', '.join(repeated)}",
        )
    return list(customer_ids)


def one_book_conflicts(
    customer_ids: Iterable[str],
    holdings: Iterable[BookHolding],
    owner_staff_id: str,
    allow_multiple_books: bool,
) -> list[BookHolding]:
    """The holdings that stop `owner_staff_id` adding these customers to their own book.

    With one book per customer, a customer already in the owner's book is fine (re-adding is
    a no-op); one held only by a colleague is a conflict, named by that colleague's book.
    """
    if allow_multiple_books:
        return []
    by_customer: dict[str, list[BookHolding]] = {}
    for holding in holdings:
        by_customer.setdefault(holding.customer_id, []).append(holding)
    conflicts = []
    for customer_id in customer_ids:
        held = by_customer.get(customer_id, [])
        if any(h.owner_staff_id == owner_staff_id for h in held):
            continue
        conflicts.extend(held[:1])
    return conflicts
