"""The one-click unsubscribe link (RFC 8058) of every email: signed, anonymous, idempotent;
a link we did not sign is refused with problem+json and records nothing."""

from __future__ import annotations

from shared.composition import services
from shared.services.unsubscribe_links import UnsubscribeTarget
from tests.support.world import World, pos_path

ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


def link_path(customer: str = "UC003", legal_entity: str = "USRT") -> str:
    token = services().consent.links.token(UnsubscribeTarget(legal_entity, customer, "email"))
    return f"/api/unsubscribe/{token}"


def email_history(world: World, customer: str = "UC003") -> list[dict]:
    reply = world.as_staff("alice").get(pos_path("S1", f"customers/{customer}/consent"))
    return [e for e in world.ok(reply)["history"] if e["channel"] == "email"]


def opt_in_email(world: World) -> None:
    world.import_records(
        "USRT",
        "customers",
        [
            {
                "customerId": "UC003",
                "name": "Customer 003",
                "email": "c3@example.com",
                "addressBooks": ["AB1"],
                "contactConsent": True,
            }
        ],
    )


def test_one_click_records_the_opt_out_once(world: World) -> None:
    opt_in_email(world)
    path = link_path()

    first = world.api.post(path, body=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)
    again = world.api.post(path, body=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)

    assert first.status == again.status == 200, first
    assert first.content_type.startswith("text/html")
    history = email_history(world)
    assert [e["source"] for e in history] == ["headquarters-import", "unsubscribe-link"]
    assert history[-1]["state"] == "opted-out"


def test_opening_the_link_only_shows_a_page_that_posts(world: World) -> None:
    opt_in_email(world)
    path = link_path()

    page = world.api.get(path)

    assert page.status == 200 and page.content_type.startswith("text/html")
    assert b'method="post"' in page.body and b"List-Unsubscribe" in page.body
    assert [e["state"] for e in email_history(world)] == ["opted-in"]


def test_a_link_we_did_not_sign_is_refused_and_records_nothing(world: World) -> None:
    opt_in_email(world)
    good = link_path().rsplit("/", 1)[1]
    flipped = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]

    for token in (flipped, good[:-5], "x" * 30, "not-a-token"):
        reply = world.api.post(f"/api/unsubscribe/{token}", body=b"", headers=ONE_CLICK)
        page = world.api.get(f"/api/unsubscribe/{token}")
        assert reply.status == page.status == 400, (token, reply)
        assert reply.content_type.startswith("application/problem+json")
        assert reply.json["type"] == "urn:clienteling:problem:invalid-unsubscribe-link"
    assert [e["state"] for e in email_history(world)] == ["opted-in"]


def test_the_link_of_an_erased_customer_does_nothing(world: World) -> None:
    path = link_path()
    world.ok(
        world.admin.post(
            "/api/admin/USRT/customers/UC003/erase", json={"confirmCustomerId": "UC003"}
        )
    )

    reply = world.api.post(path, body=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)

    assert reply.status == 200
    export = world.ok(world.admin.get("/api/admin/USRT/customers/UC003/export"))
    assert export["consent"] == []
