"""Note routes: read and add on the POS, edit and delete by the author, the edit history."""

from __future__ import annotations

import azure.functions as func

from functions.http_support import Access, ApiRequest, ApiResponse, endpoint
from functions.idempotent_requests import create_once
from functions.note_schemas import (
    NoteHistory,
    NoteInput,
    NoteList,
    NoteResource,
    NoteRevisionResource,
)
from functions.paging_query import PAGING
from functions.route_values import legal_entity, route_id
from functions.store_caller import store_staff
from shared.services.notes import HistoryPage, NotePage

bp = func.Blueprint()
POS = {"access": Access.STAFF, "tag": "notes"}
ADMIN = {"access": Access.ADMIN, "tag": "admin: activities and notes"}
NOTES_ROUTE = "stores/{storeId}/customers/{customerId}/notes"
NOTE_ROUTE = NOTES_ROUTE + "/{noteId}"
IF_MATCH = ("If-Match",)
ETAG = ("ETag",)


def _note_list(page: NotePage) -> NoteList:
    return NoteList(
        notes=[NoteResource.of(n) for n in page.notes],
        continuation_token=page.continuation_token,
    )


def _history(note_id: str, page: HistoryPage) -> NoteHistory:
    return NoteHistory(
        note_id=note_id,
        revisions=[NoteRevisionResource.of(r) for r in page.revisions],
        continuation_token=page.continuation_token,
    )


@endpoint(
    bp,
    name="pos_list_notes",
    route=NOTES_ROUTE,
    method="GET",
    summary="The customer's notes the caller may read (notesVisibility), newest first, paged",
    response_model=NoteList,
    query=PAGING,
    **POS,
)
def list_notes(request: ApiRequest) -> NoteList:
    page = request.services.notes.list_for(
        store_staff(request),
        route_id(request, "customerId"),
        request.page_size(),
        request.continuation_token(),
    )
    return _note_list(page)


@endpoint(
    bp,
    name="pos_add_note",
    route=NOTES_ROUTE,
    method="POST",
    summary="Add a note about the customer (the caller is its author)",
    request_model=NoteInput,
    response_model=NoteResource,
    success_status=201,
    headers=("Idempotency-Key",),
    response_headers=ETAG,
    **POS,
)
def add_note(request: ApiRequest) -> ApiResponse:
    staff = store_staff(request)
    text = request.json_body(NoteInput).text
    customer_id = route_id(request, "customerId")
    notes = request.services.notes
    return create_once(
        request,
        notes.new_note_id,
        lambda note_id: NoteResource.of(notes.add(staff, customer_id, text, note_id)),
        etag_of=lambda body: body["etag"],
    )


@endpoint(
    bp,
    name="pos_get_note",
    route=NOTE_ROUTE,
    method="GET",
    summary="One note, with the ETag to edit it",
    response_model=NoteResource,
    response_headers=ETAG,
    **POS,
)
def get_note(request: ApiRequest) -> ApiResponse:
    note = request.services.notes.get(
        store_staff(request),
        route_id(request, "customerId"),
        route_id(request, "noteId"),
    )
    return ApiResponse(NoteResource.of(note), etag=note.etag)


@endpoint(
    bp,
    name="pos_edit_note",
    route=NOTE_ROUTE,
    method="PUT",
    summary="Change a note's text (author only, If-Match); the old text goes to its history",
    request_model=NoteInput,
    response_model=NoteResource,
    required_headers=IF_MATCH,
    response_headers=ETAG,
    **POS,
)
def edit_note(request: ApiRequest) -> ApiResponse:
    text = request.json_body(NoteInput).text
    note = request.services.notes.edit(
        store_staff(request),
        route_id(request, "customerId"),
        route_id(request, "noteId"),
        text,
        request.require_if_match(),
    )
    return ApiResponse(NoteResource.of(note), etag=note.etag)


@endpoint(
    bp,
    name="pos_delete_note",
    route=NOTE_ROUTE,
    method="DELETE",
    summary="Delete a note (author only, If-Match); admins can still read its history",
    success_status=204,
    required_headers=IF_MATCH,
    **POS,
)
def delete_note(request: ApiRequest) -> ApiResponse:
    request.services.notes.delete(
        store_staff(request),
        route_id(request, "customerId"),
        route_id(request, "noteId"),
        request.require_if_match(),
    )
    return ApiResponse(status=204)


@endpoint(
    bp,
    name="pos_note_history",
    route=NOTE_ROUTE + "/history",
    method="GET",
    summary="Earlier texts of a note, newest first (its author only)",
    response_model=NoteHistory,
    query=PAGING,
    **POS,
)
def note_history(request: ApiRequest) -> NoteHistory:
    note_id = route_id(request, "noteId")
    page = request.services.notes.author_history(
        store_staff(request),
        route_id(request, "customerId"),
        note_id,
        request.page_size(),
        request.continuation_token(),
    )
    return _history(note_id, page)


@endpoint(
    bp,
    name="admin_list_notes",
    route="admin/{legalEntity}/customers/{customerId}/notes",
    method="GET",
    summary="Headquarters view of a customer's notes, newest first",
    response_model=NoteList,
    query=PAGING,
    **ADMIN,
)
def admin_list_notes(request: ApiRequest) -> NoteList:
    page = request.services.notes.list(
        legal_entity(request),
        route_id(request, "customerId"),
        request.page_size(),
        request.continuation_token(),
    )
    return _note_list(page)


@endpoint(
    bp,
    name="admin_note_history",
    route="admin/{legalEntity}/customers/{customerId}/notes/{noteId}/history",
    method="GET",
    summary="Earlier texts of a note, also of a deleted one, newest first",
    response_model=NoteHistory,
    query=PAGING,
    **ADMIN,
)
def admin_note_history(request: ApiRequest) -> NoteHistory:
    note_id = route_id(request, "noteId")
    page = request.services.notes.admin_history(
        legal_entity(request),
        route_id(request, "customerId"),
        note_id,
        request.page_size(),
        request.continuation_token(),
    )
    return _history(note_id, page)
