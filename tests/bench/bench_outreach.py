"""Outreach: accepting a message on the POS route, and the queue function's send rate.

Through the registered functions in process, on the embedded store, with the delivery queue on
Azurite and ACS played by the HTTPS stand-in (the real SDKs, HMAC-signed): the accept figure is
the POST (policy, outbox write with the activity, enqueue), the send rate is the queue
function as the local host runs it (one poller, batches of 16) until the queue is empty.
Targets: accept p95 <= 15 ms; >= 50 messages/s sent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.bench.measure import Result, measure, peak_rss_mb, print_table

ACCEPTS = 400
TARGET_ACCEPT_P95_MS = 15.0
TARGET_SENDS_PER_SECOND = 50.0


def main() -> None:
    from tests.azurite.harness import AzuriteQueues, unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        print(f"outreach bench skipped: {reason}")
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-outreach-"))
    azurite = AzuriteQueues(workdir / "azurite").start()
    try:
        _run(workdir, azurite)
    finally:
        azurite.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _run(workdir: Path, azurite: object) -> None:
    import function_app
    from shared.adapters.identity.local_signing import LocalSigningKey
    from shared.composition import reset_services
    from shared.settings import reset_settings
    from tests.fakes.communication import FakeCommunicationServices
    from tests.fakes.tls import make_tls_files
    from tests.support.api_client import ApiClient
    from tests.support.outreach_fixtures import DELIVER, Outreach, capture, switch_on
    from tests.support.world import World, add_to_book

    (workdir / "tls").mkdir()
    tls = make_tls_files(workdir / "tls")
    acs = FakeCommunicationServices(tls).start()
    os.environ.update(
        STORE_KIND="sqlite",
        SQLITE_PATH=str(workdir / "bench.db"),
        AUTH_MODE="local",
        AUTH_LOCAL_KEY_DIR=str(workdir / "keys"),
        LOCAL_STATE_DIR=str(workdir),
        ACS_CONNECTION_STRING=acs.connection_string,
        ACS_EMAIL_SENDER="DoNotReply@bench.example",
        ACS_SMS_FROM="+18005550100",
        ACS_POLLING_SECONDS="0",
        OUTBOUND_TLS_CA_BUNDLE=str(tls.ca_cert),
        AzureWebJobsStorage=azurite.connection_string,  # type: ignore[attr-defined]
    )
    reset_settings()
    reset_services()
    try:
        world = World(ApiClient(function_app.app), LocalSigningKey.load_or_create(workdir / "keys"))
        world.build()
        customers = [f"UC{n:03d}" for n in range(3, 41, 3)]  # address book AB1 (store S1)
        add_to_book(world, "alice", customers, "S1")
        # The app's own send policy: outreach on (no quiet hours, so the figure does not
        # depend on the hour; a cap the run stays under), consent captured at the POS.
        switch_on(world, frequencyCap=100)
        for customer in customers:
            capture(world, customer, "email")
            capture(world, customer, "sms")
        outreach = Outreach(acs, azurite.connection_string, function_app)  # type: ignore[attr-defined]
        outreach.queue().create_queue()
        alice = world.as_staff("alice")

        def accept(i: int) -> None:
            customer = customers[i % len(customers)]
            body = (
                {
                    "channel": "email",
                    "subject": "Your order",
                    "text": "Ready, {customer.firstName}.",
                }
                if i % 2 == 0
                else {"channel": "sms", "text": "New arrivals are in."}
            )
            reply = alice.post(
                f"/api/stores/S1/customers/{customer}/messages",
                json=body,
                headers={"Idempotency-Key": f"bench-{i}"},
            )
            assert reply.status == 202, reply

        results: list[Result] = [
            measure(
                "POST .../messages (accept: policy, outbox + activity, enqueue)",
                accept,
                runs=ACCEPTS,
                target_p95_ms=TARGET_ACCEPT_P95_MS,
                note="half email, half SMS",
            )
        ]
        queued = outreach.queued()
        runner = outreach.runner()
        started = time.perf_counter()
        handled = 0
        while True:
            taken = runner.poll_once(DELIVER)
            if not taken:
                break
            handled += taken
        elapsed = time.perf_counter() - started
        sent = len(acs.sent)
        rate = sent / elapsed
        print_table("Outreach (embedded store, Azurite, ACS stand-in over HTTPS)", results)
        verdict = "ok" if rate >= TARGET_SENDS_PER_SECOND else "MISSED"
        print(
            f"\n- queue function: {handled} queue messages ({queued} queued), {sent} sent in"
            f" {elapsed:.1f} s = **{rate:.0f} messages/s** (target >= {TARGET_SENDS_PER_SECOND:g}:"
            f" {verdict}); one poller, batches of 16, each email = send + one status poll"
        )
        print(f"- peak RSS {peak_rss_mb():.0f} MB")
    finally:
        acs.stop()
        reset_services()
        reset_settings()
