from shared.insights.breaker import CircuitBreaker, CircuitState
from tests.insights.insights_scenario import Clock


def open_breaker(clock: Clock) -> CircuitBreaker:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=30, clock=clock)
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    return breaker


def test_consecutive_failures_open_the_circuit() -> None:
    breaker = open_breaker(Clock())
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow()


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=30, clock=Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_after_the_cool_down_exactly_one_probe_goes_through() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 29.9
    assert not breaker.allow()

    clock.now += 0.1
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # a second caller while the probe is out


def test_a_good_probe_closes_and_a_bad_one_reopens() -> None:
    clock = Clock()
    breaker = open_breaker(clock)
    clock.now += 30
    breaker.allow()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow()

    clock.now += 30
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow() and breaker.allow()
