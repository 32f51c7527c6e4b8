from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.alerts.delivery import DeliveryPolicy, JsonPoster
from shared.secrets.keyvault import KeyVaultSecretResolver
from tests.alerts.alert_scenario import Sleeps, UtcClock
from tests.fakes.alert_receivers import FakeAlertReceivers
from tests.fakes.keyvault import FakeKeyVault, StaticTokenCredential, loopback_dns
from tests.fakes.tls import TlsFiles


@pytest.fixture
def receivers(tls: TlsFiles) -> Iterator[FakeAlertReceivers]:
    fake = FakeAlertReceivers(tls)
    fake.server.start()
    yield fake
    fake.server.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def poster(tls: TlsFiles, sleeps: Sleeps) -> JsonPoster:
    policy = DeliveryPolicy(
        attempts=3, backoff_seconds=0.5, max_backoff_seconds=2, timeout_seconds=2
    )
    return JsonPoster(policy, tls_verify=str(tls.ca_cert), sleep=sleeps)


@pytest.fixture
def key_vault(tls: TlsFiles, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKeyVault]:
    loopback_dns(monkeypatch)
    vault = FakeKeyVault(tls)
    vault.server.start()
    yield vault
    vault.server.stop()


@pytest.fixture
def resolver(key_vault: FakeKeyVault, tls: TlsFiles) -> KeyVaultSecretResolver:
    return KeyVaultSecretResolver(
        dns_suffix=key_vault.dns_suffix,
        credential=StaticTokenCredential(FakeKeyVault.token),
        client_options={"connection_verify": str(tls.ca_cert), "retry_total": 0},
    )


@pytest.fixture
def clock() -> UtcClock:
    return UtcClock(datetime(2030, 1, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def local_secrets(tmp_path: Path) -> Path:
    return tmp_path / "secrets.json"
