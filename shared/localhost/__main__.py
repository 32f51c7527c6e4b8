"""`python -m shared.localhost`: serve function_app locally until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence

from shared.localhost.app_loading import load_app
from shared.localhost.app_settings import (
    UnresolvedSettingError,
    apply_to_environment,
    read_local_settings,
)
from shared.localhost.cors import CorsSettingsError, read_cors_policy
from shared.localhost.host_config import read_queue_options, read_route_prefix
from shared.localhost.ncrontab import ScheduleError
from shared.localhost.routing import RouteTemplateError
from shared.localhost.server import LocalHost


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m shared.localhost", description="Run the Functions app locally."
    )
    parser.add_argument("--port", type=int, default=7071)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback default)")
    parser.add_argument("--app", default="function_app:app", help="module:attribute of the app")
    parser.add_argument("--no-timers", action="store_true", help="do not run timer schedules")
    parser.add_argument("--settings", default="local.settings.json", help="local settings file")
    parser.add_argument("--host-json", default="host.json", help="host.json for routePrefix")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Settings go into the environment before the app is imported, as Core Tools does.
    apply_to_environment(read_local_settings(arguments.settings))
    module_name, _, attribute = arguments.app.partition(":")
    try:
        host = LocalHost(
            load_app(module_name, attribute or "app"),
            port=arguments.port,
            host=arguments.host,
            route_prefix=read_route_prefix(arguments.host_json),
            run_timers=not arguments.no_timers,
            cors=read_cors_policy(arguments.settings),
            queue_options=read_queue_options(arguments.host_json),
        )
    except (UnresolvedSettingError, ScheduleError, RouteTemplateError, CorsSettingsError) as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise  # the app imports something missing: its traceback is the useful part
        print(f"cannot start: no module {module_name!r} in {os.getcwd()}", file=sys.stderr)
        return 2
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    host.start()
    print(f"Functions app listening on {host.url}/{host.route_prefix} (Ctrl-C stops)", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
