"""The page's follow-up worklist and messaging in a real browser against the local host: Ben's
worklist with counts, completing with an activity that reaches the timeline, snoozing out of
today, someone else's change (412) in words, the manager's store view, consent captured and a
message sent or refused in words, German, axe-core, and "Edit" only on one's own notes when
the page knows no staff id (as when signed in with Entra ID)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import requests

from shared.localhost.demo import LocalRun
from tests.browser.conftest import Api, check_accessibility, screenshot, sign_in


def buckets(api: Api, who: str) -> dict[str, Any]:
    return dict(api.call(who, "GET", "SEA01/followups?pageSize=1")["buckets"])


def customer_of(card: Any) -> str:
    return str(card.locator("h2 a").get_attribute("href")).rsplit("/", 1)[1]


def set_quiet_hours(api: Api, quiet: dict[str, str] | None) -> None:
    """As headquarters would: change the outreach settings, then publish them (job 1110)."""
    answer = requests.get(
        f"{api.admin}/USRT/outreach-settings", headers=api.auth("admin"), timeout=10
    )
    settings = {**answer.json(), "quietHours": quiet}
    headers = {**api.auth("admin"), "If-Match": answer.headers["ETag"]}
    saved = requests.put(
        f"{api.admin}/USRT/outreach-settings", json=settings, headers=headers, timeout=10
    )
    assert saved.status_code == 200, saved.text
    published = requests.post(
        f"{api.admin}/distribution/1110/run", headers=api.auth("admin"), timeout=10
    )
    assert published.json()["status"] == "succeeded", published.text


def test_ben_completes_snoozes_and_is_told_of_a_change_made_elsewhere(
    open_page: Callable[..., Any], servers: LocalRun, api: Api
) -> None:
    before = buckets(api, "ben")
    due = before["overdue"] + before["today"]
    assert before["today"] >= 3, before  # the demo's first generation
    page = open_page()
    sign_in(page, servers, "Ben Okafor")
    link = page.get_by_role("link", name=re.compile("^Follow-ups"))
    link.get_by_text(f"{due} due today or overdue").wait_for()
    link.click()
    page.get_by_role("heading", name="Follow-ups", level=1).wait_for()
    page.get_by_role("button", name=f"Today ({before['today']})").click()
    page.locator('.chips button[aria-pressed="true"]', has_text="Today").wait_for()
    cards = page.locator(".card")
    first = cards.first
    name, customer_id = first.locator("h2").inner_text(), customer_of(first)
    rule = first.locator(".badge").inner_text()
    completed_id = first.get_attribute("data-followup")

    # Done, with an outcome and an activity in the same request.
    page.get_by_role("button", name=f"Done: {name}").click()
    page.get_by_label("Left a message").check()
    page.get_by_label("Note", exact=True).fill("Left a voicemail about the new season")
    check_accessibility(page, "followups-complete")
    page.get_by_role("button", name="Save as done").click()
    page.get_by_text(f"Follow-up with {name} done.").wait_for()
    page.get_by_role("button", name=f"Today ({before['today'] - 1})").wait_for()
    link.get_by_text(f"{due - 1} due today or overdue").wait_for()
    done = api.call("ben", "GET", f"SEA01/followups/{completed_id}")
    assert (done["state"], done["outcome"]) == ("completed", "left-message")

    # Snooze: out of today's list and count.
    second = cards.first
    snoozed = second.locator("h2").inner_text()
    snoozed_id = second.get_attribute("data-followup")
    page.get_by_role("button", name=f"Snooze: {snoozed}").click()
    page.get_by_label("Snooze until").fill(
        (dt.date.fromisoformat(before["todayDate"]) + dt.timedelta(days=3)).isoformat()
    )
    page.locator(".inline-form").get_by_role("button", name="Snooze").click()
    page.get_by_text(f"Follow-up with {snoozed} snoozed.").wait_for()
    page.get_by_role("button", name=f"Today ({before['today'] - 2})").wait_for()
    assert page.locator(f'.card[data-followup="{snoozed_id}"]').count() == 0
    after = buckets(api, "ben")
    assert after["today"] == before["today"] - 2 and after["next7"] == before["next7"] + 1

    # Someone else changes the next one while the dismiss form is open: a 412 in words.
    third = cards.first
    other = third.locator("h2").inner_text()
    other_id = third.get_attribute("data-followup")
    page.get_by_role("button", name=f"Dismiss: {other}").click()
    page.get_by_label("Why dismiss it?").fill("Moved away")
    changed = api.call("ben", "GET", f"SEA01/followups/{other_id}")
    answer = requests.post(
        f"{api.base}/SEA01/followups/{changed['followupId']}/snooze",
        json={"until": _plus(after["todayDate"], 2)},
        headers={**api.auth("ben"), "If-Match": f'"{changed["etag"]}"'},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    page.locator(".inline-form").get_by_role("button", name="Dismiss").click()
    page.get_by_role("alert").get_by_text(
        "Someone else changed this follow-up meanwhile, so nothing was saved."
    ).wait_for()
    page.get_by_role("button", name=f"Today ({before['today'] - 3})").wait_for()
    assert page.locator(f'.card[data-followup="{other_id}"]').count() == 0
    check_accessibility(page, "followups")
    screenshot(page, "followups")

    # The completion's activity is on the customer's timeline, with its outcome.
    page.goto(f"{servers.page_url}#/customer/{customer_id}")
    entry = page.locator(".timeline li", has_text=rule)
    entry.get_by_text("Outcome: Left a message").wait_for()
    entry.get_by_text("Left a voicemail about the new season").wait_for()


def _plus(iso_date: str, days: int) -> str:
    return (dt.date.fromisoformat(iso_date) + dt.timedelta(days=days)).isoformat()


def test_a_manager_sees_the_store_team(
    open_page: Callable[..., Any], servers: LocalRun, api: Api
) -> None:
    team = {a["name"]: a for a in api.call("chloe", "GET", "SEA01/store-followups")["associates"]}
    page = open_page()
    sign_in(page, servers, "Chloé Martin")
    page.get_by_role("button", name="SEA01", exact=True).click()
    page.get_by_role("link", name=re.compile("^Follow-ups")).click()
    table = page.get_by_role("table")
    row = table.get_by_role("row", name=re.compile("^Ben Okafor"))
    row.wait_for()
    ben = team["Ben Okafor"]
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells == [str(ben["open"]), str(ben["overdue"]), str(ben["completedThisWeek"])]
    check_accessibility(page, "followups-team")
    screenshot(page, "followups-team")
    row.get_by_role("link", name="Ben Okafor").click()
    page.get_by_role("heading", name="Follow-ups of Ben Okafor").wait_for()
    page.locator(".card").first.wait_for()
    assert page.get_by_role("button", name=re.compile("^Done: ")).count() == 0  # read-only


def test_consent_is_captured_and_a_message_is_sent_or_refused_in_words(
    open_page: Callable[..., Any], servers: LocalRun, api: Api
) -> None:
    customer = "C00048"  # in Ben's book
    page = open_page()
    sign_in(page, servers, "Ben Okafor")
    page.get_by_role("heading", name="My client book").wait_for()
    page.goto(f"{servers.page_url}#/customer/{customer}")
    panel = page.locator(".panel", has=page.get_by_role("heading", name="Contact permission"))

    # The customer says no to texts: recorded with their words, and a send is refused in words.
    panel.get_by_label("Channel").select_option(label="Text message (SMS)")
    panel.get_by_label("No, do not contact me").check()
    panel.get_by_label("The customer's words").fill("No texts, please")
    panel.get_by_role("button", name="Record answer").click()
    panel.get_by_text("The customer's answer is recorded.").wait_for()
    panel.locator('dd[data-channel="sms"]', has_text="Opted out").wait_for()
    assert "given in the store" in panel.locator('dd[data-channel="sms"]').inner_text()
    sender = page.locator(".panel", has=page.get_by_role("heading", name="Send a message"))
    sender.get_by_label("Template").select_option(label="New arrivals")
    sender.get_by_text(
        re.compile(r"^Hi [^,]+, new arrivals are in at Seattle Downtown!")
    ).wait_for()
    # The exact segments of the API's preview for this customer ("Zoë": UCS-2, two segments).
    preview = api.call(
        "ben", "GET", f"SEA01/customers/{customer}/message-templates/NEW-ARRIVALS/preview"
    )
    length = preview["smsLength"]
    sender.get_by_text(
        f"{length['segments']} SMS ({length['units']} characters, {length['encoding']})"
    ).wait_for()
    sender.get_by_role("button", name="Send", exact=True).click()
    sender.get_by_role("alert").get_by_text(
        "Not sent: the customer has not agreed to messages on this channel."
    ).wait_for()

    # Yes to texts, during quiet hours: refused, saying until when (the store's time).
    panel.get_by_label("Yes, contact me").check()
    panel.get_by_label("The customer's words").fill("Yes, text me about new arrivals")
    panel.get_by_role("button", name="Record answer").click()
    panel.locator('dd[data-channel="sms"]', has_text="Opted in").wait_for()
    now = dt.datetime.now(ZoneInfo("America/Los_Angeles"))
    start, end = (f"{(now + dt.timedelta(hours=h)):%H:%M}" for h in (-1, 1))
    set_quiet_hours(api, {"start": start, "end": end})
    try:
        sender.get_by_role("button", name="Send", exact=True).click()
        sender.get_by_role("alert").get_by_text(
            f"Messages can be sent again after {end} (store time)."
        ).wait_for()
    finally:
        set_quiet_hours(api, None)

    # Outside quiet hours, free text: accepted, and on the timeline with its delivery status.
    sender.get_by_label("Template").select_option(label="Free text")
    sender.get_by_label("Message").fill("Your alterations are ready — come by any time")
    sender.get_by_text("1 SMS (45 characters, UCS-2)").wait_for()  # the dash is not GSM-7
    sender.get_by_role("button", name="Send", exact=True).click()
    sender.get_by_text("Message sent, delivery pending.").wait_for()
    entry = page.locator(".timeline li", has_text="Your alterations are ready")
    entry.get_by_text("Text message (SMS) · delivery pending").wait_for()
    sent = api.call("ben", "GET", f"SEA01/customers/{customer}/activities?pageSize=5")
    assert sent["activities"][0]["channel"] == "sms"
    check_accessibility(page, "customer-messages")
    screenshot(page, "customer-messages")


def test_german_worklist(open_page: Callable[..., Any], servers: LocalRun, api: Api) -> None:
    listed = api.call("hana", "GET", "SEA01/followups?pageSize=1")
    first_due = listed["followups"][0]["dueDate"]
    page = open_page(locale="de-DE")
    sign_in(page, servers, "Hana Sato")
    page.get_by_role("button", name="SEA01", exact=True).click()
    page.get_by_role("link", name=re.compile("^Wiedervorlagen")).click()
    page.get_by_role("heading", name="Wiedervorlagen", level=1).wait_for()
    page.get_by_role("button", name=f"Heute ({listed['buckets']['today']})").wait_for()
    year, month, day = first_due.split("-")
    assert page.locator(".card .due").first.inner_text().endswith(f"{day}.{month}.{year}")
    page.get_by_role("button", name=re.compile("^Erledigt: ")).first.click()
    page.get_by_label("Nachricht hinterlassen").wait_for()
    check_accessibility(page, "followups-de")
    screenshot(page, "followups-de")


def test_only_ones_own_notes_are_editable_without_a_staff_id_in_the_session(
    open_page: Callable[..., Any], servers: LocalRun, api: Api
) -> None:
    customer = "C00051"  # in Ben's book, in SEA01's address book
    for who, text in (("ana", "Ana's note"), ("ben", "Ben's note")):
        api.call(who, "POST", f"SEA01/customers/{customer}/notes", {"text": text})
    page = open_page()
    page.goto(servers.page_url)
    # What an Entra ID sign-in leaves: the account's name and a token, no staff id.
    session = {"token": api.tokens["ben"], "staff": {"name": "Ben Okafor", "stores": ["SEA01"]}}
    page.evaluate(
        "s => sessionStorage.setItem('clienteling.session', s)",
        json.dumps({**session, "store": "SEA01"}),
    )
    page.goto(f"{servers.page_url}#/customer/{customer}")
    page.reload()
    notes = page.locator(".notes li")
    notes.filter(has_text="Ben's note").get_by_role("button", name=re.compile("^Edit")).wait_for()
    assert notes.filter(has_text="Ana's note").get_by_role("button").count() == 0
