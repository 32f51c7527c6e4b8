"""The ACS adapter against the HTTPS stand-in, through the real SDKs: both ways of signing in,
and which failures are final (the message fails) and which are retried (the queue retries)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from shared.messaging.acs import AcsMessageSender, AcsSettings
from shared.ports.messaging import SendFailed, SendRejected
from shared.settings import SettingsError
from tests.fakes.communication import FakeCommunicationServices
from tests.fakes.keyvault import StaticTokenCredential
from tests.fakes.tls import TlsFiles

REQUEST_ID = "3f2c1d3e-1111-4111-8111-111111111111"


@pytest.fixture
def acs(tls: TlsFiles) -> Iterator[FakeCommunicationServices]:
    server = FakeCommunicationServices(tls).start()
    yield server
    server.stop()


@pytest.fixture
def settings(acs: FakeCommunicationServices, tls: TlsFiles) -> AcsSettings:
    return AcsSettings(
        endpoint=None,
        connection_string=acs.connection_string,
        email_sender="DoNotReply@clienteling.example",
        sms_from="+18005550100",
        polling_seconds=0,
        retry_total=1,
        tls_verify=str(tls.ca_cert),
    )


def email(sender: AcsMessageSender, request_id: str = REQUEST_ID) -> str:
    return sender.send_email(
        request_id=request_id,
        to="ana@example.com",
        subject="Hi",
        body="Hello",
        unsubscribe_url=None,
    )


def sms(sender: AcsMessageSender, to: str = "+12065550003", request_id: str = REQUEST_ID) -> str:
    return sender.send_sms(
        request_id=request_id, first_sent="2026-05-01T10:00:00.000Z", to=to, body="Hello"
    )


def test_the_app_identity_signs_in_with_an_entra_token(
    acs: FakeCommunicationServices, settings: AcsSettings
) -> None:
    credential = StaticTokenCredential(acs.bearer_token)
    by_identity = replace(settings, connection_string=None, endpoint=acs.endpoint)
    sender = AcsMessageSender(by_identity, credential)
    assert email(sender) == REQUEST_ID
    assert sms(sender).startswith("Outgoing_")
    assert acs.auth_failures == 0
    assert {scope for scopes, _ in credential.requests for scope in scopes} == {
        "https://communication.azure.com//.default"
    }


def test_a_wrong_access_key_is_refused_and_retried_not_failed(
    acs: FakeCommunicationServices, settings: AcsSettings
) -> None:
    wrong = acs.connection_string.replace("accesskey=", "accesskey=AAAA")
    with pytest.raises(SendFailed):  # an operator fixes the key or role; the queue retries
        email(AcsMessageSender(replace(settings, connection_string=wrong)))
    assert acs.auth_failures > 0 and acs.sent == []


def test_the_same_request_id_sends_once(
    acs: FakeCommunicationServices, settings: AcsSettings
) -> None:
    sender = AcsMessageSender(settings)
    assert email(sender) == email(sender)
    assert sms(sender, request_id="sms-1") == sms(sender, request_id="sms-1")
    assert [m.channel for m in acs.sent] == ["email", "sms"]


def test_final_answers_fail_the_message_at_once(
    acs: FakeCommunicationServices, settings: AcsSettings
) -> None:
    sender = AcsMessageSender(settings)
    with pytest.raises(SendRejected):
        sms(sender, to="2065550003")  # not E.164: ACS answers 400 for that recipient
    acs.fail_operation("op-failing")
    with pytest.raises(SendRejected):
        email(sender, request_id="op-failing")  # the email operation ends Failed
    acs.fail_next(2, 400)
    with pytest.raises(SendRejected):
        email(sender, request_id="op-400")


def test_throttling_waits_for_retry_after_then_succeeds(
    acs: FakeCommunicationServices, settings: AcsSettings
) -> None:
    sender = AcsMessageSender(settings)
    acs.fail_next(1, 429, retry_after=1)
    started = time.monotonic()
    assert sms(sender).startswith("Outgoing_")
    assert time.monotonic() - started >= 1.0
    acs.fail_next(5, 429, retry_after=0)
    with pytest.raises(SendFailed):  # still throttled after the quick retries: the queue's turn
        sms(sender, request_id="sms-2")


def test_settings_are_checked_without_revealing_values() -> None:
    with pytest.raises(SettingsError, match="ACS_ENDPOINT"):
        AcsMessageSender(AcsSettings.from_settings({}))
    with pytest.raises(SettingsError, match="ACS_RETRY_TOTAL"):
        AcsSettings.from_settings({"ACS_RETRY_TOTAL": "many"})
    sender = AcsMessageSender(AcsSettings.from_settings({"ACS_ENDPOINT": "https://x"}))
    with pytest.raises(SettingsError, match="ACS_EMAIL_SENDER"):
        email(sender)
