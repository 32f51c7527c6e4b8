import time

import pytest

from shared.insights.breaker import CircuitState
from shared.insights.measures import CustomerMeasures, Measure
from shared.secrets.reference import parse_secret_reference
from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.keyvault import FakeKeyVault
from tests.fakes.server import FakeResponse
from tests.insights.insights_scenario import ALTERNATE_ID, SECRET_REF


def test_dataverse_measures_come_in_the_selected_order_with_names_as_labels(
    make_client, platform: FakeCustomerInsights
) -> None:
    platform.add("C-1001", "ci-1", LifetimeSpend=1520.5, ChurnRisk=0.12, NextBestAction="Call")
    client = make_client()

    result = client.measures_for(["C-1001"])

    assert result == {
        "C-1001": CustomerMeasures(
            "ok",
            (
                Measure("ChurnRisk", "ChurnRisk", 0.12),
                Measure("LifetimeSpend", "LifetimeSpend", 1520.5),
            ),
        )
    }
    profiles, measures = platform.data_requests()
    assert profiles.path == "/api/data/v9.2/msdynci_customerprofiles"
    assert profiles.param("$filter") == f"{ALTERNATE_ID} eq 'C-1001'"
    assert measures.path == "/api/data/v9.2/msdynci_customermeasures"
    assert measures.param("$filter") == "msdynci_customerid eq 'ci-1'"


def test_a_customer_unknown_to_insights_gets_an_empty_ok(
    make_client, platform: FakeCustomerInsights
) -> None:
    platform.add("C-1001", "ci-1", ChurnRisk=0.12)

    result = make_client().measures_for(["C-404", "C-1001"])

    assert list(result) == ["C-404", "C-1001"]
    assert result["C-404"] == CustomerMeasures("ok", ())
    assert result["C-1001"].measures == (Measure("ChurnRisk", "ChurnRisk", 0.12),)


def test_a_quote_in_a_customer_id_stays_inside_the_literal(
    make_client, platform: FakeCustomerInsights
) -> None:
    platform.add("O'Brien-7", "ci-7", ChurnRisk=0.3)
    platform.add("C-1001", "ci-1", ChurnRisk=0.9)
    sneaky = f"x' or {ALTERNATE_ID} ne 'x"

    result = make_client().measures_for(["O'Brien-7", sneaky])

    assert result["O'Brien-7"].measures == (Measure("ChurnRisk", "ChurnRisk", 0.3),)
    assert result[sneaky] == CustomerMeasures("ok", ())
    # The platform parsed exactly two equality comparisons, with the ids as given.
    assert platform.filters_seen[0] == [(ALTERNATE_ID, "O'Brien-7"), (ALTERNATE_ID, sneaky)]
    assert "'O''Brien-7'" in platform.data_requests()[0].param("$filter")


def test_an_id_with_control_characters_is_not_sent(
    make_client, platform: FakeCustomerInsights
) -> None:
    result = make_client().measures_for(["C-1\r\nX"])

    assert result["C-1\r\nX"].status == "unavailable"
    assert platform.data_requests() == []


def test_a_page_of_fifty_cards_costs_two_platform_calls(
    make_client, platform: FakeCustomerInsights, identity: FakeIdentityProvider
) -> None:
    ids = [f"C-{n:04d}" for n in range(50)]
    for n, customer_id in enumerate(ids):
        platform.add(customer_id, f"ci-{n}", ChurnRisk=n / 100)

    result = make_client().measures_for(ids)

    assert all(result[c].status == "ok" and result[c].measures for c in ids)
    assert result["C-0042"].measures[0].value == 0.42
    assert len(platform.data_requests()) == 2
    assert len(identity.token_requests()) == 1


def test_long_id_lists_are_split_to_keep_urls_short(
    make_client, platform: FakeCustomerInsights
) -> None:
    ids = [f"C-{n:04d}" for n in range(50)]
    for n, customer_id in enumerate(ids):
        platform.add(customer_id, f"ci-{n}", ChurnRisk=n)

    result = make_client(max_url_length=700).measures_for(ids)

    assert [result[c].measures[0].value for c in ids] == list(range(50))
    requests = platform.data_requests()
    assert 4 <= len(requests) <= 12
    for request in requests:
        assert len(request.param("$filter")) < 700


def test_answers_are_cached_per_customer_for_a_while(
    make_client, platform: FakeCustomerInsights, clock
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    platform.add("C-2", "ci-2", ChurnRisk=0.2)
    client = make_client()
    client.measures_for(["C-1"])
    calls = len(platform.data_requests())

    clock.now += 59
    client.measures_for(["C-1", "C-2"])
    assert [r.param("$filter") for r in platform.data_requests()[calls:]] == [
        f"{ALTERNATE_ID} eq 'C-2'",
        "msdynci_customerid eq 'ci-2'",
    ]

    clock.now += 2
    platform.customers[0].measures["ChurnRisk"] = 0.5
    assert client.measures_for(["C-1"])["C-1"].measures[0].value == 0.5


def test_throttling_is_retried_after_the_time_the_platform_asks(
    make_client, platform: FakeCustomerInsights, sleeps
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    platform.server.enqueue(FakeResponse(429, {"error": {}}, {"Retry-After": "1"}), "profiles")
    platform.server.enqueue(FakeResponse(503, {"error": {}}), "measures")

    result = make_client().measures_for(["C-1"])

    assert result["C-1"].status == "ok"
    assert sleeps == [1.0, 0.05]
    assert len(platform.data_requests()) == 4


def test_a_retry_after_beyond_the_cap_is_not_waited_for(
    make_client, platform: FakeCustomerInsights, sleeps
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    platform.server.enqueue(FakeResponse(429, {"error": {}}, {"Retry-After": "120"}))

    result = make_client().measures_for(["C-1"])

    assert result["C-1"] == CustomerMeasures.unavailable("msdynci_customerprofiles: HTTP 429")
    assert sleeps == []
    assert len(platform.data_requests()) == 1


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        ("-5", 0.05),  # not delay-seconds: our own backoff
        ("nan", 0.05),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),  # in the past: now
        ("Sun, 06 Nov 1994 08:49:37 -0000", 0.0),  # a date without a zone
    ],
)
def test_any_retry_after_is_a_wait_or_our_own_backoff(
    make_client, platform: FakeCustomerInsights, sleeps, retry_after: str, wait: float
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    platform.server.enqueue(
        FakeResponse(429, {"error": {}}, {"Retry-After": retry_after}), "profiles"
    )

    result = make_client().measures_for(["C-1"])

    assert result["C-1"].status == "ok"
    assert sleeps == [wait]


def test_retries_stop_after_the_configured_attempts(
    make_client, platform: FakeCustomerInsights, sleeps
) -> None:
    for _ in range(3):
        platform.server.enqueue(FakeResponse(503, {"error": {}}, {"Retry-After": "0"}))

    result = make_client().measures_for(["C-1"])

    assert result["C-1"].status == "unavailable"
    assert len(platform.data_requests()) == 3
    assert sleeps == [0.0, 0.0]


def test_a_server_error_is_not_retried(make_client, platform: FakeCustomerInsights) -> None:
    platform.server.enqueue(FakeResponse(500, {"error": {"message": "boom"}}))

    result = make_client().measures_for(["C-1"])

    assert result["C-1"] == CustomerMeasures.unavailable("msdynci_customerprofiles: HTTP 500")
    assert len(platform.data_requests()) == 1


def test_a_slow_platform_times_out_quickly(make_client, platform: FakeCustomerInsights) -> None:
    platform.server.enqueue(FakeResponse(200, {"value": []}, delay=1.5))
    client = make_client()
    client.token()  # sign-in is not what is being timed

    started = time.monotonic()
    result = client.measures_for(["C-1"])

    assert time.monotonic() - started < 1.0
    assert result["C-1"] == CustomerMeasures.unavailable(
        "msdynci_customerprofiles: no answer in time"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        {"rows": []},
        {"value": [{"msdynci_customerid": "ci-1", "msdynci_measures": "[1, 2"}]},
    ],
    ids=["not-json", "no-value-list", "measures-not-json"],
)
def test_malformed_answers_make_measures_unavailable(
    make_client, platform: FakeCustomerInsights, body
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    platform.server.enqueue(FakeResponse(200, body), "measures")

    result = make_client().measures_for(["C-1"])

    assert result["C-1"].status == "unavailable"
    assert "malformed" in (result["C-1"].reason or "")


def test_a_rotated_secret_is_picked_up_after_the_old_one_is_rejected(
    make_client,
    platform: FakeCustomerInsights,
    identity: FakeIdentityProvider,
    key_vault: FakeKeyVault,
    resolver,
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    resolver.get(SECRET_REF)  # the old value sits in the cache
    key_vault.set_secret(SECRET_REF.vault, SECRET_REF.name, "client-secret-2")
    identity.accepted_secrets = {"client-secret-2"}

    result = make_client().measures_for(["C-1"])

    assert result["C-1"].status == "ok"
    assert [r.form()["client_secret"] for r in identity.token_requests()] == [
        "client-secret-1",
        "client-secret-2",
    ]


def test_an_unreadable_secret_makes_measures_unavailable(
    make_client, make_settings, platform: FakeCustomerInsights
) -> None:
    settings = make_settings()
    missing = parse_secret_reference("vault://kv-contoso/no-such-secret")
    client = make_client(type(settings)(**{**settings.__dict__, "secret_reference": missing}))

    result = client.measures_for(["C-1"])

    assert result["C-1"].status == "unavailable"
    assert "not-found" in (result["C-1"].reason or "")
    assert platform.data_requests() == []


def test_the_circuit_opens_after_repeated_failures_and_closes_after_a_good_probe(
    make_client, platform: FakeCustomerInsights, clock
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    client = make_client()
    for _ in range(2):
        platform.server.enqueue(FakeResponse(500, {}))
        assert client.measures_for(["C-1"])["C-1"].status == "unavailable"
    assert client.breaker.state is CircuitState.OPEN
    calls = len(platform.data_requests())

    open_result = client.measures_for(["C-1"])
    assert open_result["C-1"].status == "unavailable"
    assert len(platform.data_requests()) == calls  # answered without calling

    clock.now += 10
    assert client.breaker.state is CircuitState.HALF_OPEN
    assert client.measures_for(["C-1"])["C-1"].status == "ok"
    assert client.breaker.state is CircuitState.CLOSED


def test_a_failed_probe_opens_the_circuit_again(
    make_client, platform: FakeCustomerInsights, clock
) -> None:
    client = make_client()
    for _ in range(3):
        platform.server.enqueue(FakeResponse(500, {}))
    client.measures_for(["C-1"])
    client.measures_for(["C-2"])
    clock.now += 10

    assert client.measures_for(["C-3"])["C-3"].status == "unavailable"
    assert client.breaker.state is CircuitState.OPEN
    assert len(platform.data_requests()) == 3


def test_a_known_profile_is_not_looked_up_again_when_measures_expire(
    make_client, platform: FakeCustomerInsights, clock
) -> None:
    platform.add("C-1", "ci-1", ChurnRisk=0.1)
    client = make_client()
    client.measures_for(["C-1", "C-9"])  # C-9 has no profile on the platform
    calls = len(platform.data_requests())

    clock.now += 61  # past the measures' lifetime, within the profiles'
    assert client.measures_for(["c-1"])["c-1"].measures[0].value == 0.1
    asked = [r.path.rsplit("/", 1)[-1] for r in platform.data_requests()[calls:]]
    assert asked == ["msdynci_customermeasures"]

    calls = len(platform.data_requests())
    platform.add("C-9", "ci-9", ChurnRisk=0.9)  # unified since: asked again
    assert client.measures_for(["C-9"])["C-9"].measures[0].value == 0.9
    asked = [r.path.rsplit("/", 1)[-1] for r in platform.data_requests()[calls:]]
    assert asked == ["msdynci_customerprofiles", "msdynci_customermeasures"]
