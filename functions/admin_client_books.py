"""Admin view of store-level client book changes (reassignments, managers' removals)."""

from __future__ import annotations

import azure.functions as func
from pydantic import TypeAdapter, ValidationError

from functions.client_book_schemas import AUDIT_FILTERS
from functions.http_support import Access, ApiRequest, endpoint
from functions.route_values import legal_entity
from shared.domain.client_book_views import AuditPage
from shared.domain.errors import ValidationFailed
from shared.domain.model_base import Identifier

bp = func.Blueprint()
_customer_id = TypeAdapter(Identifier)


def _customer_filter(request: ApiRequest) -> str | None:
    raw = request.query_value("customerId")
    if raw is None:
        return None
    try:
        return _customer_id.validate_python(raw)
    except ValidationError:
        raise ValidationFailed.single("customerId", "is not a customer id") from None


@endpoint(
    bp,
    name="admin_client_book_audit",
    route="admin/{legalEntity}/client-book-audit",
    method="GET",
    access=Access.ADMIN,
    tag="admin: client books",
    summary="Who reassigned or removed which customer from whose client book to whose,"
    " newest first",
    response_model=AuditPage,
    query=AUDIT_FILTERS,
)
def client_book_audit(request: ApiRequest) -> AuditPage:
    return request.services.client_books.audit_page(
        legal_entity(request),
        _customer_filter(request),
        request.page_size(),
        request.continuation_token(),
    )
