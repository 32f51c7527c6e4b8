"""Resolve the caller: their staff record in the store's legal entity, or admin rights."""

from __future__ import annotations

from shared.domain.access import StaffContext, not_an_associate, staff_context
from shared.domain.errors import Forbidden, NotFound
from shared.domain.identity import Identity
from shared.services.published_view import PublishedCache


class AccessService:
    def __init__(self, published: PublishedCache) -> None:
        self._published = published

    def in_store(self, identity: Identity, store_id: str) -> StaffContext:
        """The caller acting in `store_id`: they must be staff of its legal entity there.

        Nothing here tells a caller about a legal entity they do not work for: without an
        active staff record anywhere, every store answers the same 403; for an associate, a
        store of another legal entity is as unknown (404) as one that does not exist.
        """
        view = self._published.current()
        if not view.is_active_associate(identity.object_id):
            raise not_an_associate()
        found = view.find_store(store_id)
        staff = found[0].staff_by_object_id.get(identity.object_id) if found else None
        if found is None or staff is None:
            raise NotFound(f"no store {store_id!r}", resource="store")
        entity, store = found
        permission_set = entity.permission_sets.get(staff.permission_set_id)
        return staff_context(entity.legal_entity, staff, store, permission_set)

    @staticmethod
    def require_admin(identity: Identity) -> None:
        if not identity.is_admin:
            raise Forbidden("this route needs the Clienteling.Admin app role")
