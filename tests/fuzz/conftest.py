"""The running app, once per fuzzing session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.running_app import RunningApp, running_app


@pytest.fixture(scope="session")
def live_app() -> Iterator[RunningApp]:
    with running_app() as app:
        yield app
