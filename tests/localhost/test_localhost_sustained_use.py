"""The local host under sustained use, every request on a new connection as curl sends them,
in a process of its own with a laptop's open-file limit: its open files, threads and memory
stay where they were, and every answer is right. `make soak` runs the same at full length."""

from __future__ import annotations

import sys

import pytest

from tests.soak.run import soak

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the host's /proc")


def test_a_thousand_new_connections_leave_the_host_as_it_was() -> None:
    # Two files leaked per request would reach a limit of 256 within the warm-up.
    verdict = soak(requests=800, clients=4, open_files=256, warm_up=200)

    assert verdict.open_file_limit == 256
    assert verdict.problems == []
    assert verdict.requests == 800
