"""A real browser on the reference page: Debian's chromium driven by Playwright for Python.

Playwright never downloads a browser here (`executable_path` points at the system chromium).
Without chromium the tests skip and say why, except where BROWSER_TESTS_REQUIRED=1 (CI), which
makes a missing browser a failure. One browser and one `make run`-equivalent pair of servers
serve the whole browser suite, which keeps the wall time to seconds.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from shared.localhost.demo import LocalRun
from tests.support.local_run import local_run

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / ".local" / "pos-page"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
        pytest.fail(f"browser tests are required here: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        _unavailable("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    if not AXE.exists():
        _unavailable("axe-core is not installed (make web-deps: npm ci in web/)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI and containers run as root, where chromium refuses its sandbox; the
        # browser only ever loads the page under test from loopback.
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def servers() -> Iterator[LocalRun]:
    with local_run() as run:
        yield run


class Api:
    """The API as a test sets up and checks state, with a demo staff member's token."""

    def __init__(self, run: LocalRun) -> None:
        self.base = f"{run.host.url}/api/stores"
        self.admin = f"{run.host.url}/api/admin"
        self.tokens = run.tokens

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def call(self, who: str, method: str, path: str, body: Any = None) -> Any:
        answer = requests.request(
            method,
            f"{self.base}/{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
            timeout=10,
        )
        assert answer.status_code < 300, answer.text
        return answer.json()

    def add(self, who: str, store: str, *customer_ids: str) -> None:
        self.call(
            who, "POST", f"{store}/client-book/customers", {"customerIds": list(customer_ids)}
        )

    def name(self, customer_id: str) -> str:
        return str(self.call("ana", "GET", f"SEA01/customers/{customer_id}")["card"]["name"])

    def email(self, customer_id: str) -> str:
        return str(self.call("ana", "GET", f"SEA01/customers/{customer_id}")["card"]["email"])


@pytest.fixture(scope="session")
def api(servers: LocalRun) -> Api:
    return Api(servers)


@pytest.fixture
def open_page(browser: Any, servers: LocalRun) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def open_page(locale: str = "en-US") -> Any:
        # bypass_csp: axe-core is injected inline; the page itself runs under its CSP elsewhere.
        context = browser.new_context(
            locale=locale, viewport={"width": 1024, "height": 900}, bypass_csp=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        return page

    yield open_page
    for context in contexts:
        for page in context.pages:
            assert not page.errors, page.errors
        context.close()


def sign_in(page: Any, run: LocalRun, name: str) -> None:
    page.goto(run.page_url)
    page.get_by_role("button", name=re.compile(name)).click()


def check_accessibility(page: Any, screen: str) -> None:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
            .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) }))"""
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, (screen, serious)


def screenshot(page: Any, screen: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{screen}.png"), full_page=True)
