"""Who may do what: the one place that answers "may this staff member do X in store S"."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.errors import Forbidden
from shared.domain.organisation import Operation, PermissionSet, Staff, Store


@dataclass(frozen=True)
class StaffContext:
    """A signed-in associate acting in one store of one legal entity."""

    legal_entity: str
    staff: Staff
    store: Store
    operations: frozenset[Operation]

    @property
    def staff_id(self) -> str:
        return self.staff.staff_id

    def may(self, operation: Operation) -> bool:
        return operation in self.operations

    def require(self, operation: Operation) -> None:
        if operation not in self.operations:
            raise Forbidden(
                f"your permission set does not grant '{operation.value}'",
                operation=operation.value,
            )


def not_an_associate() -> Forbidden:
    """The one answer for a caller with no active staff record: the same for every store
    and legal entity, existing or not, so that it tells nothing about them."""
    return Forbidden("your account is not an active associate; ask headquarters to add it")


def staff_context(
    legal_entity: str,
    staff: Staff | None,
    store: Store,
    permission_set: PermissionSet | None,
) -> StaffContext:
    """The context of `staff` in `store`, or Forbidden saying which rule stops it."""
    if staff is None or not staff.active:
        raise not_an_associate()
    if store.store_id not in staff.stores:
        raise Forbidden(f"you do not work in store {store.store_id}")
    operations = frozenset(permission_set.operations) if permission_set else frozenset()
    return StaffContext(legal_entity, staff, store, operations)
