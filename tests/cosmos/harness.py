"""Run the local Cosmos DB test server (server.js) for a test session, or use a real account.

The server is @vercel/cosmosdb-server from npm (`make cosmos-server` installs it next to this
file), started once per session on 127.0.0.1 with a certificate made here at test time, on a
port the operating system picks. Each test then gets its own database on it.

With COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY set (an account or the emulator), tests run
against that instead, and the tests marked real_cosmos run too.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import os
import shutil
import signal
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared.settings import CosmosSettings

HERE = Path(__file__).parent
SERVER_SCRIPT = HERE / "server.js"
SERVER_PACKAGE = HERE / "node_modules" / "@vercel" / "cosmosdb-server" / "package.json"
# The test server accepts any key; the SDK only needs one that decodes as base64.
TEST_SERVER_KEY = base64.b64encode(b"local cosmos test server").decode("ascii")
START_TIMEOUT_SECONDS = 20.0
CALL_TIMEOUT_SECONDS = 10


class CosmosTarget(Protocol):
    """Where Cosmos tests run: the local server or a real account."""

    is_real: bool

    def cosmos_settings(self, database: str) -> CosmosSettings: ...

    def app_settings(self, database: str) -> dict[str, str]: ...


def unavailable_reason() -> str | None:
    """Why the local server cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed: install Node 20 and npm, then run make cosmos-server"
    if not SERVER_PACKAGE.exists():
        return "the Cosmos DB test server is not installed: run make cosmos-server"
    return None


def write_certificate(directory: Path) -> tuple[Path, Path]:
    """A fresh self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cosmos test server")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class CosmosTestServer:
    """The Node server process; start() returns once it accepts connections."""

    is_real = False

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen[str] | None = None
        self.endpoint = ""
        self.ca_bundle = ""

    def start(self) -> CosmosTestServer:
        cert, key = write_certificate(self.workdir)
        self.ca_bundle = str(cert)
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    "node",
                    str(SERVER_SCRIPT),
                    "--cert",
                    str(cert),
                    "--key",
                    str(key),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                ],
                cwd=HERE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        port = self._wait_for_port()
        self.endpoint = f"https://127.0.0.1:{port}/"
        return self

    def _wait_for_port(self) -> int:
        assert self.process is not None and self.process.stdout is not None
        first_line: list[str] = []
        reader = threading.Thread(
            target=lambda: first_line.append(self.process.stdout.readline()), daemon=True
        )
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        line = first_line[0] if first_line else ""
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(
                f"the Cosmos DB test server did not start: {line!r}; see {self.log_path}:\n"
                + self.log_path.read_text()[-2000:]
            )
        return int(line.split()[1])

    def cosmos_settings(self, database: str) -> CosmosSettings:
        return CosmosSettings(
            endpoint=self.endpoint,
            database=database,
            key=TEST_SERVER_KEY,
            timeout_seconds=CALL_TIMEOUT_SECONDS,
            ca_bundle=self.ca_bundle,
        )

    def app_settings(self, database: str) -> dict[str, str]:
        return {
            "STORE_KIND": "cosmos",
            "COSMOS_ENDPOINT": self.endpoint,
            "COSMOS_DATABASE": database,
            "COSMOS_KEY": TEST_SERVER_KEY,
            "COSMOS_CA_BUNDLE": self.ca_bundle,
            "COSMOS_TIMEOUT_SECONDS": str(CALL_TIMEOUT_SECONDS),
        }

    def request_counts(self, database: str) -> Counter[str]:
        """Requests served for this database so far, by "<container> <operation>"."""
        reply = requests.get(f"{self.endpoint}__harness/requests", verify=self.ca_bundle, timeout=5)
        reply.raise_for_status()
        counts: Counter[str] = Counter()
        for key, count in reply.json()["counts"].items():
            db, container, operation = key.split("|", 2)
            if db == database:
                counts[f"{container} {operation}".strip()] += count
        return counts

    def linear_rewrites(self) -> int:
        """How many query parts the server's fix 5 rewrote into a linear build (server.js)."""
        reply = requests.get(
            f"{self.endpoint}__harness/linear-rewrites", verify=self.ca_bundle, timeout=5
        )
        reply.raise_for_status()
        return int(reply.json()["rewrites"])

    def metering(self, database: str) -> list[dict[str, Any]]:
        """What each request for this database loaded, returned and wrote, in order (server.js
        says how "loaded" stands in for what Cosmos DB's index would leave to load)."""
        reply = requests.get(
            f"{self.endpoint}__harness/metering",
            params={"database": database},
            verify=self.ca_bundle,
            timeout=30,
        )
        reply.raise_for_status()
        return list(reply.json()["requests"])

    def reset_metering(self) -> None:
        reply = requests.post(
            f"{self.endpoint}__harness/metering/reset", verify=self.ca_bundle, timeout=5
        )
        reply.raise_for_status()

    def meter_queries(self, enabled: bool) -> None:
        """Turn the analysis of queries on or off (off while loading bulk data: it reads the
        container again for every query)."""
        reply = requests.post(
            f"{self.endpoint}__harness/metering",
            json={"queries": enabled},
            verify=self.ca_bundle,
            timeout=5,
        )
        reply.raise_for_status()

    def set_charges(self, charges: dict[str, float]) -> None:
        """Answer x-ms-request-charge with these values per operation ("query", "read", ...),
        as a real account would answer its charges: a stand-in for reading them."""
        reply = requests.post(
            f"{self.endpoint}__harness/charges", json=charges, verify=self.ca_bundle, timeout=5
        )
        reply.raise_for_status()

    def inject_fault(self, database: str, operation: str, status: int, times: int) -> None:
        """Answer the next `times` requests of `operation` (e.g. "batch", "read") with `status`."""
        fault = {"database": database, "operation": operation, "status": status, "times": times}
        reply = requests.post(
            f"{self.endpoint}__harness/faults", json=fault, verify=self.ca_bundle, timeout=5
        )
        reply.raise_for_status()

    def paused(self) -> _Paused:
        """Freeze the server process (SIGSTOP): connections open, no answers."""
        assert self.process is not None
        return _Paused(self.process.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


class _Paused:
    def __init__(self, pid: int) -> None:
        self._pid = pid

    def __enter__(self) -> None:
        os.kill(self._pid, signal.SIGSTOP)

    def __exit__(self, *exc_info: object) -> None:
        os.kill(self._pid, signal.SIGCONT)


@dataclass(frozen=True)
class RealCosmos:
    """An account or emulator named by COSMOS_TEST_ENDPOINT and COSMOS_TEST_KEY."""

    endpoint: str
    key: str
    ca_bundle: str | None
    is_real: bool = True

    @classmethod
    def from_environment(cls) -> RealCosmos | None:
        endpoint = os.environ.get("COSMOS_TEST_ENDPOINT", "").strip()
        key = os.environ.get("COSMOS_TEST_KEY", "").strip()
        if not endpoint or not key:
            return None
        return cls(endpoint, key, os.environ.get("COSMOS_TEST_CA_BUNDLE") or None)

    def cosmos_settings(self, database: str) -> CosmosSettings:
        return CosmosSettings(self.endpoint, database, self.key, 30, self.ca_bundle)

    def app_settings(self, database: str) -> dict[str, str]:
        values = {
            "STORE_KIND": "cosmos",
            "COSMOS_ENDPOINT": self.endpoint,
            "COSMOS_DATABASE": database,
            "COSMOS_KEY": self.key,
            "COSMOS_TIMEOUT_SECONDS": "30",
        }
        if self.ca_bundle:
            values["COSMOS_CA_BUNDLE"] = self.ca_bundle
        return values
