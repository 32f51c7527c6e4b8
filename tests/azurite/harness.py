"""Azurite's queue service from npm (tests/azurite), on a free loopback port, in memory.

Started by the test fixtures and by `make run`; `make azurite` installs it. Telemetry is off:
nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

AZURITE_DIR = Path(__file__).resolve().parent
AZURITE_BIN = AZURITE_DIR / "node_modules" / ".bin" / "azurite-queue"
# Azurite's well-known development account (public, documented; not a secret).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def unavailable_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (Node 20 runs Azurite)"
    if not AZURITE_BIN.exists():
        return "Azurite is not installed: run `make azurite` (npm ci in tests/azurite)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class AzuriteQueues:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"QueueEndpoint=http://127.0.0.1:{self.port}/{ACCOUNT};"
        )

    def start(self, timeout: float = 30.0) -> AzuriteQueues:
        self.port = _free_port()
        self.workspace.mkdir(parents=True, exist_ok=True)
        log = (self.workspace / "azurite.log").open("wb")
        self._process = subprocess.Popen(
            [
                str(AZURITE_BIN),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                str(self.port),
                "--inMemoryPersistence",
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--silent",
            ],
            cwd=self.workspace,  # Azurite's debug and lock files, if any, stay in here
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Azurite exited: see {self.workspace / 'azurite.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("Azurite did not start listening in time")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None
