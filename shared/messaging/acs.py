"""Azure Communication Services as the MessageSender: email and SMS through the official SDKs.

In Azure the app's managed identity signs in (ACS_ENDPOINT plus a role assignment on the
Communication Services resource, see infra/bicep); locally and in tests a connection string
(ACS_CONNECTION_STRING, HMAC-signed requests) points at the HTTPS stand-in. ACS deduplicates
on the ids we pass (email Operation-Id, SMS repeatabilityRequestId), so a retried delivery of
the same message is answered with the first result instead of being sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

from azure.core.exceptions import AzureError, HttpResponseError

from shared.domain.instants import parse_instant
from shared.ports.messaging import SendFailed, SendRejected
from shared.settings import SettingsError

# Answers that will not change on a retry: the request itself is wrong (an invalid address,
# a sender the domain does not allow). 401/403 are left to retries and on-call: they mean the
# app's role assignment or key is wrong, which an operator fixes.
_PERMANENT = frozenset({400, 404, 409, 413, 422})


@dataclass(frozen=True)
class AcsSettings:
    endpoint: str | None
    connection_string: str | None
    email_sender: str | None  # e.g. DoNotReply@<guid>.azurecomm.net
    sms_from: str | None  # the purchased number, E.164
    polling_seconds: float  # email operation status polling interval
    retry_total: int  # the SDK's quick retries within one delivery attempt
    tls_verify: str | bool  # a CA bundle for the local stand-in; True in Azure

    @classmethod
    def from_settings(cls, raw: Mapping[str, str]) -> AcsSettings:
        def get(name: str) -> str | None:
            value = (raw.get(name) or "").strip()
            return value or None

        try:
            polling = float(get("ACS_POLLING_SECONDS") or "1")
        except ValueError:
            raise SettingsError("ACS_POLLING_SECONDS", "must be a number of seconds") from None
        if not 0 <= polling <= 30:
            raise SettingsError("ACS_POLLING_SECONDS", "must be between 0 and 30")
        retries = get("ACS_RETRY_TOTAL") or "3"
        if not retries.isdigit() or int(retries) > 10:
            raise SettingsError("ACS_RETRY_TOTAL", "must be a whole number from 0 to 10")
        return cls(
            endpoint=get("ACS_ENDPOINT"),
            connection_string=get("ACS_CONNECTION_STRING"),
            email_sender=get("ACS_EMAIL_SENDER"),
            sms_from=get("ACS_SMS_FROM"),
            polling_seconds=polling,
            retry_total=int(retries),
            tls_verify=get("OUTBOUND_TLS_CA_BUNDLE") or True,
        )


def _sdk_options(settings: AcsSettings) -> dict[str, Any]:
    # azure-core's retry policy honours Retry-After on 429 and 503; a few quick tries inside
    # one attempt, then the queue's own retries (host.json visibilityTimeout) take over.
    return {
        "connection_verify": settings.tls_verify,
        "retry_total": settings.retry_total,
        "retry_backoff_factor": 0.5,
        "retry_backoff_max": 8,
        "connection_timeout": 10,
        "read_timeout": 30,
    }


def _rfc1123(instant_text: str) -> str:
    return format_datetime(parse_instant(instant_text).astimezone(dt.UTC), usegmt=True)


def _failure(error: Exception, what: str) -> Exception:
    status = getattr(error, "status_code", None)
    # An email operation that ended Failed surfaces as an error carrying the status poll's
    # 200: ACS processed the message and refused it, as final as a 400.
    if isinstance(error, HttpResponseError) and (status in _PERMANENT or status == 200):
        code = getattr(getattr(error, "error", None), "code", None) or status
        return SendRejected(f"{what}: {code}")
    return SendFailed(f"{what}: {status or type(error).__name__}")


class AcsMessageSender:
    def __init__(self, settings: AcsSettings, credential: Any = None) -> None:
        if not (settings.connection_string or settings.endpoint):
            raise SettingsError("ACS_ENDPOINT", "set it (or ACS_CONNECTION_STRING locally)")
        self._settings = settings
        self._credential = credential
        self._email: Any = None
        self._sms: Any = None

    def _email_client(self) -> Any:
        from azure.communication.email import EmailClient

        if self._email is None:
            options = _sdk_options(self._settings)
            if self._settings.connection_string:
                self._email = EmailClient.from_connection_string(
                    self._settings.connection_string, **options
                )
            else:
                self._email = EmailClient(self._settings.endpoint, self._credential, **options)
        return self._email

    def _sms_client(self) -> Any:
        from azure.communication.sms import SmsClient

        if self._sms is None:
            options = _sdk_options(self._settings)
            if self._settings.connection_string:
                self._sms = SmsClient.from_connection_string(
                    self._settings.connection_string, **options
                )
            else:
                self._sms = SmsClient(self._settings.endpoint, self._credential, **options)
        return self._sms

    def send_email(
        self,
        *,
        request_id: str,
        to: str,
        subject: str,
        body: str,
        unsubscribe_url: str | None,
    ) -> str:
        sender = self._settings.email_sender
        if not sender:
            raise SettingsError("ACS_EMAIL_SENDER", "set the email sender address")
        message: dict[str, Any] = {
            "senderAddress": sender,
            "recipients": {"to": [{"address": to}]},
            "content": {"subject": subject, "plainText": body},
            # One-to-one service messages: no open/click tracking pixels in a client's mail.
            "userEngagementTrackingDisabled": True,
        }
        if unsubscribe_url:
            # RFC 8058 one-click unsubscribe: mail clients show "Unsubscribe" and POST to it.
            message["headers"] = {
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        try:
            poller = self._email_client().begin_send(
                message,
                operation_id=request_id,
                polling_interval=self._settings.polling_seconds,
            )
            result = poller.result()
        except (AzureError, OSError) as error:
            raise _failure(error, "email send") from None
        status = str((result or {}).get("status", ""))
        if status != "Succeeded":
            code = ((result or {}).get("error") or {}).get("code") or status
            raise SendRejected(f"email operation {status}: {code}")
        return str(result.get("id") or request_id)

    def send_sms(
        self, *, request_id: str, first_sent: str, to: str, body: str, sender: str | None = None
    ) -> str:
        from azure.communication.sms._generated.models import (
            SendMessageRequest,
            SmsRecipient,
            SmsSendOptions,
        )

        sms_from = sender or self._settings.sms_from
        if not sms_from:
            raise SettingsError("ACS_SMS_FROM", "set the purchased phone number (E.164)")
        # SmsClient.send draws a new repeatability id on every call, which would make a
        # redelivered queue message a second SMS; the generated operation under it takes ours.
        request = SendMessageRequest(
            from_property=sms_from,
            sms_recipients=[
                SmsRecipient(
                    to=to,
                    repeatability_request_id=request_id,
                    repeatability_first_sent=_rfc1123(first_sent),
                )
            ],
            message=body,
            sms_send_options=SmsSendOptions(enable_delivery_report=True, tag=request_id),
        )
        try:
            response = self._sms_client()._sms_service_client.sms.send(request)
        except (AzureError, OSError) as error:
            raise _failure(error, "sms send") from None
        item = response.value[0]
        if not item.successful:
            detail = f"sms send: {item.http_status_code} {item.error_message or ''}".strip()
            if item.http_status_code in _PERMANENT:
                raise SendRejected(detail)
            raise SendFailed(detail)
        return str(item.message_id)
