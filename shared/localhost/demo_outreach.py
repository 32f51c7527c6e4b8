"""`make run` with outreach on: Azurite for the delivery queue and the ACS stand-in over HTTPS
writing every message it is sent to `.local/outbox.jsonl`.

Local only. What may be sent is decided as in Azure, by the app's own send policy over the
demo's consent, outreach settings and templates (shared/localhost/demo_data.py).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("localhost")


class LocalOutreach:
    """Azurite and the ACS stand-in for `make run`; stopped with the host."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.outbox = state_dir / "outbox.jsonl"
        self._azurite: Any = None
        self._acs: Any = None

    def start(self) -> bool:
        """Start both and set the app settings; False (logged) when Azurite is not installed."""
        from tests.azurite.harness import AzuriteQueues, unavailable_reason
        from tests.fakes.communication import FakeCommunicationServices
        from tests.fakes.tls import make_tls_files

        reason = unavailable_reason()
        if reason is not None:
            log.warning("outreach delivery is off: %s", reason)
            return False
        (self.state_dir / "acs-tls").mkdir(parents=True, exist_ok=True)
        tls = make_tls_files(self.state_dir / "acs-tls")
        self._azurite = AzuriteQueues(self.state_dir / "azurite").start()
        self._acs = FakeCommunicationServices(tls, outbox_file=self.outbox).start()
        settings = {
            "AzureWebJobsStorage": self._azurite.connection_string,
            "ACS_CONNECTION_STRING": self._acs.connection_string,
            "ACS_EMAIL_SENDER": "DoNotReply@clienteling.localhost",
            "ACS_SMS_FROM": "+18005550100",
            "ACS_POLLING_SECONDS": "0.2",
            "OUTBOUND_TLS_CA_BUNDLE": str(tls.ca_cert),
        }
        os.environ.update(settings)
        return True

    def stop(self) -> None:
        if self._acs is not None:
            self._acs.stop()
        if self._azurite is not None:
            self._azurite.stop()
