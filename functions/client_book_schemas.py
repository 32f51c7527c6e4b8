"""Request shapes and query parameters of the client book and customer routes (response
shapes are the domain's views)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from functions.http_support import QueryParam
from shared.domain.book_filters import RANGE_PATTERN
from shared.domain.client_books import MAX_BATCH
from shared.domain.important_dates import MAX_UPCOMING_DAYS
from shared.domain.model_base import DomainModel, Identifier
from shared.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

CustomerIds = list[Identifier]


class AddCustomers(DomainModel):
    customer_ids: CustomerIds = Field(min_length=1, max_length=MAX_BATCH)


class RemoveCustomers(DomainModel):
    customer_ids: CustomerIds = Field(min_length=1, max_length=MAX_BATCH)
    from_staff_id: Identifier | None = Field(
        default=None,
        description="whose book to remove from; omit for your own. Another associate's book"
        " needs manage-store-client-books and must be in your store client book",
    )


class ReassignCustomers(DomainModel):
    customer_ids: CustomerIds = Field(min_length=1, max_length=MAX_BATCH)
    to_staff_id: Identifier = Field(
        description="an active associate who works with one of this store's address books"
    )


class AttributeChanges(DomainModel):
    attributes: dict[str, Any] = Field(
        description="attribute name -> new value (typed as the attribute), or null to clear;"
        " attributes not named keep their value"
    )


PAGING = (
    QueryParam(
        "pageSize",
        f"customers per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
    QueryParam("continuationToken", "from the previous page of the same query"),
)
BOOK_FILTERS = (
    QueryParam(
        "search", "every word must appear in the name, email or phone (case and accents ignored)"
    ),
    QueryParam(
        "refine",
        "<attribute>:<value> on a refinable attribute; repeat it: AND across attributes, OR"
        " within one",
        repeated=True,
    ),
    QueryParam(
        "range",
        "<attribute>:<min>..<max>, an inclusive range of a refinable integer, decimal or date"
        " attribute; leave out an end for an open range (lifetimeValue:1000.., lastVisit:"
        "..2025-06-30); repeat it for several attributes. The older <attribute>.min and"
        " <attribute>.max parameters are still accepted",
        {"type": "string", "pattern": RANGE_PATTERN},
        repeated=True,
    ),
    QueryParam(
        "upcoming",
        f"birthday or anniversary within the next N days, today included (1 to"
        f" {MAX_UPCOMING_DAYS}); 29 February counts as 28 February in common years",
        {"type": "integer", "minimum": 1, "maximum": MAX_UPCOMING_DAYS},
    ),
    *PAGING,
)
STORE_BOOK_FILTERS = (
    *BOOK_FILTERS,
    QueryParam("ownerStaffId", "only this associate's customers (in your store client book)"),
)
CUSTOMER_SEARCH = (
    QueryParam(
        "search",
        "required, at least 2 characters; each word matches the start of a word of the name,"
        " of the email or one of its parts, or any part of the phone number",
    ),
    *PAGING,
)
AUDIT_FILTERS = (QueryParam("customerId", "only this customer's entries"), *PAGING)
