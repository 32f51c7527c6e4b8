import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.secrets import CredentialRejected, SecretUnavailable, UnavailableReason
from shared.secrets.local import LocalSecretResolver
from shared.secrets.reference import parse_secret_reference

REF = parse_secret_reference("vault://kv-local/insights-secret")


def write(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    # Make each rewrite visible even on file systems with coarse timestamps.
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_reads_value_expiry_and_enabled_from_the_file(local_file: Path) -> None:
    write(
        local_file,
        {
            "kv-local/insights-secret": {
                "value": "local-value",
                "expiresOn": "2030-01-31T00:00:00Z",
                "enabled": True,
            }
        },
    )

    secret = LocalSecretResolver(local_file).get(REF)

    assert secret.value == "local-value"
    assert secret.expires_on == datetime(2030, 1, 31, tzinfo=UTC)


def test_editing_the_file_rotates_the_secret(local_file: Path) -> None:
    resolver = LocalSecretResolver(local_file)
    write(local_file, {"kv-local/insights-secret": {"value": "old"}})
    assert resolver.get(REF).value == "old"

    write(local_file, {"kv-local/insights-secret": {"value": "new-value"}})

    assert resolver.get(REF).value == "new-value"


def test_a_rejected_local_secret_is_read_once_more_then_the_rejection_stands(
    local_file: Path,
) -> None:
    write(local_file, {"kv-local/insights-secret": {"value": "stale"}})
    calls: list[str] = []

    def sign_in(secret: str) -> str:
        calls.append(secret)
        raise CredentialRejected("invalid_client")

    with pytest.raises(CredentialRejected):
        LocalSecretResolver(local_file).refetch_on_rejection(REF, sign_in)
    assert calls == ["stale", "stale"]


def test_a_disabled_secret_cannot_be_read_but_reports_its_properties(local_file: Path) -> None:
    write(
        local_file,
        {
            "kv-local/insights-secret": {
                "value": "x",
                "expiresOn": "2030-01-31T00:00:00+00:00",
                "enabled": False,
            }
        },
    )
    resolver = LocalSecretResolver(local_file)

    with pytest.raises(SecretUnavailable) as raised:
        resolver.get(REF)

    assert raised.value.reason is UnavailableReason.DISABLED
    properties = resolver.properties(REF)
    assert (properties.enabled, properties.expires_on) == (False, datetime(2030, 1, 31, tzinfo=UTC))


def test_a_missing_file_says_where_it_was_expected(local_file: Path) -> None:
    with pytest.raises(SecretUnavailable) as raised:
        LocalSecretResolver(local_file).get(REF)
    assert raised.value.reason is UnavailableReason.NOT_FOUND
    assert str(local_file) in str(raised.value)


def test_a_missing_entry_is_not_found(local_file: Path) -> None:
    write(local_file, {"kv-local/other": {"value": "x"}})
    with pytest.raises(SecretUnavailable) as raised:
        LocalSecretResolver(local_file).get(REF)
    assert raised.value.reason is UnavailableReason.NOT_FOUND


def test_a_broken_file_is_reported_without_quoting_its_content(local_file: Path) -> None:
    local_file.parent.mkdir(parents=True)
    local_file.write_text('{"kv-local/insights-secret": {"value": "leaky-value" ', "utf-8")

    with pytest.raises(SecretUnavailable) as raised:
        LocalSecretResolver(local_file).get(REF)

    assert raised.value.reason is UnavailableReason.MISCONFIGURED
    assert "leaky-value" not in str(raised.value)


def test_an_expiry_without_time_zone_is_refused(local_file: Path) -> None:
    write(local_file, {"kv-local/insights-secret": {"value": "x", "expiresOn": "2030-01-31"}})
    with pytest.raises(SecretUnavailable, match="time zone"):
        LocalSecretResolver(local_file).properties(REF)
