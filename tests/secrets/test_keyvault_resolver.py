import logging
from datetime import UTC, datetime

import pytest

from shared.secrets import CredentialRejected, SecretUnavailable, UnavailableReason
from shared.secrets.keyvault import KeyVaultSecretResolver
from shared.secrets.reference import parse_secret_reference
from tests.fakes.keyvault import TENANT, FakeKeyVault, StaticTokenCredential, loopback_dns
from tests.fakes.tls import TlsFiles

REF = parse_secret_reference("vault://kv-contoso/insights-secret")
EXPIRY = datetime(2030, 1, 31, 12, 0, tzinfo=UTC)


def test_reads_the_value_and_expiry_through_the_key_vault_challenge(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault, credential: StaticTokenCredential
) -> None:
    version = key_vault.set_secret("kv-contoso", "insights-secret", "first-value", EXPIRY)

    secret = resolver.get(REF)

    assert (secret.value, secret.expires_on, secret.enabled) == ("first-value", EXPIRY, True)
    assert secret.version == version
    first, second = key_vault.secret_requests()
    assert "authorization" not in first.headers
    assert second.headers["authorization"] == f"Bearer {key_vault.token}"
    # The token was asked for the vault's own resource and the tenant the challenge named.
    assert credential.requests == [((f"{key_vault.resource}/.default",), TENANT)]


def test_one_client_per_vault_is_reused_across_secrets(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault, credential: StaticTokenCredential
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "a")
    key_vault.set_secret("kv-contoso", "pagerduty-key", "b")

    resolver.get(REF)
    resolver.get(parse_secret_reference("vault://kv-contoso/pagerduty-key"))

    assert len(credential.requests) == 1


def test_vaults_are_told_apart_by_name(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "contoso-value")
    key_vault.set_secret("kv-fabrikam", "insights-secret", "fabrikam-value")

    other = parse_secret_reference("vault://kv-fabrikam/insights-secret")

    assert resolver.get(REF).value == "contoso-value"
    assert resolver.get(other).value == "fabrikam-value"


def test_values_are_cached_for_the_configured_time(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault, clock
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "v1")
    resolver.get(REF)
    reads = len(key_vault.secret_requests())

    clock.now += 299
    assert resolver.get(REF).value == "v1"
    assert len(key_vault.secret_requests()) == reads

    key_vault.set_secret("kv-contoso", "insights-secret", "v2")
    clock.now += 2
    assert resolver.get(REF).value == "v2"
    assert len(key_vault.secret_requests()) == reads + 1


def test_invalidate_makes_the_next_read_go_to_the_vault(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "v1")
    resolver.get(REF)
    key_vault.set_secret("kv-contoso", "insights-secret", "v2")

    resolver.invalidate(REF)

    assert resolver.get(REF).value == "v2"


def test_a_pinned_version_stays_pinned(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    old = key_vault.set_secret("kv-contoso", "insights-secret", "v1", EXPIRY)
    key_vault.set_secret("kv-contoso", "insights-secret", "v2")
    pinned = parse_secret_reference(f"vault://kv-contoso/insights-secret/{old}")

    assert resolver.get(pinned).value == "v1"
    assert resolver.properties(pinned).expires_on == EXPIRY


def test_a_rejected_credential_is_read_again_once_after_rotation(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "old-secret")
    resolver.get(REF)  # cached, then rotated in the vault
    key_vault.set_secret("kv-contoso", "insights-secret", "new-secret")
    seen: list[str] = []

    def sign_in(secret: str) -> str:
        seen.append(secret)
        if secret != "new-secret":
            raise CredentialRejected("invalid_client")
        return "signed in"

    assert resolver.refetch_on_rejection(REF, sign_in) == "signed in"
    assert seen == ["old-secret", "new-secret"]


def test_a_second_rejection_is_not_retried_again(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "bad-secret")
    calls: list[str] = []

    def sign_in(secret: str) -> str:
        calls.append(secret)
        raise CredentialRejected("invalid_client")

    with pytest.raises(CredentialRejected):
        resolver.refetch_on_rejection(REF, sign_in)
    assert len(calls) == 2


def test_properties_read_the_one_secret_by_name_not_the_vault_listing(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    for number in range(30):  # more than one page of a vault listing
        key_vault.set_secret("kv-contoso", f"other-{number}", "unrelated")
    key_vault.set_secret("kv-contoso", "insights-secret", "old", datetime(2029, 1, 1, tzinfo=UTC))
    current = key_vault.set_secret("kv-contoso", "insights-secret", "new", EXPIRY)

    properties = resolver.properties(REF)

    assert (properties.expires_on, properties.enabled, properties.version) == (
        EXPIRY,
        True,
        current,
    )
    assert key_vault.vault_listings() == []
    # (The first request is the unauthenticated one that learns the Key Vault challenge.)
    assert {r.path for r in key_vault.secret_requests()} == {"/secrets/insights-secret/"}


def test_a_disabled_secret_reports_its_current_versions_expiry(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret("kv-contoso", "insights-secret", "old", datetime(2029, 1, 1, tzinfo=UTC))
    key_vault.set_secret("kv-contoso", "insights-secret", "hidden-value", EXPIRY, enabled=False)

    properties = resolver.properties(REF)

    assert (properties.expires_on, properties.enabled) == (EXPIRY, False)
    assert key_vault.vault_listings() == []
    assert [r.path for r in key_vault.secret_requests()][-1] == "/secrets/insights-secret/versions"


@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        (lambda kv: None, UnavailableReason.NOT_FOUND),
        (
            lambda kv: kv.forbidden.add(("kv-contoso", "insights-secret")),
            UnavailableReason.FORBIDDEN,
        ),
        (
            lambda kv: kv.set_secret("kv-contoso", "insights-secret", "x", enabled=False),
            UnavailableReason.DISABLED,
        ),
    ],
    ids=["not-found", "forbidden", "disabled"],
)
def test_vault_refusals_become_secret_unavailable_with_a_reason(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault, arrange, reason
) -> None:
    key_vault.set_secret("kv-contoso", "other", "unrelated")
    if reason is UnavailableReason.FORBIDDEN:
        key_vault.set_secret("kv-contoso", "insights-secret", "x")
    arrange(key_vault)

    with pytest.raises(SecretUnavailable) as raised:
        resolver.get(REF)

    assert raised.value.reason is reason
    assert "vault://kv-contoso/insights-secret" in str(raised.value)
    assert raised.value.hint in str(raised.value)


def test_an_unknown_secret_has_no_properties(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault
) -> None:
    key_vault.set_secret("kv-contoso", "other", "unrelated")
    with pytest.raises(SecretUnavailable) as raised:
        resolver.properties(REF)
    assert raised.value.reason is UnavailableReason.NOT_FOUND


def test_an_unreachable_vault_is_reported_as_such(
    tls: TlsFiles, credential: StaticTokenCredential, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_dns(monkeypatch)
    closed = FakeKeyVault(tls)
    closed.server.start()
    suffix = closed.dns_suffix
    closed.server.stop()
    resolver = KeyVaultSecretResolver(
        dns_suffix=suffix,
        credential=credential,
        client_options={"connection_verify": str(tls.ca_cert), "retry_total": 0},
    )

    with pytest.raises(SecretUnavailable) as raised:
        resolver.get(REF)

    assert raised.value.reason is UnavailableReason.UNREACHABLE


def test_no_token_goes_to_an_endpoint_whose_challenge_names_another_resource(
    tls: TlsFiles, credential: StaticTokenCredential, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_dns(monkeypatch)
    impostor = FakeKeyVault(tls, challenge_resource="https://vault.azure.net")
    impostor.server.start()
    try:
        impostor.set_secret("kv-contoso", "insights-secret", "x")
        resolver = KeyVaultSecretResolver(
            dns_suffix=impostor.dns_suffix,
            credential=credential,
            client_options={"connection_verify": str(tls.ca_cert), "retry_total": 0},
        )
        with pytest.raises(SecretUnavailable) as raised:
            resolver.get(REF)
    finally:
        impostor.server.stop()

    assert raised.value.reason is UnavailableReason.CHALLENGE_MISMATCH
    assert credential.requests == []
    assert all("authorization" not in r.headers for r in impostor.server.requests)


def test_values_never_reach_the_logs_or_error_messages(
    resolver: KeyVaultSecretResolver, key_vault: FakeKeyVault, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key_vault.set_secret("kv-contoso", "insights-secret", "Sup3r-S3cret-Value", EXPIRY)
    value = resolver.get(REF)
    resolver.properties(REF)
    key_vault.set_secret("kv-contoso", "insights-secret", "Sup3r-S3cret-Value", enabled=False)
    resolver.invalidate(REF)
    with pytest.raises(SecretUnavailable) as raised:
        resolver.get(REF)

    assert "Sup3r-S3cret-Value" not in repr(value)
    assert "Sup3r-S3cret-Value" not in str(raised.value)
    assert caplog.records, "the SDK logs requests at this level; the check must see them"
    assert "Sup3r-S3cret-Value" not in caplog.text
