"""The demo data set behind `make run` loads cleanly, publishes, and loads only once."""

from __future__ import annotations

from shared.composition import services
from shared.localhost.demo import demo_tokens, example_calls, load_demo_data


def test_demo_data_loads_once_and_is_published(env) -> None:
    first = load_demo_data()
    assert first["alreadyLoaded"] is False
    assert first["customers"] == 300
    assert set(first["runs"].values()) == {"succeeded"}
    view = services().published.current().entity("USRT")
    assert set(view.stores) == {"SEA01", "POR01", "AUS01"}
    assert len(view.staff) == 8
    assert view.client_book_group() is not None
    version = services().storage.published.version()
    second = load_demo_data()
    assert second["alreadyLoaded"] is True
    assert services().storage.published.version() == version  # nothing republished


def test_demo_tokens_are_accepted_by_the_app(env, api) -> None:
    load_demo_data()
    tokens = demo_tokens()
    identity = services().tokens.identity(f"Bearer {tokens['ana']}")
    context = services().access.in_store(identity, "SEA01")
    assert context.staff.name == "Ana Alvarez"
    assert services().tokens.identity(f"Bearer {tokens['admin']}").is_admin
    assert any("SEA01/client-book" in line for line in example_calls("http://x"))


def test_demo_data_has_outreach_on_with_templates_and_consent(env) -> None:
    load_demo_data()
    view = services().published.current().entity("USRT")
    assert view.outreach is not None and view.outreach.outreach_enabled
    assert set(view.message_templates) == {"NEW-ARRIVALS", "THANK-YOU"}
    assert view.stores["SEA01"].phone
    opted_in = [
        c
        for c in ("C00001", "C00002", "C00003", "C00004", "C00005")
        if services().consent.summary("USRT", c).sms.state == "opted-in"
    ]
    assert opted_in  # contactConsent: true in most demo customers


def test_the_printed_worklist_call_shows_followups(env, api) -> None:
    summary = load_demo_data()
    assert summary["followupsCreated"] > 0
    (call,) = [line for line in example_calls("") if line.endswith("/SEA01/followups")]
    reply = api.get(call.split()[-1], headers={"Authorization": f"Bearer {demo_tokens()['ben']}"})
    assert reply.status == 200, reply
    worklist = reply.json
    assert worklist["followups"], "Ben's worklist is empty"
    assert worklist["buckets"]["overdue"] + worklist["buckets"]["today"] > 0
    assert load_demo_data()["followupsCreated"] == 0  # a restart adds nothing twice


def test_the_printed_send_call_is_accepted_at_any_hour(env, api) -> None:
    import json
    import shlex

    load_demo_data()
    assert services().published.current().entity("USRT").outreach.quiet_hours is None
    ana = {"Authorization": f"Bearer {demo_tokens()['ana']}"}
    calls = [shlex.split(line) for line in example_calls("") if "-X POST" in line]
    add, send = [c for c in calls if "client-book/customers" in c[-1] or "/messages" in c[-1]]
    assert api.post(add[-1], json=json.loads(add[add.index("-d") + 1]), headers=ana).status == 200
    body = json.loads(send[send.index("-d") + 1])
    reply = api.post(send[-1], json=body, headers={**ana, "Idempotency-Key": "demo-1"})
    assert reply.status == 202, reply  # the example customer C00003 opted in to email
