"""The tenant's signing keys: refreshed by age and on unknown kids, never fetched per request.

Against the Entra ID stand-in's JWKS endpoint over HTTPS, counting fetches, with a clock the
tests move (shared/adapters/identity/signing_keys.py).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from shared.adapters.identity.signing_keys import (
    MAX_AGE_SECONDS,
    MAX_STALE_SECONDS,
    MIN_FETCH_INTERVAL_SECONDS,
    JwksUrlKeys,
)
from shared.domain.errors import DependencyUnavailable, Unauthenticated
from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.server import FakeResponse
from tests.fakes.tls import TlsFiles
from tests.support.movable_clock import MovableClock


class StepClock(MovableClock):
    def advance(self, seconds: float) -> None:  # type: ignore[override]
        super().advance(dt.timedelta(seconds=seconds))


@pytest.fixture
def provider(tls: TlsFiles) -> Iterator[FakeIdentityProvider]:
    provider = FakeIdentityProvider(tls, "unused-client", set())
    provider.server.start()
    yield provider
    provider.server.stop()


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def keys(provider: FakeIdentityProvider, clock: StepClock, tls: TlsFiles) -> JwksUrlKeys:
    return JwksUrlKeys(provider.jwks_url, tls_verify=str(tls.ca_cert), clock=clock)


def fetches(provider: FakeIdentityProvider) -> int:
    return len(provider.key_set_requests())


def test_keys_are_fetched_once_and_served_from_memory(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock
) -> None:
    kid = provider.add_signing_key()
    for _ in range(20):
        assert keys.key_for(kid) is not None
        clock.advance(60)
    assert fetches(provider) == 1


def test_a_removed_key_stops_validating_within_the_maximum_age(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock
) -> None:
    old, new = provider.add_signing_key(), provider.add_signing_key()
    keys.key_for(old)
    provider.remove_signing_key(old)

    clock.advance(MAX_AGE_SECONDS - 1)
    keys.key_for(old)  # still cached: the bound is the maximum age, not immediacy
    clock.advance(1)
    with pytest.raises(Unauthenticated, match="unknown key"):
        keys.key_for(old)
    assert keys.key_for(new) is not None
    assert fetches(provider) == 2
    assert MAX_AGE_SECONDS <= 24 * 3600  # Microsoft: check for new keys at least daily


def test_random_key_ids_cause_at_most_one_fetch_per_interval(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock
) -> None:
    kid = provider.add_signing_key()
    keys.key_for(kid)
    for n in range(200):
        with pytest.raises(Unauthenticated, match="unknown key"):
            keys.key_for(f"forged-{n}")
        clock.advance(0.5)  # 100 s of a flood of forged tokens
    # The first fetch, then one each 30 s of the flood (at 30, 60 and 90 s), not 200.
    assert fetches(provider) == 1 + 3

    clock.advance(MIN_FETCH_INTERVAL_SECONDS)
    with pytest.raises(Unauthenticated):
        keys.key_for("forged-again")
    assert fetches(provider) == 5
    assert keys.key_for(kid) is not None


def test_a_new_key_is_picked_up_on_its_first_token(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock
) -> None:
    keys.key_for(provider.add_signing_key())
    clock.advance(MIN_FETCH_INTERVAL_SECONDS)
    rolled = provider.add_signing_key()
    assert keys.key_for(rolled) is not None
    assert fetches(provider) == 2


def test_no_key_set_at_all_is_a_dependency_failure(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock
) -> None:
    kid = provider.add_signing_key()
    provider.server.enqueue(FakeResponse(503, {"error": "temporarily_unavailable"}), "/keys")
    with pytest.raises(DependencyUnavailable):
        keys.key_for(kid)
    with pytest.raises(DependencyUnavailable):  # within the interval: no second fetch
        keys.key_for(kid)
    assert fetches(provider) == 1
    clock.advance(MIN_FETCH_INTERVAL_SECONDS)
    assert keys.key_for(kid) is not None


@pytest.mark.parametrize(
    "broken",
    [
        FakeResponse(200, b"<html>sign in</html>"),
        FakeResponse(200, {"keys": []}),
        FakeResponse(200, {"keys": [{"kid": "k", "kty": "EC", "crv": "P-256"}]}),
        FakeResponse(200, {"keys": "all of them"}),
        FakeResponse(200, b"{" + b" " * (600 * 1024) + b"}"),
        FakeResponse(500, {"error": "server_error"}),
    ],
)
def test_an_outage_keeps_the_last_good_keys_for_a_day_then_fails_closed(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock, broken: FakeResponse
) -> None:
    kid = provider.add_signing_key()
    keys.key_for(kid)
    clock.advance(MAX_AGE_SECONDS)
    provider.server.enqueue(broken, "/keys")
    assert keys.key_for(kid) is not None  # refresh failed; the hour-old set still serves
    assert fetches(provider) == 2

    for _ in range(2):  # the endpoint stays down
        provider.server.enqueue(FakeResponse(503, {"error": "temporarily_unavailable"}), "/keys")
    clock.advance(MAX_STALE_SECONDS - MAX_AGE_SECONDS - 1)
    assert keys.key_for(kid) is not None
    clock.advance(1)
    with pytest.raises(DependencyUnavailable):
        keys.key_for(kid)
    assert fetches(provider) == 3


def test_a_token_without_a_key_id_fetches_nothing(
    provider: FakeIdentityProvider, keys: JwksUrlKeys
) -> None:
    with pytest.raises(Unauthenticated, match="kid"):
        keys.key_for(None)
    assert fetches(provider) == 0


def test_concurrent_requests_with_unknown_kids_share_one_fetch(
    provider: FakeIdentityProvider, keys: JwksUrlKeys, clock: StepClock
) -> None:
    kid = provider.add_signing_key()
    keys.key_for(kid)
    clock.advance(MIN_FETCH_INTERVAL_SECONDS)
    provider.server.enqueue(FakeResponse(200, provider.key_set(), delay=0.2), "/keys")
    outcomes: list[str] = []

    def forge(n: int) -> None:
        try:
            keys.key_for(f"forged-{n}")
            outcomes.append("accepted")
        except Unauthenticated:
            outcomes.append("refused")

    threads = [threading.Thread(target=forge, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert outcomes == ["refused"] * 16
    assert fetches(provider) == 2
