"""Start LocalHost instances for a test and always stop them afterwards."""

from collections.abc import Callable, Iterator

import azure.functions as func
import pytest

from shared.localhost import LocalHost

StartHost = Callable[..., LocalHost]


@pytest.fixture
def start_host() -> Iterator[StartHost]:
    started: list[LocalHost] = []

    def start(app: func.FunctionApp, **options: object) -> LocalHost:
        host = LocalHost(app, **options).start()  # type: ignore[arg-type]
        started.append(host)
        return host

    yield start
    for host in started:
        host.stop()
