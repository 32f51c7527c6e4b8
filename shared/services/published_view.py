"""The published headquarters data as the POS reads it, cached per published version."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from shared.domain.activity_types import ActivityType
from shared.domain.attributes import AttributeDefinition, AttributeGroup
from shared.domain.distribution import SINGLETON_ID, PublishedKind
from shared.domain.followup_rules import FollowupRule
from shared.domain.key_vault import KeyVaultSettings
from shared.domain.message_templates import MessageTemplate
from shared.domain.organisation import PermissionSet, Staff, Store
from shared.domain.outreach import OutreachSettings
from shared.domain.parameters import ClientelingParameters
from shared.ports.documents import PublishedDocument, PublishedDocuments

log = logging.getLogger(__name__)


@dataclass
class LegalEntityView:
    legal_entity: str
    parameters: ClientelingParameters | None = None
    attribute_groups: dict[str, AttributeGroup] = field(default_factory=dict)
    activity_types: dict[str, ActivityType] = field(default_factory=dict)
    key_vault: KeyVaultSettings | None = None
    stores: dict[str, Store] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    permission_sets: dict[str, PermissionSet] = field(default_factory=dict)
    staff_by_object_id: dict[str, Staff] = field(default_factory=dict)
    outreach: OutreachSettings | None = None  # None: never saved, so outreach is off
    message_templates: dict[str, MessageTemplate] = field(default_factory=dict)
    followup_rules: dict[str, FollowupRule] = field(default_factory=dict)

    def client_book_group(self) -> AttributeGroup | None:
        """The attribute group the parameters select for client books."""
        if self.parameters is None or self.parameters.attribute_group_id is None:
            return None
        return self.attribute_groups.get(self.parameters.attribute_group_id)

    def active_activity_types(self) -> dict[str, ActivityType]:
        return {k: v for k, v in self.activity_types.items() if v.active}


@dataclass
class PublishedView:
    version: int
    entities: dict[str, LegalEntityView] = field(default_factory=dict)
    store_legal_entity: dict[str, str] = field(default_factory=dict)

    def entity(self, legal_entity: str) -> LegalEntityView:
        return self.entities.get(legal_entity) or LegalEntityView(legal_entity)

    def is_active_associate(self, object_id: str) -> bool:
        """Has this Entra object id an active staff record in some legal entity?"""
        return any(object_id in e.staff_by_object_id for e in self.entities.values())

    def find_store(self, store_id: str) -> tuple[LegalEntityView, Store] | None:
        legal_entity = self.store_legal_entity.get(store_id)
        if legal_entity is None:
            return None
        entity = self.entities[legal_entity]
        return entity, entity.stores[store_id]


def _merge_groups(
    definitions: dict[str, dict[str, Any]], presentation: dict[str, dict[str, Any]]
) -> dict[str, AttributeGroup]:
    groups = {}
    for group_id, body in definitions.items():
        shown = presentation.get(group_id, {}).get("attributes", {})
        attributes = [
            AttributeDefinition.model_validate({**a, **shown.get(a["name"], {})})
            for a in body["attributes"]
        ]
        groups[group_id] = AttributeGroup(name=body["name"], attributes=attributes)
    return groups


def build_view(version: int, documents: list[PublishedDocument]) -> PublishedView:
    """Turn published documents into typed lookups; a bad document is logged and skipped."""
    by_entity: dict[str, dict[str, dict[str, dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for doc in documents:
        by_entity[doc.legal_entity][doc.kind][doc.doc_id] = doc.body
    view = PublishedView(version)
    for legal_entity, kinds in by_entity.items():
        entity = LegalEntityView(legal_entity)
        try:
            _fill(entity, kinds)
        except (ValidationError, KeyError) as problem:
            log.error("published data of %s is invalid and was skipped: %s", legal_entity, problem)
            continue
        view.entities[legal_entity] = entity
        for store_id in entity.stores:
            view.store_legal_entity[store_id] = legal_entity
    return view


def _fill(entity: LegalEntityView, kinds: dict[str, dict[str, dict[str, Any]]]) -> None:
    if SINGLETON_ID in kinds[PublishedKind.PARAMETERS]:
        entity.parameters = ClientelingParameters.model_validate(
            kinds[PublishedKind.PARAMETERS][SINGLETON_ID]
        )
    if SINGLETON_ID in kinds[PublishedKind.KEY_VAULT]:
        entity.key_vault = KeyVaultSettings.model_validate(
            kinds[PublishedKind.KEY_VAULT][SINGLETON_ID]
        )
    if SINGLETON_ID in kinds[PublishedKind.OUTREACH_SETTINGS]:
        entity.outreach = OutreachSettings.model_validate(
            kinds[PublishedKind.OUTREACH_SETTINGS][SINGLETON_ID]
        )
    entity.message_templates = {
        k: MessageTemplate.model_validate(v)
        for k, v in kinds[PublishedKind.MESSAGE_TEMPLATE].items()
    }
    entity.attribute_groups = _merge_groups(
        kinds[PublishedKind.ATTRIBUTE_DEFINITIONS], kinds[PublishedKind.ATTRIBUTE_PRESENTATION]
    )
    entity.activity_types = {
        k: ActivityType.model_validate(v) for k, v in kinds[PublishedKind.ACTIVITY_TYPE].items()
    }
    entity.stores = {k: Store.model_validate(v) for k, v in kinds[PublishedKind.STORE].items()}
    entity.staff = {k: Staff.model_validate(v) for k, v in kinds[PublishedKind.STAFF].items()}
    entity.permission_sets = {
        k: PermissionSet.model_validate(v) for k, v in kinds[PublishedKind.PERMISSION_SET].items()
    }
    entity.staff_by_object_id = {s.object_id: s for s in entity.staff.values() if s.active}
    entity.followup_rules = {
        k: FollowupRule.model_validate(v) for k, v in kinds[PublishedKind.FOLLOWUP_RULE].items()
    }


@dataclass
class _RequestLook:
    """The view one request has seen so far (None until its first look)."""

    view: PublishedView | None = None


class PublishedCache:
    """Serves the published view; reloads when the published version moves.

    The version is checked on every call (one cheap read) unless `check_seconds` allows a
    short staleness; a distribution run in this process invalidates at once. Within
    `one_request()` the version is read at most once: the access check and the use case of
    one request see the same view, and the next request reads the version again.
    """

    def __init__(self, published: PublishedDocuments, check_seconds: float = 0.0) -> None:
        self._published = published
        self._check_seconds = check_seconds
        self._view: PublishedView | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        # A context variable, not a field: requests run side by side on worker threads.
        self._request: ContextVar[_RequestLook | None] = ContextVar(
            "published_view_of_request", default=None
        )

    @contextmanager
    def one_request(self) -> Iterator[None]:
        """Serve the view read by the first `current()` inside to every later call inside."""
        token = self._request.set(_RequestLook())
        try:
            yield
        finally:
            self._request.reset(token)

    def current(self) -> PublishedView:
        look = self._request.get()
        if look is None:
            return self._checked()
        if look.view is None:
            look.view = self._checked()
        return look.view

    def _checked(self) -> PublishedView:
        view = self._view
        now = time.monotonic()
        if view is not None and now - self._checked_at < self._check_seconds:
            return view
        version = self._published.version()
        if view is not None and view.version == version:
            self._checked_at = now
            return view
        with self._lock:
            if self._view is None or self._view.version != version:
                loaded_version, documents = self._published.load_all()
                self._view = build_view(loaded_version, list(documents))
                log.info("published view loaded at version %d", loaded_version)
            self._checked_at = now
            return self._view

    def invalidate(self) -> None:
        """After a distribution run in this process: the next look reads the version again,
        even later in the same request."""
        self._checked_at = 0.0
        look = self._request.get()
        if look is not None:
            look.view = None
