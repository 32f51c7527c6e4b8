from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.secrets.keyvault import KeyVaultSecretResolver
from tests.fakes.keyvault import FakeKeyVault, StaticTokenCredential, loopback_dns
from tests.fakes.tls import TlsFiles


@pytest.fixture
def key_vault(tls: TlsFiles, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKeyVault]:
    loopback_dns(monkeypatch)
    vault = FakeKeyVault(tls)
    vault.server.start()
    yield vault
    vault.server.stop()


@pytest.fixture
def credential() -> StaticTokenCredential:
    return StaticTokenCredential(FakeKeyVault.token)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def resolver(
    key_vault: FakeKeyVault, credential: StaticTokenCredential, tls: TlsFiles, clock: Clock
) -> KeyVaultSecretResolver:
    return KeyVaultSecretResolver(
        dns_suffix=key_vault.dns_suffix,
        credential=credential,
        cache_seconds=300,
        clock=clock,
        client_options={"connection_verify": str(tls.ca_cert), "retry_total": 0},
    )


@pytest.fixture
def local_file(tmp_path: Path) -> Path:
    return tmp_path / ".local" / "secrets.json"
