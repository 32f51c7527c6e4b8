"""Recording activities and reading the customer timeline on the POS."""

from __future__ import annotations

import datetime as dt

from shared.domain.instants import instant_text
from tests.support.activity_factories import activities_path, activity_body
from tests.support.api_client import ApiClient
from tests.support.world import World

UC001 = activities_path("S1", "UC001")


def _record(client: ApiClient, path: str = UC001, **fields: object) -> dict:
    reply = client.post(path, json=activity_body(**fields))
    assert reply.status == 201, reply
    return reply.json


def _timeline(client: ApiClient, path: str = UC001, **params: object) -> dict:
    reply = client.get(path, params=params)
    assert reply.status == 200, reply
    return reply.json


def test_an_activity_is_recorded_by_the_caller_in_the_routes_store(world: World) -> None:
    carol = world.as_staff("carol")
    recorded = _record(
        carol,
        activities_path("S2", "UC001"),
        activityTypeId="CALL",
        subject="Asked about the new bags",
        description="Call back when the tan one arrives",
        startTime="2024-05-31T09:00:00-07:00",
        endTime="2024-05-31T09:15:00-07:00",
        purpose="Follow-up",
        outcome="Interested",
    )
    assert recorded == {
        "activityId": recorded["activityId"],
        "customerId": "UC001",
        "activityTypeId": "CALL",
        "activityTypeName": "Phone call",
        "subject": "Asked about the new bags",
        "description": "Call back when the tan one arrives",
        "startTime": "2024-05-31T16:00:00.000Z",
        "endTime": "2024-05-31T16:15:00.000Z",
        "purpose": "Follow-up",
        "outcome": "Interested",
        "staffId": "carol",
        "staffName": "Carol Cruz",
        "storeId": "S2",
        "recordedAt": recorded["recordedAt"],
        # Only messages sent to the customer carry a channel and a delivery status.
        "channel": None,
        "deliveryStatus": None,
    }
    assert _timeline(world.as_staff("alice"))["activities"] == [recorded]


INVALID_ACTIVITIES = [
    ({"activityTypeId": "MEETING"}, "activityTypeId"),
    ({"subject": None}, "subject"),
    ({"subject": "  "}, "subject"),
    ({"subject": "s" * 201}, "subject"),
    ({"description": "d" * 4001}, "description"),
    ({"purpose": "p" * 1001}, "purpose"),
    ({"outcome": "o" * 1001}, "outcome"),
    ({"startTime": None}, "startTime"),
    ({"startTime": "2024-05-31T17:30:00"}, "startTime"),
    ({"endTime": "2024-05-31T17:29:00+02:00"}, "endTime"),
    ({"staffId": "bob"}, "staffId"),
    ({"storeId": "S2"}, "storeId"),
]


def test_invalid_activities_are_refused_naming_the_field(world: World) -> None:
    alice = world.as_staff("alice")
    for fields, field in INVALID_ACTIVITIES:
        reply = alice.post(UC001, json=activity_body(**fields))
        assert reply.status == 400, (fields, reply)
        assert reply.json["type"] == "urn:clienteling:problem:validation-failed"
        assert [e["field"] for e in reply.json["errors"]] == [field], fields
    assert _timeline(alice)["activities"] == []


def test_activities_need_a_customer_of_the_stores_legal_entity(world: World) -> None:
    alice = world.as_staff("alice")
    for path in (activities_path("S1", "UC999"), activities_path("S1", "DC001")):
        assert alice.post(path, json=activity_body()).status == 404
        assert alice.get(path).status == 404


def test_the_timeline_is_newest_first_and_filters_by_type_and_time(world: World) -> None:
    alice = world.as_staff("alice")
    for day, type_id in ((3, "VISIT"), (1, "CALL"), (5, "EMAIL"), (2, "VISIT"), (4, "CALL")):
        _record(
            alice,
            activityTypeId=type_id,
            subject=f"day {day}",
            startTime=f"2024-05-0{day}T10:00:00Z",
        )

    def subjects(**params: object) -> list[str]:
        return [a["subject"] for a in _timeline(alice, **params)["activities"]]

    assert subjects() == ["day 5", "day 4", "day 3", "day 2", "day 1"]
    assert subjects(activityTypeId="CALL") == ["day 4", "day 1"]
    window = {"from": "2024-05-02T10:00:00Z", "to": "2024-05-04T10:00:00Z"}
    assert subjects(**window) == ["day 3", "day 2"]
    assert subjects(**window, activityTypeId="VISIT") == ["day 3", "day 2"]
    assert subjects(activityTypeId="UNKNOWN") == []


def test_upcoming_lists_what_has_not_started_soonest_first(world: World) -> None:
    alice = world.as_staff("alice")
    now = dt.datetime.now(dt.UTC)
    for days, subject in ((-1, "yesterday"), (9, "in nine days"), (2, "in two days")):
        _record(alice, subject=subject, startTime=instant_text(now + dt.timedelta(days=days)))
    upcoming = _timeline(alice, upcoming="true", pageSize=1)
    assert [a["subject"] for a in upcoming["activities"]] == ["in two days"]
    rest = _timeline(
        alice, upcoming="true", pageSize=1, continuationToken=upcoming["continuationToken"]
    )
    assert [a["subject"] for a in rest["activities"]] == ["in nine days"]
    assert rest["continuationToken"] is None


def test_pages_never_repeat_or_skip_activities_with_equal_times(world: World) -> None:
    alice = world.as_staff("alice")
    made = [_record(alice, subject=f"#{n}", startTime="2024-05-01T10:00:00Z") for n in range(23)]
    made += [
        _record(alice, subject=f"late #{n}", startTime="2024-05-02T10:00:00Z") for n in range(4)
    ]
    seen, token, pages = [], None, 0
    while True:
        params = {"pageSize": 5, **({"continuationToken": token} if token else {})}
        page = _timeline(alice, **params)
        seen += [a["activityId"] for a in page["activities"]]
        pages += 1
        token = page["continuationToken"]
        if token is None:
            break
    assert pages == 6 and len(seen) == 27 and len(set(seen)) == 27
    later_first = [a["activityId"] for a in reversed(made[23:])] + [
        a["activityId"] for a in reversed(made[:23])
    ]
    assert seen == later_first  # ties: the one recorded later first


def test_a_forged_or_foreign_continuation_token_is_refused(world: World) -> None:
    alice = world.as_staff("alice")
    for n in range(3):
        _record(alice, subject=f"#{n}")
    token = _timeline(alice, pageSize=1)["continuationToken"]
    edited = token[:8] + ("AA" if token[8:10] != "AA" else "BB") + token[10:]
    forged = alice.get(UC001, params={"continuationToken": edited})
    assert forged.status == 400
    assert forged.json["type"] == "urn:clienteling:problem:invalid-continuation-token"
    for other_query in (
        {"activityTypeId": "VISIT"},
        {"upcoming": "true"},
    ):
        reply = alice.get(UC001, params={"continuationToken": token, **other_query})
        assert reply.status == 400, other_query
    other_customer = alice.get(activities_path("S1", "UC002"), params={"continuationToken": token})
    assert other_customer.status == 400


UNREADABLE_QUERIES = [
    ({"pageSize": "0"}, "pageSize"),
    ({"pageSize": "201"}, "pageSize"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2024-05-01"}, "to"),
    ({"from": "2024-05-02T00:00:00Z", "to": "2024-05-01T00:00:00Z"}, "to"),
    ({"upcoming": "soon"}, "upcoming"),
    ({"activityTypeId": "no/slashes"}, "activityTypeId"),
]


def test_unreadable_timeline_queries_are_refused(world: World) -> None:
    alice = world.as_staff("alice")
    for params, field in UNREADABLE_QUERIES:
        reply = alice.get(UC001, params=params)
        assert reply.status == 400, (params, reply)
        assert reply.json["errors"][0]["field"] == field, params


def test_headquarters_sees_the_same_timeline(world: World) -> None:
    alice = world.as_staff("alice")
    recorded = [
        _record(alice, subject=f"#{n}", startTime=f"2024-05-0{n}T10:00:00Z") for n in (1, 2)
    ]
    admin_path = "/api/admin/USRT/customers/UC001/activities"
    assert _timeline(world.admin, admin_path)["activities"] == list(reversed(recorded))
    assert _timeline(world.admin, admin_path, activityTypeId="CALL")["activities"] == []
    assert world.admin.get("/api/admin/DEMF/customers/UC001/activities").status == 404
    assert alice.get(admin_path).status == 403
