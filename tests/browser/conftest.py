"""A real browser on the reference page: Debian's chromium driven by Playwright for Python.

Playwright never downloads a browser here (`executable_path` points at the system chromium).
Without chromium the tests skip and say why, except where BROWSER_TESTS_REQUIRED=1 (CI), which
makes a missing browser a failure. One browser and one `make run`-equivalent pair of servers
serve the whole module, which keeps the wall time to seconds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def servers() -> Iterator[LocalRun]:
    with local_run() as run:
        yield run
