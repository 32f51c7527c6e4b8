"""Entra ID and Customer Insights stand-ins in a process of their own, for the benchmark.

The platform is remote in production; here its TLS, JSON and filter parsing must not share
the measured process's interpreter lock. Started as
`python -m tests.bench.insights_stand_ins DIR LATENCY_SECONDS CUSTOMERS SECRET`; prints one
JSON line (CA bundle, authority host, organisation URL), then reads commands from stdin:
`calls` prints how many data requests the platform has served, `down` stops the platform.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import FakeIdentityProvider
from tests.fakes.tls import make_tls_files
from tests.insights.insights_scenario import ALTERNATE_ID, APP_ID


def main(directory: Path, latency: float, customers: int, secret: str) -> None:
    tls = make_tls_files(directory)
    identity = FakeIdentityProvider(tls, APP_ID, {secret})
    platform = FakeCustomerInsights(tls, identity, ALTERNATE_ID)
    for n in range(1, customers + 1):
        platform.add(f"UC{n:03d}", f"ci-{n}", ChurnRisk=n / 100, LifetimeSpend=n * 10)
    platform.latency = latency
    identity.server.start()
    platform.server.start()
    address = {
        "caBundle": str(tls.ca_cert),
        "authorityHost": identity.authority_host,
        "orgUrl": platform.org_url,
    }
    print(json.dumps(address), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "calls":
            print(len(platform.data_requests()), flush=True)
        elif command == "down":
            platform.server.stop()
            print("down", flush=True)
    identity.server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
