"""Client books, memberships and their audit in Cosmos DB (`books`: one partition per book,
one per legal entity for the holder registry; item shapes in book_items.py).

A book's page, count and refiners are single-partition queries in the book's partition; a
store client book's are one query over its books' partitions (`c.partitionKey IN (...)`,
routed to the physical partitions holding them). An add of up to 100 customers claims them
in the holder registry (book_holders.py: the one-book rule, all or nothing) and then writes
the memberships and the book's tally in one batch in the book's partition. A remove deletes
the memberships, then frees their holder entries. A reassign moves the holder entries in one
batch guarded by their ETags (the point where the move is decided: of two managers moving
one customer, one wins), then deletes the memberships from the source books and creates them
in the target book. docs/client-books.md states what a reader can see between those steps.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from shared.adapters.cosmos import batches
from shared.adapters.cosmos.book_holders import (
    claim,
    holder_item,
    holders_of,
    release,
    release_claim,
)
from shared.adapters.cosmos.book_items import (
    BOOK,
    MEMBERSHIP,
    audit_entry,
    audit_item,
    book_id_reservation,
    book_item_id,
    book_key,
    card_copy,
    card_of,
    entity_key,
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
from shared.adapters.cosmos.database import CosmosContainer, Operation
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
        books: CosmosContainer,
        customers: CosmosContainer,
        search: CosmosCustomerSearch,
    ) -> None:
        self._items = books
        self._customers = customers
        self._search = search

    # -- books ----------------------------------------------------------------------------

    def book_of(self, legal_entity: str, owner_staff_id: str) -> ClientBookRecord | None:
        partition = book_key(legal_entity, owner_staff_id)
        book = self._items.read(book_item_id(owner_staff_id), partition)
        if book is None:
            return None
        tally = self._items.read(tally_id(owner_staff_id), partition)
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
            f"SELECT VALUE COUNT(1) FROM c WHERE c.partitionKey = @pk AND c.type = '{MEMBERSHIP}'",
            {"@pk": book_key(legal_entity, owner_staff_id)},
            partition_key=book_key(legal_entity, owner_staff_id),
        )
        return ClientBookRecord(legal_entity, book_id, owner_staff_id, sum(counted))

    def _book_and_members(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str]
    ) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any] | None], list[dict[str, Any]]]:
        """In one query in the book's partition: the book item, its tally (None when
        missing) and its memberships of these customers."""
        items = self._items.query(
            "SELECT * FROM c WHERE c.partitionKey = @pk"
            f" AND (c.type = '{BOOK}' OR c.type = '{TALLY}'"
            f" OR (c.type = '{MEMBERSHIP}' AND ARRAY_CONTAINS(@ids, c.customerId)))",
            {"@pk": book_key(legal_entity, owner_staff_id), "@ids": list(customer_ids)},
            partition_key=book_key(legal_entity, owner_staff_id),
        )
        book = None
        tallies: dict[str, dict[str, Any] | None] = {owner_staff_id: None}
        members = []
        for item in items:
            if item["type"] == BOOK:
                book = item
            elif item["type"] == TALLY:
                tallies[owner_staff_id] = item
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
        partition = book_key(legal_entity, owner_staff_id)
        item = {
            "id": book_item_id(owner_staff_id),
            "partitionKey": partition,
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
            made = self._items.read(item["id"], partition)
            if made is None:
                raise
            return made["bookId"], False
        return book_id, True

    def _free_book_id(self, legal_entity: str, new_book_id: NewBookId) -> str:
        # The counter is never reused; a formatted id can still collide with one made under
        # an earlier prefix or width, so each id is reserved by creating an item named for it.
        partition = entity_key(legal_entity)
        for _ in range(MAX_BOOK_ID_ATTEMPTS):
            book_id = new_book_id(take(self._items, partition, BOOK_SEQUENCE))
            reservation = {
                "id": book_id_reservation(book_id),
                "partitionKey": partition,
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

    def _query_books(
        self,
        scope: BookScope,
        filters: BookFilters,
        sql: str,
        parameters: dict[str, Any],
        **kw: Any,
    ) -> Iterator[dict[str, Any]]:
        """A query in the one book's partition, or over the partitions of the scope's books."""
        owners = owners_of(scope, filters)
        key = book_key(scope.legal_entity, owners[0]) if len(owners) == 1 else None
        return self._items.query(sql, parameters, partition_key=key, **kw)

    def page_of_book(
        self, scope: BookScope, filters: BookFilters, after: BookPosition | None, limit: int
    ) -> list[BookEntry]:
        where = book_where(scope, filters, after)
        collapse = collapses_customers(scope, filters)
        top = "" if collapse else f"TOP {max(int(limit), 0)} "
        items = self._query_books(
            scope,
            filters,
            f"SELECT {top}{PAGE_FIELDS} FROM c WHERE {where.sql} ORDER BY c.sortName, c.customerId",
            where.parameters,
            page_size=max(int(limit), 1),
        )
        rows = _lowest_book_per_customer(items, limit) if collapse else list(islice(items, limit))
        return [_entry(r) for r in rows]

    def entries_in_book(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str]
    ) -> list[BookEntry]:
        """One query in the book's partition (one page of answers, up to a page's 200)."""
        ids = list(dict.fromkeys(customer_ids))
        if not ids:
            return []
        key = book_key(legal_entity, owner_staff_id)
        items = self._items.query(
            f"SELECT {PAGE_FIELDS} FROM c WHERE c.partitionKey = @pk"
            f" AND c.type = '{MEMBERSHIP}' AND ARRAY_CONTAINS(@ids, c.customerId)",
            {"@pk": key, "@ids": ids},
            partition_key=key,
            page_size=len(ids),
        )
        return [_entry(r) for r in items]

    def count_in_book(self, scope: BookScope, filters: BookFilters) -> int:
        where = book_where(scope, filters)
        if collapses_customers(scope, filters):
            ids = self._query_books(
                scope,
                filters,
                f"SELECT VALUE c.customerId FROM c WHERE {where.sql}",
                where.parameters,
            )
            return len(set(ids))
        counted = self._query_books(
            scope, filters, f"SELECT VALUE COUNT(1) FROM c WHERE {where.sql}", where.parameters
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
            summary = summed(self._query_books(scope, filters, sql, parameters), attributes)
            if summary is not None:
                return summary
        where = book_where(scope, filters)
        rows = self._query_books(scope, filters, projection(where, attributes), where.parameters)
        return fold(rows, attributes)

    # -- who holds whom -------------------------------------------------------------------

    def holdings_of(self, legal_entity: str, customer_ids: Sequence[str]) -> list[BookHolding]:
        holdings = [holding_of(i) for i in holders_of(self._items, legal_entity, customer_ids)]
        return sorted(holdings, key=lambda h: (h.customer_id, h.owner_staff_id, h.book_id))

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
            holdings = [BookHolding(c, book_id, owner_staff_id) for c in to_add if c in copies]
            entries = self._claim(legal_entity, holdings, sole_holder)
            changes = []
            for holding in holdings:
                item = membership_item(
                    legal_entity, holding, sole_holder, created_at, copies[holding.customer_id]
                )
                change = Change([batches.create(item)])
                change.touch(owner_staff_id).count(item["attributes"], +1)
                changes.append(change)
            try:
                self._add_all_or_nothing(legal_entity, owner_staff_id, tallies, changes)
            except BaseException:
                release_claim(self._items, legal_entity, entries)
                raise
        book_record = self._record(legal_entity, book_id, owner_staff_id, tallies[owner_staff_id])
        already = [c for c in customer_ids if c in present]
        return AddOutcome(book_record, created, to_add, already)

    def _claim(
        self, legal_entity: str, holdings: Sequence[BookHolding], sole_holder: bool
    ) -> list[dict[str, Any]]:
        """Claim the customers for the book in the holder registry (HeldElsewhere if another
        book holds one). Entries already naming this book (an add interrupted after its
        claim) are taken over. Returns the entries this call created."""
        token = uuid.uuid4().hex
        entries = [holder_item(legal_entity, h, sole_holder, token) for h in holdings]
        try:
            claim(self._items, legal_entity, entries)
            return entries
        except Conflict as problem:
            wanted = {e["id"] for e in entries}
            found = [
                e
                for e in holders_of(self._items, legal_entity, [h.customer_id for h in holdings])
                if e["id"] in wanted
            ]
            book_id = holdings[0].book_id
            if any(e["bookId"] != book_id for e in found):
                raise HeldElsewhere(str(problem)) from None
            ours = {e["id"] for e in found}
            rest = [e for e in entries if e["id"] not in ours]
            try:
                claim(self._items, legal_entity, rest)
            except Conflict as again:
                raise HeldElsewhere(str(again)) from None
            return rest

    def _add_all_or_nothing(
        self,
        legal_entity: str,
        owner_staff_id: str,
        tallies: dict[str, dict[str, Any] | None],
        changes: Sequence[Change],
    ) -> None:
        """Write an add; 100 memberships and the tally are 101 operations, so an add of 100
        takes two batches. If the second fails, the first is taken back, so the add stays
        all or nothing (a crash in between leaves the first part)."""
        try:
            TallyWriter(self._items, legal_entity, owner_staff_id, tallies).write(changes)
        except Conflict as problem:
            raise HeldElsewhere(str(problem)) from None
        except PartlyWritten as partly:
            written = [c.operations[0][1][0]["customerId"] for c in changes[: partly.written]]
            self._delete_memberships(legal_entity, owner_staff_id, written)
            if isinstance(partly.cause, Conflict):
                raise HeldElsewhere(str(partly.cause)) from None
            raise partly.cause from None

    def _delete_memberships(
        self, legal_entity: str, owner_staff_id: str, customer_ids: Sequence[str]
    ) -> None:
        _, tallies, members = self._book_and_members(legal_entity, owner_staff_id, customer_ids)
        changes = []
        for member in members:
            change = Change([batches.delete(member["id"])])
            change.touch(owner_staff_id).count(member.get("attributes"), -1)
            changes.append(change)
        try:
            TallyWriter(self._items, legal_entity, owner_staff_id, tallies).write(changes)
        except PartlyWritten as partly:
            raise partly.cause from None

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
        partition = book_key(legal_entity, owner_staff_id)
        held = {m["customerId"]: m for m in members if m["bookId"] == book_id}
        removed = [c for c in dict.fromkeys(customer_ids) if c in held]
        changes = []
        for customer in removed:
            change = Change([batches.delete(held[customer]["id"])])
            change.touch(owner_staff_id).count(held[customer].get("attributes"), -1)
            changes.append(change)
        if audit is not None and removed:
            last = take(self._items, entity_key(legal_entity), AUDIT_SEQUENCE, len(removed))
            for number, (customer, change) in enumerate(zip(removed, changes, strict=True)):
                source = BookHolding(customer, book_id, owner_staff_id)
                entry_id = last - len(removed) + 1 + number
                entry = audit_item(partition, legal_entity, entry_id, audit, source, None, None)
                change.operations.append(batches.create(entry))
        try:
            TallyWriter(self._items, legal_entity, owner_staff_id, tallies).write(changes)
        except PartlyWritten as partly:
            raise partly.cause from None
        release(self._items, legal_entity, book_id, [held[c]["id"] for c in removed])
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
        book, tallies, present = self._book_and_members(legal_entity, to_staff_id, customer_ids)
        book_id, created = self._ensure_book(
            legal_entity, to_staff_id, book, new_book_id, audit.recorded_at
        )
        if created:
            tallies[to_staff_id] = empty_tally(legal_entity, to_staff_id)
        if moves:
            entries = {
                (e["customerId"], e["bookId"]): e
                for e in holders_of(self._items, legal_entity, customer_ids)
            }
            memberships = self._memberships_to_move(legal_entity, moves, entries)
            held = {c for c, b in entries if b == book_id}
            self._move_holders(legal_entity, moves, entries, book_id, to_staff_id, held)
            # Decided: the registry names the target book. The books follow it.
            self._leave_sources(legal_entity, moves)
            self._enter_target(
                legal_entity,
                moves,
                memberships,
                book_id,
                to_staff_id,
                held,
                present,
                tallies,
                audit,
            )
        book_record = self._record(legal_entity, book_id, to_staff_id, tallies[to_staff_id])
        return ReassignOutcome(book_record, created, list(moves))

    def _memberships_to_move(
        self,
        legal_entity: str,
        moves: Sequence[BookHolding],
        entries: Mapping[tuple[str, str], dict[str, Any]],
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Each move's membership (a point read in its book), HoldingsChanged if one is gone."""
        found = {}
        for move in moves:
            entry = entries.get((move.customer_id, move.book_id))
            if entry is None or entry["ownerStaffId"] != move.owner_staff_id:
                raise HoldingsChanged("a membership to move is no longer there")
            item = self._items.read(entry["id"], book_key(legal_entity, move.owner_staff_id))
            if item is None or item["bookId"] != move.book_id:
                raise HoldingsChanged("a membership to move is no longer there")
            found[(move.customer_id, move.book_id)] = item
        return found

    def _move_holders(
        self,
        legal_entity: str,
        moves: Sequence[BookHolding],
        entries: Mapping[tuple[str, str], dict[str, Any]],
        book_id: str,
        to_staff_id: str,
        held: set[str],
    ) -> None:
        """One batch in the registry, each operation If-Match the entry's ETag: of two
        managers moving one customer, one batch wins and the other changes nothing."""
        operations: list[Operation] = []
        target = set(held)
        token = uuid.uuid4().hex
        for move in moves:
            entry = entries[(move.customer_id, move.book_id)]
            etag = entry["_etag"]
            if move.customer_id in target:
                operations.append(batches.delete(entry["id"], etag))
                continue
            target.add(move.customer_id)
            sole = entry["id"] == move.customer_id
            moved = holder_item(
                legal_entity, BookHolding(move.customer_id, book_id, to_staff_id), sole, token
            )
            if sole:
                operations.append(batches.replace(moved, etag))
            else:
                operations += [batches.delete(entry["id"], etag), batches.create(moved)]
        try:
            self._items.batch(entity_key(legal_entity), operations)
        except (PreconditionFailed, NotFound, Conflict):
            raise HoldingsChanged("a membership to move has changed meanwhile") from None

    def _leave_sources(self, legal_entity: str, moves: Sequence[BookHolding]) -> None:
        """Delete the moved memberships from their books, with each book's tally."""
        by_owner: dict[str, list[str]] = {}
        for move in moves:
            by_owner.setdefault(move.owner_staff_id, []).append(move.customer_id)
        for owner, customers in by_owner.items():
            # Read afresh: a membership removed meanwhile is not counted off twice.
            self._delete_memberships(legal_entity, owner, customers)

    def _enter_target(
        self,
        legal_entity: str,
        moves: Sequence[BookHolding],
        memberships: Mapping[tuple[str, str], dict[str, Any]],
        book_id: str,
        to_staff_id: str,
        held: set[str],
        present: Sequence[dict[str, Any]],
        tallies: dict[str, dict[str, Any] | None],
        audit: AuditStamp,
    ) -> None:
        """Create the moved memberships in the target book, each with its audit entry, in
        batches with the target's tally."""
        partition = book_key(legal_entity, to_staff_id)
        there = {m["customerId"] for m in present if m["bookId"] == book_id} | held
        last = take(self._items, entity_key(legal_entity), AUDIT_SEQUENCE, len(moves))
        changes = []
        for number, move in enumerate(moves):
            entry_id = last - len(moves) + 1 + number
            entry = audit_item(partition, legal_entity, entry_id, audit, move, book_id, to_staff_id)
            change = Change([batches.create(entry)])
            changes.append(change)
            if move.customer_id in there:
                continue
            there.add(move.customer_id)
            item = memberships[(move.customer_id, move.book_id)]
            sole = item["id"] == move.customer_id
            moved = {k: v for k, v in item.items() if not k.startswith("_")}
            moved.update(
                partitionKey=partition,
                bookId=book_id,
                ownerStaffId=to_staff_id,
                id=membership_id(move.customer_id, book_id, sole),
            )
            change.operations.insert(0, batches.create(moved))
            change.touch(to_staff_id).count(moved.get("attributes"), +1)
        try:
            TallyWriter(self._items, legal_entity, to_staff_id, tallies).write(changes)
        except PartlyWritten as partly:
            raise partly.cause from None

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
            # Entries sit in the partitions of the books they changed: a manager's rare read
            # fans out over them.
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


def _entry(row: dict[str, Any]) -> BookEntry:
    return BookEntry(card_of(row), holding_of(row), row["sortName"])


def refresh_copies(
    books: CosmosContainer, legal_entity: str, customer_items: Sequence[dict[str, Any]]
) -> int:
    """Write each customer's current card copy onto its memberships (a customer change must
    show on every card): one query in the holder registry, then per holding book one query
    and batches of replaces in its partition, each with the book's tally."""
    by_id = {i["customerId"]: i for i in customer_items}
    if not by_id:
        return 0
    owners: dict[str, list[str]] = {}
    for entry in holders_of(books, legal_entity, list(by_id)):
        owners.setdefault(entry["ownerStaffId"], []).append(entry["customerId"])
    written = 0
    for owner, customer_ids in owners.items():
        held = {c: by_id[c] for c in customer_ids}
        for _ in range(REFRESH_ATTEMPTS):
            try:
                try:
                    written += _refresh_once(books, legal_entity, owner, held)
                    break
                except PartlyWritten as partly:
                    raise partly.cause from None
            except (PreconditionFailed, NotFound):
                # A membership was removed or moved meanwhile: read what is there now (copies
                # already written read as unchanged, so their tallies are not counted twice).
                continue
        else:
            raise DependencyUnavailable("a client book is being changed by many at once; try again")
    return written


def _refresh_once(
    books: CosmosContainer,
    legal_entity: str,
    owner_staff_id: str,
    by_id: Mapping[str, dict[str, Any]],
) -> int:
    found = books.query(
        "SELECT * FROM c WHERE c.partitionKey = @pk"
        f" AND c.type = '{MEMBERSHIP}' AND ARRAY_CONTAINS(@ids, c.customerId)",
        {"@pk": book_key(legal_entity, owner_staff_id), "@ids": list(by_id)},
        partition_key=book_key(legal_entity, owner_staff_id),
    )
    changes = []
    for member in found:
        if member["customerId"] not in by_id:
            continue
        fresh = {k: v for k, v in member.items() if not k.startswith("_")}
        fresh.update(card_copy(by_id[member["customerId"]]))
        # If-Match: a membership removed meanwhile must not come back with this write.
        change = Change([batches.replace(fresh, member["_etag"])])
        delta = change.touch(owner_staff_id)
        delta.count(member.get("attributes"), -1)
        delta.count(fresh.get("attributes"), +1)
        changes.append(change)
    if any(not d.is_empty() for c in changes for d in c.deltas.values()):
        tallies = dict.fromkeys([owner_staff_id])
        tallies.update(read_tallies(books, legal_entity, [owner_staff_id]))
    else:
        tallies = {}
    TallyWriter(books, legal_entity, owner_staff_id, tallies).write(changes)
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
