"""One Functions worker process for `make flex-cost`: the app on a fixed-size thread pool.

    python -m tests.bench.flex_app --threads 4

Settings come from the environment (the Cosmos DB store behind the delay proxy, local tokens).
Prints `READY <url>` once it serves on a free loopback port; stops when standard input closes.
Its own process, so that its CPU time is the app's alone.
"""

from __future__ import annotations

import argparse
import functools
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from shared.localhost import LocalHost, load_app
from shared.localhost.http_conversion import WireResponse


class PooledHost(LocalHost):
    """The local host with the Python worker's execution model for synchronous functions.

    The worker runs each invocation of a `def` function on a ThreadPoolExecutor of
    PYTHON_THREADPOOL_THREAD_COUNT threads; requests beyond that wait for a free thread.
    The local host's own connection threads only carry bytes, as the Functions host does.
    """

    def __init__(self, *args: Any, threads: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="worker")

    def dispatch(self, *args: Any) -> tuple[WireResponse, str]:
        return self._pool.submit(super().dispatch, *args).result()

    def stop(self) -> None:
        super().stop()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _through_the_proxy() -> None:
    """Keep every Cosmos DB request on the endpoint the settings name (the delay proxy).

    The local server's account document advertises its own address as the region's
    endpoint, and the SDK would follow it past the proxy; a real account advertises the
    regional endpoint of the same account, which is what the proxy stands for.
    """
    from shared.adapters.cosmos import client

    client.CosmosClient = functools.partial(client.CosmosClient, enable_endpoint_discovery=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args(argv)

    from shared.localhost.demo import apply_local_settings

    # Schedule defaults: the timer bindings name them even when timers do not run.
    apply_local_settings(Path("absent.settings.json"))
    _through_the_proxy()
    host = PooledHost(load_app(), port=0, run_timers=False, threads=args.threads).start()
    print(f"READY {host.url}", flush=True)
    try:
        sys.stdin.read()  # until the parent closes it, or exits
    finally:
        host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
