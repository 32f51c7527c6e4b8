"""A small local Functions host for development (Core Tools cannot be installed here).

It imports `function_app`, serves its HTTP functions under host.json's route prefix, runs its
timers on their NCRONTAB schedules, and runs a timer now on `POST /admin/functions/{name}`.
The deployed app never imports this package.

    from shared.localhost import LocalHost, load_app
    with LocalHost(load_app(), port=7071) as host:
        ...
"""

from shared.localhost.app_loading import load_app
from shared.localhost.server import LocalHost

__all__ = ["LocalHost", "load_app"]
