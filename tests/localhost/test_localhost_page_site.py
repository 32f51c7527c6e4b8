"""The reference page on an origin of its own, and the local-only demo sign-in route."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.localhost.app_loading import load_app
from shared.localhost.demo import LocalRun
from shared.localhost.function_catalog import catalog_functions
from shared.localhost.page_site import DEMO_STAFF_PATH, PageSite
from shared.settings import SETTING_DEFAULTS
from tests.support.local_run import local_run


@pytest.fixture(scope="module")
def run() -> Iterator[LocalRun]:
    with local_run() as started:
        yield started


def test_the_page_has_its_own_origin_and_the_api_allows_it(run: LocalRun) -> None:
    page = requests.get(run.page_url, timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert run.page.url != run.host.url
    config = requests.get(f"{run.page.url}/config.json", timeout=5).json()
    assert config["apiBase"] == f"{run.host.url}/api" and config["auth"] == "local"
    for origin in run.page_origins:
        preflight = requests.options(
            f"{config['apiBase']}/stores/SEA01/client-book",
            headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
            timeout=5,
        )
        assert preflight.headers["Access-Control-Allow-Origin"] == origin


def test_the_demo_staff_route_offers_tokens_that_the_api_accepts(run: LocalRun) -> None:
    staff = requests.get(f"{run.page.url}{DEMO_STAFF_PATH}", timeout=5).json()["staff"]
    ana = next(s for s in staff if s["name"] == "Ana Alvarez")
    assert ana["stores"] == ["SEA01"] and ana["permissionSet"] == "associate"
    book = requests.get(
        f"{run.host.url}/api/stores/SEA01/client-book",
        headers={"Authorization": f"Bearer {ana['token']}"},
        timeout=5,
    )
    assert book.status_code == 200


def test_the_function_app_has_no_demo_sign_in_route(run: LocalRun) -> None:
    schedules = {name: value for name, value in SETTING_DEFAULTS.items() if value is not None}
    app = load_app()
    routes = [function.route.lower() for function in catalog_functions(app, schedules).http]
    app.functions_bindings = None
    assert routes, "the app registers routes"
    assert not [r for r in routes if r.startswith("local") or "demo" in r]
    # And the API itself answers 404 there, on its prefix or without.
    for path in (f"/api{DEMO_STAFF_PATH}", DEMO_STAFF_PATH):
        assert requests.get(f"{run.host.url}{path}", timeout=5).status_code == 404


def test_the_page_site_serves_only_the_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "secret.js").write_text("x")
    (tmp_path / ".env").write_text("x")
    with PageSite(tmp_path, "http://127.0.0.1:1/api") as site:
        assert requests.get(f"{site.url}/", timeout=5).status_code == 200
        for path in ("/node_modules/secret.js", "/.env", "/../etc/passwd", "/%2e%2e/x"):
            assert requests.get(f"{site.url}{path}", timeout=5).status_code == 404, path
        # Without demo staff (any deployment-like use) the sign-in route does not exist.
        assert requests.get(f"{site.url}{DEMO_STAFF_PATH}", timeout=5).status_code == 404
        config = json.loads(requests.get(f"{site.url}/config.json", timeout=5).text)
        assert "token" not in json.dumps(config).lower()


def test_make_run_prints_the_page_url_next_to_the_tokens(
    run: LocalRun, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.localhost.demo import print_welcome

    print_welcome(run.tokens, run.host.url, run.page_url)
    printed = capsys.readouterr().out
    tokens_at = printed.index("Bearer tokens")
    page_at = printed.index(f"The reference POS page: {run.page_url}")
    assert tokens_at < page_at < printed.index("Try:")
