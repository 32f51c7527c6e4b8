"""Outreach messages: accepted with their activity, counted for the cap, found by the relay
and by delivery reports, and moved forward only, on both stores."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.activities import Activity, TimelineFilter
from shared.domain.outreach_messages import MessageStatus, OutreachMessage
from shared.ports.activities import CustomerKey
from shared.ports.storage import Storage

UC001 = CustomerKey("USRT", "UC001")


def message(n: int, accepted_at: str, store_id: str = "S1", customer_id: str = "UC001"):
    return OutreachMessage(
        legal_entity="USRT",
        customer_id=customer_id,
        message_id=f"m{n:04d}",
        store_id=store_id,
        staff_id="alice",
        staff_name="Alice",
        channel="email",
        subject="Hello",
        body=f"Message {n}",
        activity_type="EMAIL",
        unsubscribe_url=None,
        accepted_at=accepted_at,
    )


def activity_of(m: OutreachMessage) -> Activity:
    return Activity(
        m.legal_entity, m.customer_id, m.message_id, m.activity_type, "Email", m.subject or "",
        m.accepted_at, None, m.body, None, None, m.staff_id, m.staff_name, m.store_id,
        m.accepted_at, m.channel, m.status,
    )  # fmt: skip


def accept(storage: Storage, m: OutreachMessage) -> OutreachMessage:
    return storage.outreach.accept(m, activity_of(m))


def timeline(storage: Storage, customer: CustomerKey = UC001) -> list[Activity]:
    return storage.activities.timeline(customer, TimelineFilter(), None, 50).items


def test_a_message_is_stored_with_its_activity_and_a_retry_stores_nothing_new(
    storage: Storage,
) -> None:
    first = message(1, "2026-05-01T10:00:00.000Z")
    assert accept(storage, first) == first
    retried = replace(first, body="another body")
    assert accept(storage, retried) == first
    assert storage.outreach.get("USRT", "UC001", "m0001") == first
    [stored] = timeline(storage)
    assert stored.description == "Message 1" and stored.delivery_status == "accepted"
    assert stored.channel == "email"
    assert storage.outreach.get("USRT", "UC002", "m0001") is None


def test_the_cap_counts_every_stores_messages_to_one_customer_since_an_instant(
    storage: Storage,
) -> None:
    accept(storage, message(1, "2026-04-20T10:00:00.000Z"))  # before the window
    accept(storage, message(2, "2026-04-25T10:00:00.000Z"))
    accept(storage, message(3, "2026-04-30T10:00:00.000Z"))
    accept(storage, message(4, "2026-04-30T11:00:00.000Z", store_id="S2"))
    accept(storage, message(5, "2026-04-30T12:00:00.000Z", customer_id="UC002"))
    # Failed before ACS took it: the customer got nothing, so it does not count.
    never_sent = accept(storage, message(6, "2026-04-30T13:00:00.000Z"))
    storage.outreach.update(replace(never_sent, status=MessageStatus.FAILED))
    since = "2026-04-24T10:00:00.000Z"
    assert storage.outreach.count_since("USRT", "UC001", since) == 3  # S1 twice, S2 once
    assert storage.outreach.count_since("USRT", "UC002", since) == 1
    assert storage.outreach.count_since("DEMF", "UC001", since) == 0


def test_the_outbox_holds_accepted_messages_older_than_the_instant_oldest_first(
    storage: Storage,
) -> None:
    old = accept(storage, message(1, "2026-05-01T10:00:02.000Z"))
    older = accept(storage, message(2, "2026-05-01T10:00:01.000Z", customer_id="UC002"))
    queued = accept(storage, message(3, "2026-05-01T10:00:00.000Z"))
    storage.outreach.update(replace(queued, status=MessageStatus.QUEUED))
    accept(storage, message(4, "2026-05-01T10:00:09.000Z"))  # too fresh
    found = storage.outreach.outbox("2026-05-01T10:00:05.000Z", 10)
    assert [m.message_id for m in found] == [older.message_id, old.message_id]
    assert len(storage.outreach.outbox("2026-05-01T10:00:05.000Z", 1)) == 1


def test_status_moves_forward_only_and_the_activity_follows(storage: Storage) -> None:
    m = accept(storage, message(1, "2026-05-01T10:00:00.000Z"))
    sent = replace(m, status=MessageStatus.SENT, provider_id="op-1")
    assert storage.outreach.update(sent)
    assert not storage.outreach.update(replace(m, status=MessageStatus.QUEUED))  # backwards
    assert storage.outreach.by_provider_id("op-1") == sent
    assert storage.outreach.by_provider_id("op-2") is None
    delivered = replace(sent, status=MessageStatus.DELIVERED)
    assert storage.outreach.update(delivered)
    assert not storage.outreach.update(replace(sent, status=MessageStatus.FAILED))  # final
    assert storage.outreach.get("USRT", "UC001", "m0001") == delivered
    [activity] = timeline(storage)
    assert activity.delivery_status == "delivered"


def test_the_relay_repairs_a_missing_activity_once(storage: Storage) -> None:
    m = accept(storage, message(1, "2026-05-01T10:00:00.000Z"))
    storage.outreach.ensure_activity(m, activity_of(m))
    storage.outreach.ensure_activity(m, activity_of(m))
    assert len(timeline(storage)) == 1


def test_erasure_deletes_the_customers_messages_in_slices(storage: Storage) -> None:
    for n in range(3):
        accept(storage, message(n, f"2026-05-01T10:00:0{n}.000Z"))
    accept(storage, message(9, "2026-05-01T10:00:00.000Z", customer_id="UC002"))
    assert storage.outreach.erase(UC001, 2) == 2
    assert storage.outreach.erase(UC001, 2) == 1
    assert storage.outreach.erase(UC001, 2) == 0
    assert storage.outreach.get("USRT", "UC001", "m0000") is None
    assert storage.outreach.get("USRT", "UC002", "m0009") is not None
