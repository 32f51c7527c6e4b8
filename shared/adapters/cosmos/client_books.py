"""Client books, memberships and their audit in Cosmos DB (`memberships`, one partition per
legal entity; item shapes in book_items.py).

Every list, count and refiner query and every multi-customer change stays inside the legal
entity's partition: a page is one keyset query ordered by (sortName, customerId), an add of
up to 100 customers is one transactional batch of creates, and the one-book rule is the
membership's id (the customer id), which no second book can create.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.book_items import (
    BOOK,
    MEMBERSHIP,
    audit_entry,
    audit_item,
    book_id_reservation,
    book_item_id,
    card_copy,
    card_of,
    holding_of,
    membership_id,
    membership_item,
)
from shared.adapters.cosmos.book_query import book_where, collapses_customers, owners_of
from shared.adapters.cosmos.book_summary import (
    fold,
    has_row_conditions,
    projection,
    summed,
    tallies_query,
)
from shared.adapters.cosmos.book_tally import (
    TALLY,
    Change,
    PartlyWritten,
    TallyWriter,
    empty_tally,
    read_tallies,
    tally_id,
)
from shared.adapters.cosmos.customer_search import CosmosCustomerSearch
from shared.adapters.cosmos.customers import customer_item
from shared.adapters.cosmos.database import CosmosContainer
from shared.adapters.cosmos.item_format import api_etag, customer_key
from shared.adapters.cosmos.sequences import take
from shared.domain.attributes import AttributeDefinition
from shared.domain.book_filters import BookFilters
from shared.domain.client_books import BookHolding, ClientBookRecord
from shared.domain.errors import Conflict, DependencyUnavailable, NotFound, PreconditionFailed
from shared.ports.client_books import (
    AddOutcome,
    AuditEntry,
    AuditStamp,
    BookEntry,
    BookPosition,
    BookScope,
    BookSummary,
    HeldElsewhere,
    HoldingsChanged,
    NewBookId,
    ReassignOutcome,
    RemoveOutcome,
    SearchHit,
)
from shared.ports.customers import StoredCustomer

MAX_BOOK_ID_ATTEMPTS = 20
# A customer change racing removals from the books holding it reads them again this often.
REFRESH_ATTEMPTS = 5
BOOK_SEQUENCE = "client-book"
AUDIT_SEQUENCE = "client-book-audit"
PAGE_FIELDS = (
    "c.customerId, c.bookId, c.ownerStaffId, c.sortName, c.name, c.email, c.phone, c.attributes"
)


class CosmosClientBookRecords:
    def __init__(
        self,
        memberships: CosmosContainer,
        customers: CosmosContainer,
        search: CosmosCustomerSearch,
    ) -> None:
        self._items = memberships
        self._customers = customers
        self._search = search

    # -- books ----------------------------------------------------------------------------

    def book_of(self, legal_entity: str, owner_staff_id: str) -> ClientBookRecord | None:
        book = self._items.read(book_item_id(owner_staff_id), legal_entity)
        if book is None:
            return None
        tally = self._items.read(tally_id(owner_staff_id), legal_entity)
        return self._record(legal_entity, book["bookId"], owner_staff_id, tally)

    def _record(
        self,
        legal_entity: str,
        book_id: str,
        owner_staff_id: str,
        tally: Mapping[str, Any] | None,
    ) -> ClientBookRecord:
        """The book and its member count: the tally's (written in the same batch as the
        memberships, so it is their count), or counted from the rows of a book without one."""
        if tally is not None and "members" in tally:
            return ClientBookRecord(legal_entity, book_id, owner_staff_id, int(tally["members"]))
        counted = self._items.query(
            "SELECT VALUE COUNT(1) FROM c WHERE c.legalEntity = @le"
            f" AND c.type = '{MEMBERSHIP}' AND c.ownerStaffId = @owner",
            {"@le": legal_entity, "@owner": owner_staff_id},
            partition_key=legal_entity,
        )
        return ClientBookRecord(legal_entity, book_id, owner_staff_id, sum(counted))

    def _book_and_members(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        tally_owners: Sequence[str] = (),
    ) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any] | None], list[dict[str, Any]]]:
        """In one query: the owner's book item, its memberships of these customers, and the
        tallies of the owner's book and of `tally_owners`' books (None where missing)."""
        owners = list(dict.fromkeys([owner_staff_id, *tally_owners]))
        items = self._items.query(
            "SELECT * FROM c WHERE c.legalEntity = @le AND ARRAY_CONTAINS(@owners, c.ownerStaffId)"
            f" AND (c.type = '{BOOK}' OR c.type = '{TALLY}'"
            f" OR (c.type = '{MEMBERSHIP}' AND ARRAY_CONTAINS(@ids, c.customerId)))",
            {"@le": legal_entity, "@owners": owners, "@ids": list(customer_ids)},
            partition_key=legal_entity,
        )
        book = None
        tallies: dict[str, dict[str, Any] | None] = dict.fromkeys(owners)
        members = []
        for item in items:
            if item["ownerStaffId"] != owner_staff_id and item["type"] != TALLY:
                continue  # another owner's book or membership: only its tally was asked for
            if item["type"] == BOOK:
                book = item
            elif item["type"] == TALLY:
                tallies[item["ownerStaffId"]] = item
            else:
                members.append(item)
        return book, tallies, members

    def _ensure_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        book: dict[str, Any] | None,
        new_book_id: NewBookId,
        created_at: str,
    ) -> tuple[str, bool]:
        if book is not None:
            return book["bookId"], False
        book_id = self._free_book_id(legal_entity, new_book_id)
        item = {
            "id": book_item_id(owner_staff_id),
            "legalEntity": legal_entity,
            "type": BOOK,
            "bookId": book_id,
            "ownerStaffId": owner_staff_id,
            "createdAt": created_at,
        }
        try:
            self._items.create(item)
        except Conflict:
            # The owner's first add raced another one; theirs made the book (our number
            # stays unused, as numbers are never reused).
            made = self._items.read(item["id"], legal_entity)
            if made is None:
                raise
            return made["bookId"], False
        return book_id, True

    def _free_book_id(self, legal_entity: str, new_book_id: NewBookId) -> str:
        # The counter is never reused; a formatted id can still collide with one made under
        # an earlier prefix or width, so each id is reserved by creating an item named for it.
        for _ in range(MAX_BOOK_ID_ATTEMPTS):
            book_id = new_book_id(take(self._items, legal_entity, BOOK_SEQUENCE))
            reservation = {
                "id": book_id_reservation(book_id),
                "legalEntity": legal_entity,
                "type": "book-id",
            }
            try:
                self._items.create(reservation)
            except Conflict:
                continue
            return book_id
        raise RuntimeError(f"no free client book id after {MAX_BOOK_ID_ATTEMPTS} attempts")

    # -- lists ----------------------------------------------------------------------------

    def page_of_book(
        self, scope: BookScope, filters: BookFilters, after: BookPosition | None, limit: int
    ) -> list[BookEntry]:
        where = book_where(scope, filters, after)
        collapse = collapses_customers(scope, filters)
        top = "" if collapse else f"TOP {max(int(limit), 0)} "
        items = self._items.query(
            f"SELECT {top}{PAGE_FIELDS} FROM c WHERE {where.sql} ORDER BY c.sortName, c.customerId",
            where.parameters,
            partition_key=scope.legal_entity,
            page_size=max(int(limit), 1),
        )
        rows = _lowest_book_per_customer(items, limit) if collapse else list(items)
        return [BookEntry(card_of(r), holding_of(r), r["sortName"]) for r in rows]

    def count_in_book(self, scope: BookScope, filters: BookFilters) -> int:
        where = book_where(scope, filters)
        if collapses_customers(scope, filters):
            ids = self._items.query(
                f"SELECT VALUE c.customerId FROM c WHERE {where.sql}",
                where.parameters,
                partition_key=scope.legal_entity,
            )
            return len(set(ids))
        counted = self._items.query(
            f"SELECT VALUE COUNT(1) FROM c WHERE {where.sql}",
            where.parameters,
            partition_key=scope.legal_entity,
        )
        return sum(counted)

    def summarize_book(
        self,
        scope: BookScope,
        filters: BookFilters,
        attributes: Sequence[AttributeDefinition],
    ) -> BookSummary:
        if not attributes:
            return BookSummary(self.count_in_book(scope, filters), [])
        if not has_row_conditions(filters) and not collapses_customers(scope, filters):
            sql, parameters = tallies_query(scope.legal_entity, owners_of(scope, filters))
            items = self._items.query(sql, parameters, partition_key=scope.legal_entity)
            summary = summed(items, attributes)
            if summary is not None:
                return summary
        where = book_where(scope, filters)
        rows = self._items.query(
            projection(where, attributes), where.parameters, partition_key=scope.legal_entity
        )
        return fold(rows, attributes)

    # -- who holds whom -------------------------------------------------------------------

    def holdings_of(self, legal_entity: str, customer_ids: Sequence[str]) -> list[BookHolding]:
        if not customer_ids:
            return []
        items = self._memberships_of(legal_entity, customer_ids)
        holdings = [holding_of(i) for i in items]
        return sorted(holdings, key=lambda h: (h.customer_id, h.owner_staff_id, h.book_id))

    def _memberships_of(
        self, legal_entity: str, customer_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        return list(
            self._items.query(
                "SELECT * FROM c WHERE c.legalEntity = @le"
                f" AND c.type = '{MEMBERSHIP}' AND ARRAY_CONTAINS(@ids, c.customerId)",
                {"@le": legal_entity, "@ids": list(customer_ids)},
                partition_key=legal_entity,
            )
        )

    def existing_customers(self, legal_entity: str, customer_ids: Sequence[str]) -> set[str]:
        if not customer_ids:
            return set()
        return set(
            self._customers.query(
                "SELECT VALUE c.customerId FROM c WHERE c.legalEntity = @le"
                " AND ARRAY_CONTAINS(@ids, c.customerId)",
                {"@le": legal_entity, "@ids": list(customer_ids)},
            )
        )

    # -- changes --------------------------------------------------------------------------

    def add_to_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        sole_holder: bool,
        new_book_id: NewBookId,
        created_at: str,
    ) -> AddOutcome:
        book, tallies, members = self._book_and_members(legal_entity, owner_staff_id, customer_ids)
        book_id, created = self._ensure_book(
            legal_entity, owner_staff_id, book, new_book_id, created_at
        )
        if created:
            tallies[owner_staff_id] = empty_tally(legal_entity, owner_staff_id)
        present = {m["customerId"] for m in members if m["bookId"] == book_id}
        to_add = [c for c in dict.fromkeys(customer_ids) if c not in present]
        if to_add:
            copies = self._card_copies(legal_entity, to_add)
            changes = []
            for customer in to_add:
                if customer not in copies:
                    continue
                holding = BookHolding(customer, book_id, owner_staff_id)
                item = membership_item(
                    legal_entity, holding, sole_holder, created_at, copies[customer]
                )
                change = Change([batches.create(item)])
                change.touch(owner_staff_id).count(item["attributes"], +1)
                changes.append(change)
            self._add_all_or_nothing(legal_entity, owner_staff_id, tallies, changes)
        book_record = self._record(legal_entity, book_id, owner_staff_id, tallies[owner_staff_id])
        already = [c for c in customer_ids if c in present]
        return AddOutcome(book_record, created, to_add, already)

    def _add_all_or_nothing(
        self,
        legal_entity: str,
        owner_staff_id: str,
        tallies: dict[str, dict[str, Any] | None],
        changes: Sequence[Change],
    ) -> None:
        """Write an add; 100 memberships and the tally are 101 operations, so an add of 100
        takes two batches. If the second loses a race for a customer, the first is taken
        back, so the add stays all or nothing (a crash in between leaves the first part)."""
        try:
            TallyWriter(self._items, legal_entity, tallies).write(changes)
        except Conflict as problem:
            raise HeldElsewhere(str(problem)) from None
        except PartlyWritten as partly:
            if not isinstance(partly.cause, Conflict):
                raise partly.cause from None
            written = [c.operations[0][1][0]["customerId"] for c in changes[: partly.written]]
            self.remove_from_book(legal_entity, owner_staff_id, written, None)
            raise HeldElsewhere(str(partly.cause)) from None

    def _card_copies(self, legal_entity: str, customer_ids: Sequence[str]) -> dict[str, Any]:
        items = self._customers.query(
            "SELECT c.customerId, c.body, c.sortName, c.searchText FROM c"
            " WHERE c.legalEntity = @le AND ARRAY_CONTAINS(@ids, c.customerId)",
            {"@le": legal_entity, "@ids": list(customer_ids)},
        )
        return {i["customerId"]: card_copy(i) for i in items}

    def remove_from_book(
        self,
        legal_entity: str,
        owner_staff_id: str,
        customer_ids: Sequence[str],
        audit: AuditStamp | None,
    ) -> RemoveOutcome:
        book, tallies, members = self._book_and_members(legal_entity, owner_staff_id, customer_ids)
        if book is None:
            return RemoveOutcome(None, [], list(customer_ids))
        book_id = book["bookId"]
        held = {m["customerId"]: m for m in members if m["bookId"] == book_id}
        removed = [c for c in dict.fromkeys(customer_ids) if c in held]
        changes = []
        for customer in removed:
            change = Change([batches.delete(held[customer]["id"])])
            change.touch(owner_staff_id).count(held[customer].get("attributes"), -1)
            changes.append(change)
        if audit is not None and removed:
            last = take(self._items, legal_entity, AUDIT_SEQUENCE, len(removed))
            for number, (customer, change) in enumerate(zip(removed, changes, strict=True)):
                source = BookHolding(customer, book_id, owner_staff_id)
                entry = audit_item(
                    legal_entity, last - len(removed) + 1 + number, audit, source, None, None
                )
                change.operations.append(batches.create(entry))
        try:
            TallyWriter(self._items, legal_entity, tallies).write(changes)
        except PartlyWritten as partly:
            raise partly.cause from None
        book_record = self._record(legal_entity, book_id, owner_staff_id, tallies[owner_staff_id])
        return RemoveOutcome(book_record, removed, [c for c in customer_ids if c not in held])

    def reassign(
        self,
        legal_entity: str,
        moves: Sequence[BookHolding],
        to_staff_id: str,
        new_book_id: NewBookId,
        audit: AuditStamp,
    ) -> ReassignOutcome:
        customer_ids = sorted({m.customer_id for m in moves})
        sources = sorted({m.owner_staff_id for m in moves})
        book, tallies, _ = self._book_and_members(legal_entity, to_staff_id, [], sources)
        book_id, created = self._ensure_book(
            legal_entity, to_staff_id, book, new_book_id, audit.recorded_at
        )
        if created:
            tallies[to_staff_id] = empty_tally(legal_entity, to_staff_id)
        current = {
            (i["customerId"], i["bookId"]): i
            for i in (self._memberships_of(legal_entity, customer_ids) if moves else [])
        }
        held = {c for c, b in current if b == book_id}
        changes = self._move(moves, current, book_id, to_staff_id, held)
        if moves:
            last = take(self._items, legal_entity, AUDIT_SEQUENCE, len(moves))
            for number, (move, change) in enumerate(zip(moves, changes, strict=True)):
                entry_id = last - len(moves) + 1 + number
                entry = audit_item(legal_entity, entry_id, audit, move, book_id, to_staff_id)
                change.operations.append(batches.create(entry))
        try:
            try:
                TallyWriter(self._items, legal_entity, tallies).write(changes)
            except PartlyWritten as partly:
                raise partly.cause from None
        except (PreconditionFailed, NotFound, Conflict):
            raise HoldingsChanged("a membership to move has changed meanwhile") from None
        book_record = self._record(legal_entity, book_id, to_staff_id, tallies[to_staff_id])
        return ReassignOutcome(book_record, created, list(moves))

    @staticmethod
    def _move(
        moves: Sequence[BookHolding],
        current: dict[tuple[str, str], dict[str, Any]],
        book_id: str,
        to_staff_id: str,
        held: set[str],
    ) -> list[Change]:
        """Per move, the operations re-homing its membership into the target book, or
        dropping it when the target holds the customer already (several books allowed),
        and what that does to both books' tallies. Each is guarded by the membership's
        ETag: a concurrent change fails the batch."""
        changes = []
        for move in moves:
            item = current.get((move.customer_id, move.book_id))
            if item is None or item["ownerStaffId"] != move.owner_staff_id:
                raise HoldingsChanged("a membership to move is no longer there")
            etag = item["_etag"]
            change = Change([])
            change.touch(move.owner_staff_id).count(item.get("attributes"), -1)
            changes.append(change)
            if move.customer_id in held:
                change.operations.append(batches.delete(item["id"], etag))
                continue
            change.touch(to_staff_id).count(item.get("attributes"), +1)
            held.add(move.customer_id)
            sole = item["id"] == move.customer_id
            moved = {k: v for k, v in item.items() if not k.startswith("_")}
            moved.update(
                bookId=book_id,
                ownerStaffId=to_staff_id,
                id=membership_id(move.customer_id, book_id, sole),
            )
            if sole:
                change.operations.append(batches.replace(moved, etag))
            else:
                change.operations += [batches.delete(item["id"], etag), batches.create(moved)]
        return changes

    def audit_trail(
        self, legal_entity: str, customer_id: str | None, before_entry_id: int | None, limit: int
    ) -> list[AuditEntry]:
        conditions = ["c.legalEntity = @le", "c.type = 'audit'"]
        parameters: dict[str, Any] = {"@le": legal_entity}
        if customer_id is not None:
            conditions.append("c.customerId = @customer")
            parameters["@customer"] = customer_id
        if before_entry_id is not None:
            conditions.append("c.entryId < @before")
            parameters["@before"] = before_entry_id
        fetch = max(int(limit), 0)
        items = self._items.query(
            f"SELECT TOP {fetch} * FROM c WHERE {' AND '.join(conditions)} ORDER BY c.entryId DESC",
            parameters,
            partition_key=legal_entity,
            page_size=max(fetch, 1),
        )
        return [audit_entry(i) for i in islice(items, fetch)]

    # -- customers ------------------------------------------------------------------------

    def search_customers(
        self,
        legal_entity: str,
        address_books: Sequence[str],
        words: Sequence[str],
        after: BookPosition | None,
        limit: int,
    ) -> list[SearchHit]:
        # Only the search-key container: never the legal entity's customers.
        return self._search.search(legal_entity, address_books, words, after, limit)

    def set_attribute_values(
        self, legal_entity: str, customer_id: str, values: Mapping[str, Any], if_match: str
    ) -> StoredCustomer:
        key = customer_key(legal_entity, customer_id)
        stored = self._customers.read(customer_id, key)
        if stored is None:
            raise NotFound(f"no customer {customer_id!r}", resource="customer")
        if api_etag(stored) != if_match:
            raise _stale(customer_id, api_etag(stored))
        body = dict(stored["body"])
        attributes = dict(body.get("attributes") or {})
        for name, value in values.items():
            if value is None:
                attributes.pop(name, None)
            else:
                attributes[name] = value
        body["attributes"] = attributes
        item = customer_item(legal_entity, body)
        try:
            written = self._customers.replace(item, stored["_etag"])
        except PreconditionFailed:
            now = self._customers.read(customer_id, key)
            raise _stale(customer_id, api_etag(now) if now else None) from None
        refresh_copies(self._items, legal_entity, [item])
        self._search.refresh_cards(legal_entity, item)
        return StoredCustomer(legal_entity, customer_id, body, api_etag(written))


def refresh_copies(
    memberships: CosmosContainer, legal_entity: str, customer_items: Sequence[dict[str, Any]]
) -> int:
    """Write each customer's current card copy onto its memberships (a customer change must
    show on every card); one query, then batches of replaces in the partition, each with the
    tallies of the books whose attribute counts it changes (one more query when any)."""
    by_id = {i["customerId"]: i for i in customer_items}
    if not by_id:
        return 0
    for _ in range(REFRESH_ATTEMPTS):
        try:
            try:
                return _refresh_once(memberships, legal_entity, by_id)
            except PartlyWritten as partly:
                raise partly.cause from None
        except (PreconditionFailed, NotFound):
            # A membership was removed or moved meanwhile: read what is there now (copies
            # already written read as unchanged, so their tallies are not counted twice).
            continue
    raise DependencyUnavailable("a client book is being changed by many at once; try again")


def _refresh_once(
    memberships: CosmosContainer, legal_entity: str, by_id: Mapping[str, dict[str, Any]]
) -> int:
    found = memberships.query(
        "SELECT * FROM c WHERE c.legalEntity = @le"
        f" AND c.type = '{MEMBERSHIP}' AND ARRAY_CONTAINS(@ids, c.customerId)",
        {"@le": legal_entity, "@ids": list(by_id)},
        partition_key=legal_entity,
    )
    changes = []
    for member in found:
        fresh = {k: v for k, v in member.items() if not k.startswith("_")}
        fresh.update(card_copy(by_id[member["customerId"]]))
        # If-Match: a membership removed meanwhile must not come back with this write.
        change = Change([batches.replace(fresh, member["_etag"])])
        delta = change.touch(member["ownerStaffId"])
        delta.count(member.get("attributes"), -1)
        delta.count(fresh.get("attributes"), +1)
        changes.append(change)
    owners = sorted({o for c in changes for o, d in c.deltas.items() if not d.is_empty()})
    stored = read_tallies(memberships, legal_entity, owners)
    tallies: dict[str, dict[str, Any] | None] = {o: stored.get(o) for o in owners}
    TallyWriter(memberships, legal_entity, tallies).write(changes)
    return len(changes)


def _stale(customer_id: str, current: str | None) -> PreconditionFailed:
    return PreconditionFailed(
        f"customer {customer_id} has changed since you read it; read it again",
        currentEtag=current,
    )


def _lowest_book_per_customer(items: Iterable[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Up to `limit` customers from items in (sortName, customerId) order, each once, from
    the book with the lowest id (a customer's memberships are adjacent in that order)."""
    chosen: dict[str, dict[str, Any]] = {}
    for item in items:
        customer = item["customerId"]
        if customer not in chosen and len(chosen) == limit:
            break
        if customer not in chosen or item["bookId"] < chosen[customer]["bookId"]:
            chosen[customer] = item
    return list(chosen.values())
