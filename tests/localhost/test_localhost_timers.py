"""Timer functions under LocalHost: run now through the admin endpoint, run on their schedule
(with %SETTING% schedules), survive failures, and stop with the host."""

import logging
import threading
import time

import azure.functions as func
import pytest
import requests

from shared.localhost import LocalHost
from shared.localhost.app_settings import UnresolvedSettingError
from shared.localhost.ncrontab import ScheduleError

FAR_AWAY = "0 0 0 1 Jan *"  # once a year: never during a test


class Calls:
    """Records timer invocations so a test can wait (bounded) for them."""

    def __init__(self) -> None:
        self.requests: list[func.TimerRequest] = []
        self._changed = threading.Condition()

    def record(self, timer: func.TimerRequest) -> None:
        with self._changed:
            self.requests.append(timer)
            self._changed.notify_all()

    def wait_for(self, count: int, seconds: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.requests) >= count, timeout=seconds)


def timer_app(schedule: str, calls: Calls, run_on_startup: bool = False) -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    bp = func.Blueprint()

    @bp.timer_trigger(schedule=schedule, arg_name="nightly", run_on_startup=run_on_startup)
    def distribution_job(nightly: func.TimerRequest) -> None:
        calls.record(nightly)

    app.register_blueprint(bp)
    return app


def test_admin_endpoint_runs_a_timer_now(start_host) -> None:
    calls = Calls()
    host = start_host(timer_app(FAR_AWAY, calls), run_timers=False)

    response = requests.post(f"{host.url}/admin/functions/distribution_job", json={}, timeout=5)

    assert response.status_code == 202
    assert calls.wait_for(1, seconds=2)
    assert isinstance(calls.requests[0], func.TimerRequest)
    assert calls.requests[0].past_due is False


def test_admin_endpoint_answers_404_for_an_unknown_function(start_host) -> None:
    calls = Calls()
    host = start_host(timer_app(FAR_AWAY, calls), run_timers=False)

    response = requests.post(f"{host.url}/admin/functions/no_such_job", timeout=5)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "no_such_job" in response.json()["detail"]
    assert calls.requests == []


def test_a_timer_runs_on_its_schedule_from_a_setting_and_survives_a_failure(
    start_host, caplog: pytest.LogCaptureFixture
) -> None:
    runs: list[float] = []
    done = threading.Event()
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.timer_trigger(schedule="%TICK_SCHEDULE%", arg_name="tick")
    def flaky_tick(tick: func.TimerRequest) -> None:
        runs.append(time.monotonic())
        if len(runs) == 1:
            raise RuntimeError("first run fails")
        done.set()

    with caplog.at_level(logging.INFO, logger="localhost"):
        start_host(app, settings={"TICK_SCHEDULE": "* * * * * *"})
        ran_again = done.wait(timeout=3.5)

    assert ran_again, f"runs: {len(runs)}"
    assert "first run fails" in caplog.text  # the failure was logged, with its traceback
    assert "timer flaky_tick: run (schedule)" in caplog.text


def test_run_on_startup_runs_once_at_start(start_host) -> None:
    calls = Calls()

    start_host(timer_app(FAR_AWAY, calls, run_on_startup=True))

    assert calls.wait_for(1, seconds=2)


def test_without_timers_only_the_admin_endpoint_runs_them(start_host) -> None:
    calls = Calls()

    start_host(timer_app(FAR_AWAY, calls, run_on_startup=True), run_timers=False)

    # with timers on, the startup run happens at once (see the test above)
    assert not calls.wait_for(1, seconds=0.5)


def test_stopping_the_host_stops_its_timer_threads(start_host) -> None:
    calls = Calls()
    host = start_host(timer_app("* * * * * *", calls))

    host.stop()

    lingering = [t.name for t in threading.enumerate() if t.name.startswith("timer-")]
    assert lingering == []


def test_an_unresolved_setting_in_a_schedule_is_a_startup_error(monkeypatch) -> None:
    monkeypatch.delenv("MISSING_SCHEDULE", raising=False)

    with pytest.raises(UnresolvedSettingError) as refused:
        LocalHost(timer_app("%MISSING_SCHEDULE%", Calls()), settings={})

    assert refused.value.setting == "MISSING_SCHEDULE"
    assert "MISSING_SCHEDULE" in str(refused.value)
    assert "distribution_job" in str(refused.value)


def test_settings_come_from_the_environment_when_not_given(monkeypatch) -> None:
    monkeypatch.setenv("JOB_SCHEDULE", "0 */15 * * * *")

    host = LocalHost(timer_app("%JOB_SCHEDULE%", Calls()))

    assert [t.schedule_expression for t in host.catalog.timers] == ["0 */15 * * * *"]


def test_an_invalid_schedule_is_a_startup_error_naming_the_function() -> None:
    with pytest.raises(ScheduleError) as refused:
        LocalHost(timer_app("0 0 25 * * *", Calls()))

    assert "distribution_job" in str(refused.value)
    assert "hour 25" in str(refused.value)
