"""Admin bulk imports of stores, staff, permission sets and customers."""

from __future__ import annotations

import azure.functions as func

from functions.http_support import Access, ApiRequest, endpoint
from functions.route_values import legal_entity
from functions.schemas import ImportReportBody
from shared.domain.customers import CustomerImportRecord
from shared.domain.organisation import PermissionSet, Staff, Store
from shared.services.record_stream import records

bp = func.Blueprint()
NDJSON = "application/x-ndjson"


@endpoint(
    bp,
    name="admin_import",
    route="admin/{legalEntity}/import/{kind}",
    method="POST",
    access=Access.ADMIN,
    tag="admin: imports",
    summary="Bulk upsert of stores, staff, permission-sets or customers, with a per-record report",
    response_model=ImportReportBody,
    body_content_types=("application/json", NDJSON),
    body_record_models=(Store, Staff, PermissionSet, CustomerImportRecord),
    large_body=True,
)
def import_records(request: ApiRequest) -> dict:
    text = request.text_body()
    stream = records(text, ndjson=request.content_type == NDJSON)
    report = request.services.imports.run(legal_entity(request), request.route["kind"], stream)
    return report.to_json()
