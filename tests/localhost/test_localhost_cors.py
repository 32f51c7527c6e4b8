"""CORS on the local host, as the Functions host's middleware answers (Host.CORS locally,
siteConfig.cors in Azure): preflights in front of the functions, allow headers for listed
origins only, and the app's own exposed headers."""

import json
from pathlib import Path

import azure.functions as func
import pytest
import requests

from shared.localhost.cors import CorsPolicy, CorsSettingsError, read_cors_policy
from tests.localhost.conftest import StartHost

PAGE = "http://localhost:4280"
OTHER_PAGE = "https://pos.example.com"
POS_HEADERS = "authorization, if-match, idempotency-key, content-type"


def _app(calls: list[str]) -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="items/{id}", methods=["GET", "PATCH"])
    def item(req: func.HttpRequest) -> func.HttpResponse:
        calls.append(req.method)
        return func.HttpResponse("{}", headers={"ETag": '"v1"'}, mimetype="application/json")

    return app


def _access_control(response: requests.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-")}


def _preflight(url: str, origin: str, method: str = "PATCH") -> requests.Response:
    return requests.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": POS_HEADERS,
        },
        timeout=5,
    )


def test_a_preflight_from_a_listed_origin_is_answered_before_any_function(
    start_host: StartHost,
) -> None:
    calls: list[str] = []
    host = start_host(_app(calls), cors=CorsPolicy((PAGE, OTHER_PAGE)), run_timers=False)
    answer = _preflight(f"{host.url}/api/items/7", PAGE)
    assert answer.status_code == 204
    assert _access_control(answer) == {
        "access-control-allow-origin": PAGE,
        "access-control-allow-headers": POS_HEADERS,
        "access-control-allow-methods": "PATCH",
    }
    assert answer.headers["Vary"] == "Origin"
    assert calls == []


def test_a_preflight_from_an_unlisted_origin_gets_no_cors_header(start_host: StartHost) -> None:
    calls: list[str] = []
    host = start_host(_app(calls), cors=CorsPolicy((PAGE,)), run_timers=False)
    answer = _preflight(f"{host.url}/api/items/7", "http://localhost:9999")
    assert answer.status_code == 204
    assert _access_control(answer) == {}
    assert calls == []


def test_an_allowed_origin_gets_allow_origin_on_the_functions_answer(
    start_host: StartHost,
) -> None:
    calls: list[str] = []
    host = start_host(_app(calls), cors=CorsPolicy((PAGE,)), run_timers=False)
    answer = requests.patch(f"{host.url}/api/items/7", headers={"Origin": PAGE}, timeout=5)
    assert answer.status_code == 200 and calls == ["PATCH"]
    assert _access_control(answer) == {"access-control-allow-origin": PAGE}
    assert answer.headers["ETag"] == '"v1"'
    # One listed origin: the answer is the same for every caller, so nothing varies.
    assert "Vary" not in answer.headers


def test_an_unlisted_origin_or_none_gets_the_answer_without_cors_headers(
    start_host: StartHost,
) -> None:
    calls: list[str] = []
    host = start_host(_app(calls), cors=CorsPolicy((PAGE,)), run_timers=False)
    stranger = requests.get(f"{host.url}/api/items/7", headers={"Origin": OTHER_PAGE}, timeout=5)
    plain = requests.get(f"{host.url}/api/items/7", timeout=5)
    assert stranger.status_code == plain.status_code == 200
    assert _access_control(stranger) == _access_control(plain) == {}


def test_credentials_and_any_origin(start_host: StartHost) -> None:
    calls: list[str] = []
    with_credentials = start_host(
        _app(calls), cors=CorsPolicy((PAGE,), support_credentials=True), run_timers=False
    )
    answer = _preflight(f"{with_credentials.url}/api/items/7", PAGE, "GET")
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    anyone = start_host(_app(calls), cors=CorsPolicy(("*",)), run_timers=False)
    answer = requests.get(f"{anyone.url}/api/items/7", headers={"Origin": OTHER_PAGE}, timeout=5)
    assert _access_control(answer) == {"access-control-allow-origin": "*"}
    with pytest.raises(CorsSettingsError):
        CorsPolicy(("*",), support_credentials=True)


def test_without_cors_an_options_request_reaches_the_route_table(start_host: StartHost) -> None:
    calls: list[str] = []
    host = start_host(_app(calls), run_timers=False)
    answer = _preflight(f"{host.url}/api/items/7", PAGE)
    assert answer.status_code == 405
    assert _access_control(answer) == {}


def test_the_app_exposes_the_headers_a_pos_acts_on(start_host: StartHost, env: Path) -> None:
    from shared.localhost import load_app
    from shared.settings import SETTING_DEFAULTS

    # The timer bindings name their schedule settings even when timers do not run.
    schedules = {name: value for name, value in SETTING_DEFAULTS.items() if value is not None}
    app = load_app()
    host = start_host(app, cors=CorsPolicy((PAGE,)), run_timers=False, settings=schedules)
    app.functions_bindings = None  # other tests index the app again
    answer = requests.get(f"{host.url}/api/health", headers={"Origin": PAGE}, timeout=5)
    exposed = {
        h.strip().lower() for h in answer.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"etag", "idempotency-replayed", "retry-after"} <= exposed
    assert answer.headers["Access-Control-Allow-Origin"] == PAGE
    # A problem answer exposes them too: Retry-After rides on 503 problems.
    missing = requests.get(f"{host.url}/api/stores/S1/client-book", headers={"Origin": PAGE})
    assert missing.status_code == 401
    assert "ETag" in missing.headers["Access-Control-Expose-Headers"]


def test_cors_is_read_from_the_host_section_of_local_settings(tmp_path: Path) -> None:
    settings = tmp_path / "local.settings.json"
    settings.write_text(
        json.dumps(
            {"Values": {}, "Host": {"CORS": f"{PAGE}/, {OTHER_PAGE}", "CORSCredentials": True}}
        )
    )
    policy = read_cors_policy(settings)
    assert policy == CorsPolicy((PAGE, OTHER_PAGE), support_credentials=True)
    settings.write_text(json.dumps({"Values": {}}))
    assert read_cors_policy(settings) is None
    assert read_cors_policy(tmp_path / "absent.json") is None
    example = read_cors_policy(Path(__file__).parents[2] / "local.settings.example.json")
    assert example is not None and example.allows(PAGE)
