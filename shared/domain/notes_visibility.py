"""Who reads which notes of a customer, under the `notesVisibility` parameter."""

from __future__ import annotations

from collections.abc import Collection

from shared.domain.access import StaffContext
from shared.domain.organisation import Operation
from shared.domain.parameters import NOTES_FOR_LEGAL_ENTITY, NotesVisibility


def reads_every_note(
    mode: NotesVisibility,
    reader: StaffContext,
    holders: Collection[str],
    store_book_owners: Collection[str],
) -> bool:
    """True if `reader` reads all of the customer's notes; otherwise only their own.

    `holders`: owners of the books holding the customer. `store_book_owners`: owners of the
    books in the reader's store client book (the reader included).
    """
    if mode == NOTES_FOR_LEGAL_ENTITY or reader.staff_id in holders:
        return True
    return reader.may(Operation.MANAGE_STORE_CLIENT_BOOKS) and any(
        owner in store_book_owners for owner in holders
    )
