"""POS routes of client books: my book (712, 714, 715), the store client book (713) and
reassignment (716)."""

from __future__ import annotations

import azure.functions as func

from functions.client_book_schemas import (
    BOOK_FILTERS,
    STORE_BOOK_FILTERS,
    AddCustomers,
    ReassignCustomers,
    RemoveCustomers,
)
from functions.http_support import Access, ApiRequest, endpoint
from shared.domain.access import StaffContext
from shared.domain.client_book_views import (
    AddReport,
    BookPage,
    MyClientBook,
    ReassignReport,
    RemoveReport,
)
from shared.domain.organisation import Operation

bp = func.Blueprint()
POS = {"access": Access.STAFF, "tag": "client books"}


def caller(request: ApiRequest) -> StaffContext:
    """The associate in the route's store (resolved by the pipeline for store routes)."""
    assert request.staff is not None, "store routes resolve the staff context"
    return request.staff


@endpoint(
    bp,
    name="client_book_mine",
    route="stores/{storeId}/client-book",
    method="GET",
    operation=Operation.VIEW_CLIENT_BOOK,
    summary="My client book in this legal entity (id, owner, count); clientBook is null"
    " until the first add",
    response_model=MyClientBook,
    **POS,
)
def my_client_book(request: ApiRequest) -> MyClientBook:
    return request.services.client_books.my_book(caller(request))


@endpoint(
    bp,
    name="client_book_customers",
    route="stores/{storeId}/client-book/customers",
    method="GET",
    operation=Operation.VIEW_CLIENT_BOOK,
    summary="712 View customers in my client book: cards by name, filters, refiners (first"
    " page), totalCount, keyset paging",
    response_model=BookPage,
    query=BOOK_FILTERS,
    **POS,
)
def my_book_customers(request: ApiRequest) -> BookPage:
    return request.services.client_books.my_book_page(
        caller(request), request.query, request.page_size(), request.continuation_token()
    )


@endpoint(
    bp,
    name="client_book_add",
    route="stores/{storeId}/client-book/customers",
    method="POST",
    operation=Operation.ADD_TO_CLIENT_BOOK,
    summary="714 Add 1-100 customers to my client book (created on first add); all or"
    " nothing; a customer in a colleague's book is a 409 unless several books are allowed",
    request_model=AddCustomers,
    response_model=AddReport,
    **POS,
)
def add_customers(request: ApiRequest) -> AddReport:
    body = request.json_body(AddCustomers)
    return request.services.client_books.add(caller(request), body.customer_ids)


@endpoint(
    bp,
    name="client_book_remove",
    route="stores/{storeId}/client-book/customers/remove",
    method="POST",
    operation=Operation.REMOVE_FROM_CLIENT_BOOK,
    summary="715 Remove 1-100 customers from my client book, or with fromStaffId (needs"
    " manage-store-client-books) from a colleague's book in my store client book;"
    " activities and notes stay",
    request_model=RemoveCustomers,
    response_model=RemoveReport,
    **POS,
)
def remove_customers(request: ApiRequest) -> RemoveReport:
    body = request.json_body(RemoveCustomers)
    return request.services.client_books.remove(
        caller(request), body.customer_ids, body.from_staff_id
    )


@endpoint(
    bp,
    name="store_client_book_customers",
    route="stores/{storeId}/store-client-book/customers",
    method="GET",
    operation=Operation.VIEW_STORE_CLIENT_BOOK,
    summary="713 View customers from the store client books: the books of every associate"
    " sharing an address book with your stores; each card names its book's owner",
    response_model=BookPage,
    query=STORE_BOOK_FILTERS,
    **POS,
)
def store_book_customers(request: ApiRequest) -> BookPage:
    return request.services.client_books.store_book_page(
        caller(request), request.query, request.page_size(), request.continuation_token()
    )


@endpoint(
    bp,
    name="store_client_book_reassign",
    route="stores/{storeId}/store-client-book/reassign",
    method="POST",
    operation=Operation.REASSIGN_CUSTOMERS,
    summary="716 Reassign 1-100 customers of the store client book to toStaffId's book"
    " (created if needed); all or nothing; audited",
    request_model=ReassignCustomers,
    response_model=ReassignReport,
    **POS,
)
def reassign_customers(request: ApiRequest) -> ReassignReport:
    body = request.json_body(ReassignCustomers)
    return request.services.client_books.reassign(
        caller(request), body.customer_ids, body.to_staff_id
    )
