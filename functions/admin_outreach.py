"""Admin routes of outreach: the settings of a legal entity (kill switch, quiet hours,
frequency cap, activity types, unsubscribe base URL) and message templates. Both reach the POS
when distribution job 1110 publishes them."""

from __future__ import annotations

import azure.functions as func
from pydantic import Field

from functions.consent import SmsLengthResource
from functions.http_support import Access, ApiRequest, ApiResponse, endpoint
from functions.route_values import legal_entity, route_id
from shared.domain.message_templates import SAMPLE_VALUES, MessageTemplate, fill, sms_length
from shared.domain.model_base import DomainModel
from shared.domain.outreach import OutreachSettings
from shared.services.headquarters import Versioned

bp = func.Blueprint()
ADMIN = {"access": Access.ADMIN, "tag": "admin: outreach"}
IF_MATCH = ("If-Match",)
ETAG = ("ETag",)
TEMPLATE = "admin/{legalEntity}/message-templates/{templateId}"


class MessageTemplateResource(MessageTemplate):
    template_id: str
    sms_length: dict[str, SmsLengthResource] | None = Field(
        default=None,
        description="SMS only, per language: length and segments with sample values for the"
        " placeholders (a first name of 9 letters, ...); the POS preview gives the exact figure",
    )


class MessageTemplateList(DomainModel):
    templates: list[MessageTemplateResource]


def _template(found: Versioned[MessageTemplate]) -> MessageTemplateResource:
    template = found.value
    lengths = None
    if template.channel == "sms":
        lengths = {
            language: SmsLengthResource(**sms_length(fill(text.body, SAMPLE_VALUES)).to_json())
            for language, text in template.texts.items()
        }
    return MessageTemplateResource(
        template_id=found.doc_id, sms_length=lengths, **template.model_dump()
    )


@endpoint(
    bp,
    name="admin_get_outreach_settings",
    route="admin/{legalEntity}/outreach-settings",
    method="GET",
    summary="Outreach settings of a legal entity (defaults until saved: outreach off)",
    response_model=OutreachSettings,
    response_headers=ETAG,
    **ADMIN,
)
def get_outreach_settings(request: ApiRequest) -> ApiResponse:
    found = request.services.headquarters.outreach(legal_entity(request))
    return ApiResponse(found.value, etag=found.etag)


@endpoint(
    bp,
    name="admin_put_outreach_settings",
    route="admin/{legalEntity}/outreach-settings",
    method="PUT",
    summary="Replace the outreach settings (If-Match once saved); job 1110 publishes them",
    request_model=OutreachSettings,
    response_model=OutreachSettings,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def put_outreach_settings(request: ApiRequest) -> ApiResponse:
    value = request.json_body(OutreachSettings)
    saved = request.services.headquarters.save_outreach(
        legal_entity(request), value, request.if_match()
    )
    return ApiResponse(saved.value, etag=saved.etag)


@endpoint(
    bp,
    name="admin_list_message_templates",
    route="admin/{legalEntity}/message-templates",
    method="GET",
    summary="All message templates, active or not, with SMS length per language",
    response_model=MessageTemplateList,
    **ADMIN,
)
def list_message_templates(request: ApiRequest) -> MessageTemplateList:
    found = request.services.headquarters.message_templates.list(legal_entity(request))
    return MessageTemplateList(templates=[_template(t) for t in found])


@endpoint(
    bp,
    name="admin_get_message_template",
    route=TEMPLATE,
    method="GET",
    summary="One message template",
    response_model=MessageTemplateResource,
    response_headers=ETAG,
    **ADMIN,
)
def get_message_template(request: ApiRequest) -> ApiResponse:
    found = request.services.headquarters.message_templates.require(
        legal_entity(request), route_id(request, "templateId")
    )
    return ApiResponse(_template(found), etag=found.etag)


@endpoint(
    bp,
    name="admin_put_message_template",
    route=TEMPLATE,
    method="PUT",
    summary="Create or replace a message template: per language a body (and an email's"
    " subject) with the placeholders {customer.firstName}, {associate.name}, {store.name},"
    " {store.phone}; an unknown placeholder is a 400 naming it",
    request_model=MessageTemplate,
    response_model=MessageTemplateResource,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def put_message_template(request: ApiRequest) -> ApiResponse:
    value = request.json_body(MessageTemplate)
    saved = request.services.headquarters.message_templates.put(
        legal_entity(request), route_id(request, "templateId"), value, request.if_match()
    )
    return ApiResponse(_template(saved), etag=saved.etag)


@endpoint(
    bp,
    name="admin_delete_message_template",
    route=TEMPLATE,
    method="DELETE",
    summary="Deactivate a message template (the POS no longer offers it)",
    response_model=MessageTemplateResource,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def delete_message_template(request: ApiRequest) -> ApiResponse:
    saved = request.services.headquarters.deactivate_message_template(
        legal_entity(request), route_id(request, "templateId"), request.if_match()
    )
    return ApiResponse(_template(saved), etag=saved.etag)
