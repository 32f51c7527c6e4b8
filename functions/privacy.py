"""Privacy routes for headquarters: export everything about a customer, or erase it."""

from __future__ import annotations

import azure.functions as func

from functions.http_support import Access, ApiRequest, endpoint
from functions.privacy_schemas import (
    CustomerExportResource,
    ErasureLog,
    ErasureRequest,
    ErasureResource,
)
from functions.route_values import legal_entity, route_id
from shared.domain.errors import ValidationFailed
from shared.ports.clock import iso

bp = func.Blueprint()
ADMIN = {"access": Access.ADMIN, "tag": "admin: privacy"}
CUSTOMER_ROUTE = "admin/{legalEntity}/customers/{customerId}"


@endpoint(
    bp,
    name="admin_export_customer",
    route=CUSTOMER_ROUTE + "/export",
    method="GET",
    summary="All clienteling data of one customer (right of access): master data, client"
    " books, attribute values, activities, notes with every earlier text, audit entries",
    response_model=CustomerExportResource,
    **ADMIN,
)
def export_customer(request: ApiRequest) -> CustomerExportResource:
    entity = legal_entity(request)
    app = request.services
    export = app.privacy.export(entity, route_id(request, "customerId"))
    staff = app.published.current().entity(entity).staff

    def staff_name(staff_id: str) -> str:
        found = staff.get(staff_id)
        return found.name if found else staff_id

    return CustomerExportResource.of(export, iso(app.clock.now()), staff_name)


@endpoint(
    bp,
    name="admin_erase_customer",
    route=CUSTOMER_ROUTE + "/erase",
    method="POST",
    summary="Erase a customer's personal data (right to erasure); safe to repeat",
    request_model=ErasureRequest,
    response_model=ErasureResource,
    **ADMIN,
)
def erase_customer(request: ApiRequest) -> ErasureResource:
    assert request.identity is not None  # admin routes always authenticate
    customer_id = route_id(request, "customerId")
    if request.json_body(ErasureRequest).confirm_customer_id != customer_id:
        raise ValidationFailed.single("confirmCustomerId", "must repeat the route's customer id")
    erasure = request.services.privacy.erase(
        legal_entity(request), customer_id, request.identity.object_id
    )
    return ErasureResource.of(erasure)


@endpoint(
    bp,
    name="admin_customer_erasures",
    route=CUSTOMER_ROUTE + "/erasures",
    method="GET",
    summary="When and by whom the customer was erased, with counts (no personal data)",
    response_model=ErasureLog,
    **ADMIN,
)
def customer_erasures(request: ApiRequest) -> ErasureLog:
    customer_id = route_id(request, "customerId")
    erasures = request.services.privacy.erasures(legal_entity(request), customer_id)
    return ErasureLog(customer_id=customer_id, erasures=[ErasureResource.of(e) for e in erasures])
