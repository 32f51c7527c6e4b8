"""Follow-up storage, shaped for one logical partition per book owner.

"My open follow-ups" (a page, and the bucket counts) names one owner, so in Cosmos DB it is
one single-partition query each (partition key `/ownerKey` = `{legalEntity}|{staffId}`);
a completion, snooze or dismissal is one point replace guarded by the revision the caller
read. Generation writes an owner's new follow-ups in batches inside that owner's partition;
`create_many` keeps what is already stored (the ids are derived, so a rerun is a no-op).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.domain.followups import Followup


@dataclass(frozen=True)
class OwnerKey:
    legal_entity: str
    owner_staff_id: str

    @property
    def partition_key(self) -> str:
        return f"{self.legal_entity}|{self.owner_staff_id}"


@dataclass(frozen=True)
class OpenQuery:
    """Open follow-ups of one owner not expired on `today`, due within [due_from, due_to]."""

    today: str  # YYYY-MM-DD, the store's date
    due_from: str | None = None
    due_to: str | None = None
    rule_id: str | None = None


@dataclass(frozen=True)
class FollowupPosition:
    """Keyset position: the last (due date, sort name, follow-up id) a page returned."""

    due_date: str
    sort_name: str
    followup_id: str


@dataclass(frozen=True)
class OwnerTally:
    """The manager's weekly view of one associate."""

    open: int = 0
    overdue: int = 0
    completed_this_week: int = 0


@dataclass
class FollowupRun:
    """One generation run of a legal entity: what each rule made, and what was skipped."""

    run_id: str
    legal_entity: str
    trigger: str
    started_at: str
    ended_at: str | None = None
    status: str = "running"  # running | succeeded | failed
    created: dict[str, int] = field(default_factory=dict)  # rule id -> follow-ups created
    matched: dict[str, int] = field(default_factory=dict)  # rule id -> matches (incl. existing)
    skipped: dict[str, str] = field(default_factory=dict)  # rule id -> why
    expired: int = 0
    cancelled: int = 0  # open ones of customers no longer in the owner's book
    duration_ms: float = 0.0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class FollowupRecords(Protocol):
    def create_many(self, followups: Sequence[Followup]) -> int:
        """Store the ones whose id the owner does not have yet; say how many were new.
        Every follow-up of one call has the same legal entity and owner."""
        ...

    def get(self, owner: OwnerKey, followup_id: str) -> Followup | None: ...

    def replace(self, followup: Followup, expected_revision: int) -> Followup:
        """Write the changed follow-up if the stored one is still at `expected_revision`;
        PreconditionFailed (with the current ETag) otherwise, NotFound if it is gone."""
        ...

    def open_page(
        self, owner: OwnerKey, query: OpenQuery, after: FollowupPosition | None, limit: int
    ) -> list[Followup]:
        """Up to `limit` open ones by (due date, sort name, id), strictly after `after`."""
        ...

    def open_due_dates(self, owner: OwnerKey, today: str) -> list[str]:
        """The due dates of every open, unexpired follow-up (bucket counts)."""
        ...

    def tallies(
        self, legal_entity: str, owners: Sequence[str], today: str, week_start: str
    ) -> dict[str, OwnerTally]:
        """Per owner: open, overdue (due before today) and completed since `week_start`."""
        ...

    def open_of_customers(self, owner: OwnerKey, customer_ids: Sequence[str]) -> list[Followup]:
        """The owner's open follow-ups of these customers (book changes)."""
        ...

    def move(self, moves: Sequence[tuple[Followup, Followup]]) -> int:
        """Each (old, new): store `new` (kept if already there) and delete `old`. Safe to
        repeat after a crash: a second pass finds the new ones stored and deletes the rest."""
        ...

    def expire(self, owner: OwnerKey, today: str, closed_at: str) -> int:
        """Mark open ones whose expiry date is before `today` expired; say how many."""
        ...

    def of_customer(self, legal_entity: str, customer_id: str) -> list[Followup]:
        """Every follow-up of the customer, any owner or state, by owner then id (exports:
        a customer has a few per year)."""
        ...

    def erase_customer(self, legal_entity: str, customer_id: str, limit: int) -> int:
        """Delete up to `limit` follow-ups of the customer, any owner, and say how many
        went; called until it answers 0, by which time their book joins are gone too."""
        ...

    def record_joins(self, owner: OwnerKey, joins: Sequence[tuple[str, str]]) -> None:
        """Remember when customers joined the owner's book: (customer id, YYYY-MM-DD).
        Welcome rules read it; a repeat overwrites (the latest join counts)."""
        ...

    def joins(self, owner: OwnerKey, since: str) -> dict[str, str]:
        """Customer id -> join date, for joins on or after `since`."""
        ...

    def save_run(self, run: FollowupRun) -> None: ...

    def runs(self, legal_entity: str, limit: int) -> list[FollowupRun]:
        """Newest first."""
        ...
