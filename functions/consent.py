"""POS routes of consent and message templates: what a customer agreed to, capturing what
they say now, and the templates an associate may send with a preview for one customer."""

from __future__ import annotations

from typing import Literal

import azure.functions as func
from pydantic import Field

from functions.client_books import caller
from functions.http_support import Access, ApiRequest, QueryParam, endpoint
from functions.route_values import route_id
from shared.domain.consent import (
    Channel,
    ConfirmationText,
    ConsentEvent,
    ConsentState,
    ConsentSummary,
    summary,
)
from shared.domain.errors import NotFound
from shared.domain.model_base import DomainModel
from shared.domain.organisation import Operation
from shared.services.customer_scope import require_customer

bp = func.Blueprint()
POS = {"access": Access.STAFF, "tag": "outreach"}
CUSTOMER = "stores/{storeId}/customers/{customerId}"


class ConsentCapture(DomainModel):
    channel: Channel
    state: Literal[ConsentState.OPTED_IN, ConsentState.OPTED_OUT]
    confirmation_text: ConfirmationText = Field(
        description="what the customer confirmed, in their words (e.g. 'Yes, text me about"
        " new arrivals'), kept with the consent as evidence"
    )


class ConsentResource(DomainModel):
    customer_id: str
    consent: ConsentSummary
    history: list[ConsentEvent] = Field(description="every change, in the order recorded")


class SmsLengthResource(DomainModel):
    encoding: Literal["GSM-7", "UCS-2"]
    units: int = Field(description="septets (GSM-7) or UTF-16 code units (UCS-2)")
    segments: int
    per_segment: int


class TemplateSummary(DomainModel):
    template_id: str
    name: str
    channel: Channel
    languages: list[str]


class TemplateSummaryList(DomainModel):
    templates: list[TemplateSummary]


class PreviewResource(DomainModel):
    template_id: str
    customer_id: str
    channel: Channel
    language: str = Field(description="the template language used for this customer")
    subject: str | None
    body: str
    sms_length: SmsLengthResource | None = Field(description="SMS only: exact, as rendered")


def _consent(customer_id: str, history: list[ConsentEvent]) -> ConsentResource:
    return ConsentResource(customer_id=customer_id, consent=summary(history), history=history)


@endpoint(
    bp,
    name="customer_consent",
    route=CUSTOMER + "/consent",
    method="GET",
    summary="A customer's consent per channel (email, sms) and its history: source, time,"
    " who captured it and the customer's confirmation",
    response_model=ConsentResource,
    **POS,
)
def customer_consent(request: ApiRequest) -> ConsentResource:
    customer_id = route_id(request, "customerId")
    legal_entity = caller(request).legal_entity
    # Open to every associate of the legal entity in this store, as customer details are.
    require_customer(request.services.storage.customers, legal_entity, customer_id)
    return _consent(customer_id, request.services.consent.history(legal_entity, customer_id))


@endpoint(
    bp,
    name="customer_consent_capture",
    route=CUSTOMER + "/consent",
    method="POST",
    operation=Operation.CAPTURE_CONSENT,
    summary="Record the customer's opt-in or opt-out on one channel with their confirmation"
    " text (needs capture-consent; the customer must be in this store's scope: its address"
    " books or a book of your store client book; 409 customer-erased for an erased customer)",
    request_model=ConsentCapture,
    response_model=ConsentResource,
    **POS,
)
def capture_consent(request: ApiRequest) -> ConsentResource:
    body = request.json_body(ConsentCapture)
    customer_id = route_id(request, "customerId")
    history = request.services.consent.capture(
        caller(request), customer_id, body.channel, body.state, body.confirmation_text
    )
    return _consent(customer_id, history)


@endpoint(
    bp,
    name="message_templates",
    route="stores/{storeId}/message-templates",
    method="GET",
    operation=Operation.VIEW_CLIENT_BOOK,
    summary="The active message templates of the legal entity (published by job 1110)",
    response_model=TemplateSummaryList,
    query=(QueryParam("channel", "only templates of this channel", {"enum": ["email", "sms"]}),),
    **POS,
)
def message_templates(request: ApiRequest) -> TemplateSummaryList:
    staff = caller(request)
    channel = request.query_value("channel")
    templates = request.services.published.current().entity(staff.legal_entity).message_templates
    return TemplateSummaryList(
        templates=[
            TemplateSummary(
                template_id=template_id,
                name=t.name,
                channel=t.channel,
                languages=sorted(t.texts),
            )
            for template_id, t in sorted(templates.items())
            if t.active and (channel is None or t.channel == channel)
        ]
    )


@endpoint(
    bp,
    name="message_template_preview",
    route=CUSTOMER + "/message-templates/{templateId}/preview",
    method="GET",
    operation=Operation.VIEW_CLIENT_BOOK,
    summary="A template rendered for this customer as you would send it: their language, your"
    " name, this store; SMS with its exact segment count (needs view-client-book; the customer"
    " must be in this store's scope)",
    response_model=PreviewResource,
    **POS,
)
def preview_template(request: ApiRequest) -> PreviewResource:
    staff = caller(request)
    customer_id = route_id(request, "customerId")
    template_id = route_id(request, "templateId")
    request.services.customers.require_in_store_scope(staff, customer_id)
    published = request.services.published.current().entity(staff.legal_entity)
    template = published.message_templates.get(template_id)
    if template is None or not template.active:
        raise NotFound(f"no message template {template_id!r}", resource="message-template")
    policy = request.services.outreach_policy
    assert policy is not None  # this side of outreach is what builds it
    preview = policy.preview(
        legal_entity=staff.legal_entity,
        store_id=staff.store.store_id,
        customer_id=customer_id,
        associate_id=staff.staff_id,
        channel=None,
        template_id=template_id,
    )
    return PreviewResource(
        template_id=template_id,
        customer_id=customer_id,
        channel=preview.channel,
        language=preview.language,
        subject=preview.rendered.subject,
        body=preview.rendered.body,
        sms_length=SmsLengthResource(**preview.sms.to_json()) if preview.sms else None,
    )
