import pytest

from shared.secrets.reference import (
    InvalidSecretReference,
    SecretReference,
    parse_secret_reference,
    validate_dns_suffix,
    vault_url,
)

VERSION = "0123456789abcdef0123456789abcdef"


def test_a_reference_names_vault_and_secret() -> None:
    assert parse_secret_reference("vault://kv-contoso/insights-secret") == SecretReference(
        "kv-contoso", "insights-secret", None
    )


def test_a_reference_may_pin_a_version() -> None:
    ref = parse_secret_reference(f"vault://kv-contoso/insights-secret/{VERSION}")
    assert ref.version == VERSION
    assert str(ref) == f"vault://kv-contoso/insights-secret/{VERSION}"


def test_references_differing_only_in_case_are_the_same_secret() -> None:
    a = parse_secret_reference("vault://KV-Contoso/Insights-Secret")
    b = parse_secret_reference("vault://kv-contoso/insights-secret")
    assert a.key == b.key == "kv-contoso/insights-secret"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("https://kv-contoso.vault.azure.net/secrets/x", "must start with vault://"),
        ("kv-contoso/insights-secret", "must start with vault://"),
        ("vault://kv-contoso", "needs a vault name and a secret name"),
        ("vault://kv-contoso/", "needs a vault name and a secret name"),
        ("vault://kv-contoso/a/b/c", "needs a vault name and a secret name"),
        ("vault://kv/secret", "vault name"),
        ("vault://" + "k" * 25 + "/secret", "vault name"),
        ("vault://1contoso/secret", "vault name"),
        ("vault://kv--contoso/secret", "vault name"),
        ("vault://kv-contoso-/secret", "vault name"),
        ("vault://evil.example.com/secret", "vault name"),
        ("vault://kv_contoso/secret", "vault name"),
        ("vault://kv-contoso/" + "s" * 128, "secret name"),
        ("vault://kv-contoso/bad_name", "secret name"),
        ("vault://kv-contoso/..", "secret name"),
        ("vault://kv-contoso/secret/not-a-version", "version"),
    ],
)
def test_malformed_references_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(InvalidSecretReference, match=problem):
        parse_secret_reference(text)


def test_the_longest_valid_names_are_accepted() -> None:
    ref = parse_secret_reference("vault://" + "k" * 24 + "/" + "s" * 127)
    assert (len(ref.vault), len(ref.name)) == (24, 127)


def test_a_value_that_is_not_a_reference_is_not_echoed() -> None:
    with pytest.raises(InvalidSecretReference) as raised:
        parse_secret_reference("Zx9~plainTextClientSecret")
    assert "Zx9" not in str(raised.value)


def test_the_vault_url_is_built_only_from_the_vault_name_and_the_dns_suffix() -> None:
    assert vault_url("kv-contoso", "vault.azure.net") == "https://kv-contoso.vault.azure.net/"
    assert vault_url("kv-contoso", "Vault.Test:8443") == "https://kv-contoso.vault.test:8443/"


@pytest.mark.parametrize(
    "suffix", ["https://vault.azure.net", "vault.azure.net/path", "a@b.net", "localhost", ""]
)
def test_a_dns_suffix_must_be_a_plain_host_name(suffix: str) -> None:
    with pytest.raises(ValueError, match="DNS suffix"):
        validate_dns_suffix(suffix)
