"""Which notes of a customer a caller on the POS reads, under the published parameters."""

from __future__ import annotations

from shared.domain.access import StaffContext
from shared.domain.notes_visibility import reads_every_note
from shared.domain.organisation import Operation
from shared.domain.parameters import NOTES_FOR_LEGAL_ENTITY
from shared.ports.storage import Storage
from shared.services.clienteling_context import ClientelingContexts
from shared.services.published_view import PublishedCache


class NoteReaders:
    def __init__(
        self, storage: Storage, published: PublishedCache, contexts: ClientelingContexts
    ) -> None:
        self._storage = storage
        self._published = published
        self._contexts = contexts

    def only_author(self, staff: StaffContext, customer_id: str) -> str | None:
        """None if the caller reads every note of the customer; otherwise the one author
        whose notes they read (themselves)."""
        parameters = self._published.current().entity(staff.legal_entity).parameters
        if parameters is None or parameters.notes_visibility == NOTES_FOR_LEGAL_ENTITY:
            return None  # the seed's rule: nothing to look up
        books = self._storage.client_books.holdings_of(staff.legal_entity, [customer_id])
        holders = {h.owner_staff_id for h in books}
        owners: frozenset[str] = frozenset()
        if holders and staff.may(Operation.MANAGE_STORE_CLIENT_BOOKS):
            owners = self._contexts.of(staff).store_book_owners()
        if reads_every_note(parameters.notes_visibility, staff, holders, owners):
            return None
        return staff.staff_id
