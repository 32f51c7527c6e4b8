"""Activities: the active types on the POS, recording an activity, the customer timeline.

Visibility is the seed's: every associate of the legal entity who may open customer details
sees every activity of its customers, whichever client book holds them; the legal entity
always comes from the caller's store (or the admin route), never from the request body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from shared.domain.access import StaffContext
from shared.domain.activities import (
    Activity,
    ActivityDraft,
    Recording,
    TimelinePosition,
    position_from_token,
    position_to_token,
    record_activity,
    timeline_filter,
    type_name_shown,
)
from shared.domain.activity_types import ActivityType
from shared.domain.record_ids import time_ordered_id
from shared.paging import DEFAULT_PAGE_SIZE, ContinuationCodec
from shared.ports.clock import Clock
from shared.ports.storage import Storage
from shared.services.customer_scope import require_customer, require_writable_customer
from shared.services.published_view import PublishedCache


@dataclass(frozen=True)
class ActiveTypes:
    published_version: int  # moves with every distribution run that publishes a change
    types: list[tuple[str, ActivityType]]  # (id, type), by name


@dataclass(frozen=True)
class TimelineRequest:
    activity_type_id: str | None = None
    start_from: str | None = None
    start_before: str | None = None
    upcoming: bool = False
    page_size: int = DEFAULT_PAGE_SIZE
    continuation_token: str | None = None

    def token_scope(self, legal_entity: str, customer_id: str) -> str:
        """Tokens only continue the query that made them."""
        query = [self.activity_type_id, self.start_from, self.start_before, self.upcoming]
        return "timeline:" + json.dumps([legal_entity, customer_id, *query])


@dataclass(frozen=True)
class TimelinePage:
    activities: list[Activity]
    continuation_token: str | None


class ActivityService:
    def __init__(
        self,
        storage: Storage,
        published: PublishedCache,
        clock: Clock,
        continuation: ContinuationCodec,
    ) -> None:
        self._storage = storage
        self._published = published
        self._clock = clock
        self._continuation = continuation

    def active_types(self, legal_entity: str) -> ActiveTypes:
        """Active types of the published configuration.

        The published view is cached per published version, which a distribution run moves:
        a change is seen by the first request after the 1110 run, not hours later.
        """
        view = self._published.current()
        active = view.entity(legal_entity).active_activity_types()
        ordered = sorted(active.items(), key=lambda item: (item[1].name.casefold(), item[0]))
        return ActiveTypes(view.version, ordered)

    def new_activity_id(self) -> str:
        return time_ordered_id(self._clock.now())

    def record(
        self, staff: StaffContext, customer_id: str, draft: ActivityDraft, activity_id: str
    ) -> Activity:
        """Record an activity by the calling associate in their store (a retry with the same
        `activity_id` returns the first one)."""
        legal_entity = staff.legal_entity
        require_writable_customer(self._storage.customers, legal_entity, customer_id)
        entity = self._published.current().entity(legal_entity)
        activity = record_activity(
            draft,
            entity.active_activity_types(),
            Recording(
                legal_entity=legal_entity,
                customer_id=customer_id,
                activity_id=activity_id,
                staff_id=staff.staff_id,
                staff_name=staff.staff.name,
                store_id=staff.store.store_id,
                recorded_at=self._clock.now(),
            ),
        )
        stored = self._storage.activities.add(activity)
        return self._with_type_name(stored, entity.activity_types)

    def timeline(
        self, legal_entity: str, customer_id: str, request: TimelineRequest
    ) -> TimelinePage:
        """One page of the customer's activities: newest first, or upcoming soonest first."""
        customer = require_customer(self._storage.customers, legal_entity, customer_id)
        selection = timeline_filter(
            request.activity_type_id,
            request.start_from,
            request.start_before,
            request.upcoming,
            self._clock.now(),
        )
        scope = request.token_scope(legal_entity, customer_id)
        after: TimelinePosition | None = None
        token = self._continuation.decode(request.continuation_token, scope)
        if token is not None:
            after, selection = position_from_token(token, selection)
        page = self._storage.activities.timeline(customer, selection, after, request.page_size)
        types = self._published.current().entity(legal_entity).activity_types
        activities = [self._with_type_name(a, types) for a in page.items]
        next_token = None
        if page.has_more and activities:
            last = activities[-1]
            position = TimelinePosition(last.start_time, last.activity_id)
            next_token = self._continuation.encode(position_to_token(position, selection), scope)
        return TimelinePage(activities, next_token)

    @staticmethod
    def _with_type_name(activity: Activity, types: dict[str, ActivityType]) -> Activity:
        shown = type_name_shown(activity, types)
        if shown == activity.activity_type_name:  # the usual case: no copy per activity
            return activity
        return replace(activity, activity_type_name=shown)
