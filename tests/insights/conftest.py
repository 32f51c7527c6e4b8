from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.insights.breaker import CircuitBreaker
from shared.insights.client import InsightsClient
from shared.insights.settings import InsightsSettings, InsightsTuning
from shared.insights.transport import RetryPolicy
from shared.secrets.keyvault import KeyVaultSecretResolver
from tests.fakes.customer_insights import FakeCustomerInsights
from tests.fakes.identity import TENANT, FakeIdentityProvider
from tests.fakes.keyvault import FakeKeyVault, StaticTokenCredential, loopback_dns
from tests.fakes.tls import TlsFiles
from tests.insights.insights_scenario import (
    ALTERNATE_ID,
    APP_ID,
    SECRET_REF,
    Clock,
    Sleeps,
)


@pytest.fixture
def identity(tls: TlsFiles) -> Iterator[FakeIdentityProvider]:
    provider = FakeIdentityProvider(tls, APP_ID, {"client-secret-1"})
    provider.server.start()
    yield provider
    provider.server.stop()


@pytest.fixture
def platform(tls: TlsFiles, identity: FakeIdentityProvider) -> Iterator[FakeCustomerInsights]:
    fake = FakeCustomerInsights(tls, identity, ALTERNATE_ID)
    fake.server.start()
    yield fake
    fake.server.stop()


@pytest.fixture
def key_vault(tls: TlsFiles, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKeyVault]:
    loopback_dns(monkeypatch)
    vault = FakeKeyVault(tls)
    vault.server.start()
    vault.set_secret(SECRET_REF.vault, SECRET_REF.name, "client-secret-1")
    yield vault
    vault.server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def resolver(key_vault: FakeKeyVault, tls: TlsFiles, clock: Clock) -> KeyVaultSecretResolver:
    return KeyVaultSecretResolver(
        dns_suffix=key_vault.dns_suffix,
        credential=StaticTokenCredential(FakeKeyVault.token),
        clock=clock,
        client_options={"connection_verify": str(tls.ca_cert), "retry_total": 0},
    )


@pytest.fixture
def make_settings(
    identity: FakeIdentityProvider, platform: FakeCustomerInsights
) -> Callable[..., InsightsSettings]:
    def make(
        measures: tuple[str, ...] = ("ChurnRisk", "LifetimeSpend"),
    ) -> InsightsSettings:
        return InsightsSettings(
            enabled=True,
            application_id=APP_ID,
            secret_reference=SECRET_REF,
            tenant_id=TENANT,
            alternate_id_property=ALTERNATE_ID,
            measure_names=measures,
            dataverse_url=platform.org_url,
            authority_host=identity.authority_host,
        )

    return make


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client_options(tls: TlsFiles, clock: Clock, sleeps: Sleeps) -> dict[str, Any]:
    return {
        "tuning": InsightsTuning(timeout_seconds=0.3, cache_seconds=60),
        "tls_verify": str(tls.ca_cert),
        "retry": RetryPolicy(attempts=3, max_wait_seconds=2.0, backoff_seconds=0.05),
        "clock": clock,
        "sleep": sleeps,
    }


@pytest.fixture
def make_client(
    make_settings: Callable[..., InsightsSettings],
    resolver: KeyVaultSecretResolver,
    client_options: dict[str, Any],
    clock: Clock,
) -> Iterator[Callable[..., InsightsClient]]:
    clients: list[InsightsClient] = []

    def make(settings: InsightsSettings | None = None, **overrides: Any) -> InsightsClient:
        options = {
            **client_options,
            "breaker": CircuitBreaker(failure_threshold=2, cooldown_seconds=10, clock=clock),
            **overrides,
        }
        client = InsightsClient(settings or make_settings(), resolver, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
