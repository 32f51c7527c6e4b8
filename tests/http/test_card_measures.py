"""Customer Insights measures on customer cards, end to end: the app signs in at a local Entra
ID stand-in and reads measures from a local Dataverse stand-in."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.identity.local_signing import LocalSigningKey
from shared.composition import reset_services
from shared.settings import reset_settings
from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.tls import TlsFiles
from tests.insights.insights_scenario import ALTERNATE_ID, APP_ID
from tests.support.api_client import ApiClient
from tests.support.card_insights import name_the_secret, turn_off, turn_on, write_local_secret
from tests.support.movable_clock import MovableClock, install_clock
from tests.support.world import World, add_to_book, pos_path

MY_BOOK = pos_path("S1", "client-book/customers")
SECRET_VALUE = "card-secret-value-never-logged"
TIMEOUT_SECONDS = 0.5
FIRST_ATTRIBUTE = {
    "kind": "attribute",
    "name": "favoriteCategory",
    "label": "Favorite category",
    "value": "Watches",  # UC003's
}


@pytest.fixture
def identity(tls: TlsFiles) -> Iterator[FakeIdentityProvider]:
    provider = FakeIdentityProvider(tls, APP_ID, {SECRET_VALUE})
    provider.server.start()
    yield provider
    provider.server.stop()


@pytest.fixture
def platform(tls: TlsFiles, identity: FakeIdentityProvider) -> Iterator[FakeCustomerInsights]:
    fake = FakeCustomerInsights(tls, identity, ALTERNATE_ID)
    fake.server.start()
    # UC004 has no profile on the platform.
    for n in [1, 2, 3, *range(5, 61)]:
        fake.add(
            f"UC{n:03d}", f"ci-{n}", ChurnRisk=n / 100, LifetimeSpend=n * 10, NextBestAction="Call"
        )
    yield fake
    fake.server.stop()


@pytest.fixture
def world(
    api: ApiClient,
    signing_key: LocalSigningKey,
    env: Path,
    identity: FakeIdentityProvider,
    tls: TlsFiles,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    secrets_file = env / "secrets.json"
    write_local_secret(secrets_file, SECRET_VALUE)
    monkeypatch.setenv("SECRETS_MODE", "local")
    monkeypatch.setenv("LOCAL_SECRETS_FILE", str(secrets_file))
    monkeypatch.setenv("INSIGHTS_AUTHORITY_HOST", identity.authority_host)
    monkeypatch.setenv("OUTBOUND_TLS_CA_BUNDLE", str(tls.ca_cert))
    monkeypatch.setenv("INSIGHTS_TIMEOUT_SECONDS", str(TIMEOUT_SECONDS))
    reset_settings()
    reset_services()
    built = World(api, signing_key)
    name_the_secret(built)
    return built.build(customers_per_entity=60)


def my_book(world: World, **params: Any) -> list[dict[str, Any]]:
    return world.ok(world.as_staff("alice").get(MY_BOOK, params=params))["customers"]


def measure(name: str, value: Any) -> dict[str, Any]:
    # Dataverse publishes no measure labels, so the platform's label is the name.
    return {"kind": "measure", "name": name, "label": name, "value": value}


def test_two_measures_then_the_attribute_with_display_order_1(
    world: World, platform: FakeCustomerInsights
) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk", "LifetimeSpend"])
    add_to_book(world, "alice", ["UC003", "UC004"], "S1")
    uc003, uc004 = my_book(world)
    assert uc003["properties"] == [
        measure("ChurnRisk", 0.03),
        measure("LifetimeSpend", 30),
        FIRST_ATTRIBUTE,
    ]
    assert uc003["insights"] == {"status": "ok"}
    # Not on the platform: the same slots, empty.
    assert [p["value"] for p in uc004["properties"][:2]] == [None, None]
    assert uc004["insights"] == {"status": "ok"}


def test_three_measures_fill_the_card_and_a_change_is_seen_once_published(
    world: World, platform: FakeCustomerInsights
) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk", "LifetimeSpend"])
    add_to_book(world, "alice", ["UC003"], "S1")
    assert [p["kind"] for p in my_book(world)[0]["properties"]] == [
        "measure",
        "measure",
        "attribute",
    ]
    turn_on(world, platform.org_url, ["NextBestAction", "ChurnRisk", "LifetimeSpend"])
    assert my_book(world)[0]["properties"] == [
        measure("NextBestAction", "Call"),
        measure("ChurnRisk", 0.03),
        measure("LifetimeSpend", 30),
    ]


def test_every_card_view_carries_the_measures(world: World, platform: FakeCustomerInsights) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk"])
    add_to_book(world, "alice", ["UC003"], "S1")
    alice = world.as_staff("alice")
    store_book = world.ok(alice.get(pos_path("S1", "store-client-book/customers")))
    details = world.ok(alice.get(pos_path("S1", "customers/UC003")))
    search = world.ok(alice.get(pos_path("S1", "customers"), params={"search": "Customer 003"}))
    cards = [store_book["customers"][0], details["card"], search["customers"][0]]
    for card in cards:
        assert card["customerId"] == "UC003"
        assert card["properties"][0] == measure("ChurnRisk", 0.03)
        assert card["insights"] == {"status": "ok"}


def test_insights_off_says_disabled_and_asks_nothing(
    world: World, platform: FakeCustomerInsights
) -> None:
    add_to_book(world, "alice", ["UC003"], "S1")
    card = my_book(world)[0]
    assert card["insights"] == {"status": "disabled"}
    assert card["properties"][0] == FIRST_ATTRIBUTE
    turn_on(world, platform.org_url, ["ChurnRisk"])
    turn_off(world)
    before = len(platform.data_requests())
    assert my_book(world)[0]["insights"] == {"status": "disabled"}
    assert len(platform.data_requests()) == before


@pytest.mark.parametrize("outage", ["down", "slow"])
def test_a_failing_platform_leaves_cards_fast_with_attributes_only(
    world: World, platform: FakeCustomerInsights, outage: str
) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk", "LifetimeSpend"])
    add_to_book(world, "alice", ["UC003"], "S1")
    if outage == "down":
        platform.server.stop()
    else:
        platform.latency = 5.0
    started = time.perf_counter()
    card = my_book(world)[0]
    assert time.perf_counter() - started < TIMEOUT_SECONDS + 0.5
    assert card["insights"] == {"status": "unavailable"}
    assert [p["kind"] for p in card["properties"]] == ["attribute"] * 3
    assert card["properties"][0] == FIRST_ATTRIBUTE


def test_the_breaker_opens_then_closes_when_the_platform_is_back(
    world: World, platform: FakeCustomerInsights
) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk"])
    add_to_book(world, "alice", ["UC003"], "S1")
    clock = MovableClock()
    install_clock(clock)
    platform.failing_status = 500
    for _ in range(5):  # the breaker's threshold
        assert my_book(world)[0]["insights"] == {"status": "unavailable"}
    asked = len(platform.data_requests())
    assert my_book(world)[0]["insights"] == {"status": "unavailable"}
    assert len(platform.data_requests()) == asked  # open: not even tried
    platform.failing_status = None
    clock.advance(dt.timedelta(seconds=31))  # past the cool-down: one probe, which succeeds
    card = my_book(world)[0]
    assert card["insights"] == {"status": "ok"}
    assert card["properties"][0] == measure("ChurnRisk", 0.03)


def test_a_page_of_50_cards_costs_at_most_two_platform_calls(
    world: World, platform: FakeCustomerInsights, identity: FakeIdentityProvider
) -> None:
    turn_on(world, platform.org_url, ["ChurnRisk", "LifetimeSpend"])
    ids = [f"UC{n:03d}" for n in [*range(1, 4), *range(5, 61)]]
    add_to_book(world, "alice", ids, "S1")
    before = len(platform.data_requests())
    cards = my_book(world, pageSize=50)
    assert len(cards) == 50
    assert all(c["insights"] == {"status": "ok"} for c in cards)
    assert all(c["properties"][0]["value"] is not None for c in cards)
    assert len(platform.data_requests()) - before <= 2
    before = len(platform.data_requests())
    signed_in = len(identity.token_requests())
    my_book(world, pageSize=50)
    assert len(platform.data_requests()) == before  # answers are cached for a while
    assert len(identity.token_requests()) == signed_in  # the same client, token and all


def test_no_secret_value_reaches_the_logs(
    world: World, platform: FakeCustomerInsights, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    turn_on(world, platform.org_url, ["ChurnRisk"])
    add_to_book(world, "alice", ["UC003"], "S1")
    assert my_book(world)[0]["insights"] == {"status": "ok"}
    platform.failing_status = 503
    platform.server.requests.clear()
    reset_services()  # a fresh client: nothing cached, sign-in again
    assert my_book(world)[0]["insights"] == {"status": "unavailable"}
    assert caplog.records, "the outage is logged"
    assert SECRET_VALUE not in caplog.text
