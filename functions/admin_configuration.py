"""Admin routes for headquarters configuration: parameters, attribute groups, activity types,
Key Vault settings. Changes reach the POS through the distribution jobs."""

from __future__ import annotations

import azure.functions as func

from functions.http_support import Access, ApiRequest, ApiResponse, endpoint
from functions.route_values import legal_entity, route_id
from functions.schemas import (
    ActivityTypeList,
    ActivityTypeResource,
    AttributeGroupList,
    AttributeGroupResource,
)
from shared.domain.activity_types import ActivityType
from shared.domain.attributes import AttributeGroup
from shared.domain.key_vault import KeyVaultSettings
from shared.domain.parameters import ClientelingParameters
from shared.services.headquarters import Versioned

bp = func.Blueprint()
TAG = "admin: configuration"
ADMIN = {"access": Access.ADMIN, "tag": TAG}
IF_MATCH = ("If-Match",)
ETAG = ("ETag",)


def _versioned(found: Versioned) -> ApiResponse:
    return ApiResponse(found.value, etag=found.etag)


def _group(found: Versioned[AttributeGroup]) -> AttributeGroupResource:
    return AttributeGroupResource(group_id=found.doc_id, **found.value.model_dump())


def _activity_type(found: Versioned[ActivityType]) -> ActivityTypeResource:
    return ActivityTypeResource(activity_type_id=found.doc_id, **found.value.model_dump())


@endpoint(
    bp,
    name="admin_get_parameters",
    route="admin/{legalEntity}/parameters",
    method="GET",
    summary="Clienteling parameters of a legal entity",
    response_model=ClientelingParameters,
    response_headers=ETAG,
    **ADMIN,
)
def get_parameters(request: ApiRequest) -> ApiResponse:
    return _versioned(request.services.headquarters.parameters(legal_entity(request)))


@endpoint(
    bp,
    name="admin_put_parameters",
    route="admin/{legalEntity}/parameters",
    method="PUT",
    summary="Replace the clienteling parameters",
    request_model=ClientelingParameters,
    response_model=ClientelingParameters,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def put_parameters(request: ApiRequest) -> ApiResponse:
    new = request.json_body(ClientelingParameters)
    saved = request.services.headquarters.save_parameters(
        legal_entity(request), new, request.if_match()
    )
    return _versioned(saved)


@endpoint(
    bp,
    name="admin_list_attribute_groups",
    route="admin/{legalEntity}/attribute-groups",
    method="GET",
    summary="All attribute groups",
    response_model=AttributeGroupList,
    **ADMIN,
)
def list_attribute_groups(request: ApiRequest) -> AttributeGroupList:
    groups = request.services.headquarters.attribute_groups.list(legal_entity(request))
    return AttributeGroupList(attribute_groups=[_group(g) for g in groups])


@endpoint(
    bp,
    name="admin_get_attribute_group",
    route="admin/{legalEntity}/attribute-groups/{groupId}",
    method="GET",
    summary="One attribute group",
    response_model=AttributeGroupResource,
    response_headers=ETAG,
    **ADMIN,
)
def get_attribute_group(request: ApiRequest) -> ApiResponse:
    found = request.services.headquarters.attribute_groups.require(
        legal_entity(request), route_id(request, "groupId")
    )
    return ApiResponse(_group(found), etag=found.etag)


@endpoint(
    bp,
    name="admin_put_attribute_group",
    route="admin/{legalEntity}/attribute-groups/{groupId}",
    method="PUT",
    summary="Create or replace an attribute group",
    request_model=AttributeGroup,
    response_model=AttributeGroupResource,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def put_attribute_group(request: ApiRequest) -> ApiResponse:
    group = request.json_body(AttributeGroup)
    saved = request.services.headquarters.attribute_groups.put(
        legal_entity(request), route_id(request, "groupId"), group, request.if_match()
    )
    return ApiResponse(_group(saved), etag=saved.etag)


@endpoint(
    bp,
    name="admin_list_activity_types",
    route="admin/{legalEntity}/activity-types",
    method="GET",
    summary="All activity types, active or not",
    response_model=ActivityTypeList,
    **ADMIN,
)
def list_activity_types(request: ApiRequest) -> ActivityTypeList:
    found = request.services.headquarters.activity_types.list(legal_entity(request))
    return ActivityTypeList(activity_types=[_activity_type(t) for t in found])


@endpoint(
    bp,
    name="admin_get_activity_type",
    route="admin/{legalEntity}/activity-types/{activityTypeId}",
    method="GET",
    summary="One activity type",
    response_model=ActivityTypeResource,
    response_headers=ETAG,
    **ADMIN,
)
def get_activity_type(request: ApiRequest) -> ApiResponse:
    found = request.services.headquarters.activity_types.require(
        legal_entity(request), route_id(request, "activityTypeId")
    )
    return ApiResponse(_activity_type(found), etag=found.etag)


@endpoint(
    bp,
    name="admin_put_activity_type",
    route="admin/{legalEntity}/activity-types/{activityTypeId}",
    method="PUT",
    summary="Create or replace an activity type",
    request_model=ActivityType,
    response_model=ActivityTypeResource,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def put_activity_type(request: ApiRequest) -> ApiResponse:
    value = request.json_body(ActivityType)
    saved = request.services.headquarters.activity_types.put(
        legal_entity(request), route_id(request, "activityTypeId"), value, request.if_match()
    )
    return ApiResponse(_activity_type(saved), etag=saved.etag)


@endpoint(
    bp,
    name="admin_delete_activity_type",
    route="admin/{legalEntity}/activity-types/{activityTypeId}",
    method="DELETE",
    summary="Deactivate an activity type (recorded activities keep it)",
    response_model=ActivityTypeResource,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def delete_activity_type(request: ApiRequest) -> ApiResponse:
    saved = request.services.headquarters.deactivate_activity_type(
        legal_entity(request), route_id(request, "activityTypeId"), request.if_match()
    )
    return ApiResponse(_activity_type(saved), etag=saved.etag)


@endpoint(
    bp,
    name="admin_get_key_vault",
    route="admin/{legalEntity}/key-vault",
    method="GET",
    summary="Key Vault settings: the vault and secret references (never values)",
    response_model=KeyVaultSettings,
    response_headers=ETAG,
    **ADMIN,
)
def get_key_vault(request: ApiRequest) -> ApiResponse:
    return _versioned(request.services.headquarters.key_vault(legal_entity(request)))


@endpoint(
    bp,
    name="admin_put_key_vault",
    route="admin/{legalEntity}/key-vault",
    method="PUT",
    summary="Replace the Key Vault settings",
    request_model=KeyVaultSettings,
    response_model=KeyVaultSettings,
    headers=IF_MATCH,
    response_headers=ETAG,
    **ADMIN,
)
def put_key_vault(request: ApiRequest) -> ApiResponse:
    value = request.json_body(KeyVaultSettings)
    saved = request.services.headquarters.save_key_vault(
        legal_entity(request), value, request.if_match()
    )
    return _versioned(saved)
