"""Resolve the caller: their staff record in the store's legal entity, or admin rights."""

from __future__ import annotations

from shared.domain.access import StaffContext, staff_context
from shared.domain.errors import Forbidden, NotFound
from shared.domain.identity import Identity
from shared.services.published_view import PublishedCache


class AccessService:
    def __init__(self, published: PublishedCache) -> None:
        self._published = published

    def in_store(self, identity: Identity, store_id: str) -> StaffContext:
        """The caller acting in `store_id`: they must be staff of its legal entity there."""
        found = self._published.current().find_store(store_id)
        if found is None:
            raise NotFound(f"no store {store_id!r}", resource="store")
        entity, store = found
        staff = entity.staff_by_object_id.get(identity.object_id)
        permission_set = entity.permission_sets.get(staff.permission_set_id) if staff else None
        return staff_context(entity.legal_entity, staff, store, permission_set)

    @staticmethod
    def require_admin(identity: Identity) -> None:
        if not identity.is_admin:
            raise Forbidden("this route needs the Clienteling.Admin app role")
