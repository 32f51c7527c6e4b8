"""The local host with the demo data, in a process of its own, for a soak run to watch.

    python -m tests.soak.host [--open-files 256]

Lowers its own open-file limit first if asked (a laptop's is often 256 or 1,024). Prints one
JSON line (base URL and a demo associate's bearer token) once it listens, and stops when its
standard input closes, so it never outlives the run that started it.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys

from tests.fuzz.running_app import running_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-files", type=int, default=0, help="0: keep the inherited limit")
    limit = parser.parse_args(argv).open_files
    if limit:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    # One log line per request would be 20,000 lines of noise; failures still show.
    logging.basicConfig(level=logging.WARNING)
    with running_app() as app:
        print(json.dumps({"url": app.url, "token": app.tokens["ana"]}), flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
