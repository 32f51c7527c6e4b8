"""POS routes of customers: search, details, client-book attribute values."""

from __future__ import annotations

import azure.functions as func

from functions.client_book_schemas import CUSTOMER_SEARCH, AttributeChanges
from functions.client_books import caller
from functions.http_support import Access, ApiRequest, ApiResponse, endpoint
from functions.route_values import route_id
from shared.domain.client_book_views import CustomerDetails, CustomerSearchPage
from shared.domain.organisation import Operation
from shared.services.customers import VersionedDetails

bp = func.Blueprint()
POS = {"access": Access.STAFF, "tag": "customers"}


def _versioned(found: VersionedDetails) -> ApiResponse:
    return ApiResponse(found.details, etag=found.etag)


@endpoint(
    bp,
    name="customer_search",
    route="stores/{storeId}/customers",
    method="GET",
    summary="Search the customers of this store's address books by name, email or phone;"
    " each hit says whether it is in your book, a colleague's (whose) or none",
    response_model=CustomerSearchPage,
    query=CUSTOMER_SEARCH,
    **POS,
)
def search_customers(request: ApiRequest) -> CustomerSearchPage:
    return request.services.customers.search(
        caller(request),
        request.query_value("search"),
        request.page_size(),
        request.continuation_token(),
    )


@endpoint(
    bp,
    name="customer_details",
    route="stores/{storeId}/customers/{customerId}",
    method="GET",
    summary="Customer details: card, every client-book attribute value, the books holding"
    " the customer, ETag; open to every associate of the legal entity in this store",
    response_model=CustomerDetails,
    response_headers=("ETag",),
    **POS,
)
def customer_details(request: ApiRequest) -> ApiResponse:
    found = request.services.customers.details(caller(request), route_id(request, "customerId"))
    return _versioned(found)


@endpoint(
    bp,
    name="customer_attributes_patch",
    route="stores/{storeId}/customers/{customerId}/attributes",
    method="PATCH",
    operation=Operation.EDIT_CUSTOMER_ATTRIBUTES,
    summary="Set (or clear with null) client-book attribute values, typed against the"
    " published attribute group, of a customer in one of this store's address books or in a"
    " book of your store client book (needs edit-customer-attributes; 409 customer-erased"
    " for an erased customer); If-Match required; answers the new details and ETag",
    request_model=AttributeChanges,
    response_model=CustomerDetails,
    required_headers=("If-Match",),
    response_headers=("ETag",),
    **POS,
)
def patch_attributes(request: ApiRequest) -> ApiResponse:
    if_match = request.require_if_match()
    body = request.json_body(AttributeChanges)
    found = request.services.customers.set_attributes(
        caller(request), route_id(request, "customerId"), body.attributes, if_match
    )
    return _versioned(found)
