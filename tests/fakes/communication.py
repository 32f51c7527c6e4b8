"""An Azure Communication Services stand-in over HTTPS: the email and SMS REST APIs as the
official Python SDKs call them (azure-communication-email, azure-communication-sms).

- Email: `POST /emails:send?api-version=...` answers 202 with `Operation-Location` and
  `{"id", "status": "Running"}`; `GET /emails/operations/{id}` answers the final status.
  The `Operation-Id` header is the idempotency key: a repeated id sends nothing new.
- SMS: `POST /sms?api-version=2021-03-07` answers 202 with one result per recipient; a
  repeated `repeatabilityRequestId` answers the first result and sends nothing new.
- Auth: ACS's HMAC-SHA256 scheme (connection string with an access key; the signature over
  method, path and query, date, host and body hash is checked), or an Entra bearer token.
- On demand: fail (any status) or throttle (429 with Retry-After) the next N sends, or make
  an email operation end Failed. Every message sent is recorded, and with `outbox_file`
  appended as a JSON line (`make run` shows the local outbox there).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.server import FakeResponse, LocalServer, RecordedRequest
from tests.fakes.tls import TlsFiles

EMAIL_API_VERSIONS = ("2023-03-31", "2024-07-01-preview", "2025-09-01")
SMS_API_VERSIONS = ("2021-03-07", "2024-12-10-preview", "2025-05-30-preview")


@dataclass
class SentMessage:
    channel: str  # "email" | "sms"
    provider_id: str  # email operation id, SMS message id
    to: str
    sender: str
    subject: str | None
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    tag: str | None = None


class FakeCommunicationServices:
    def __init__(
        self,
        tls: TlsFiles | None,
        access_key: bytes | None = None,
        bearer_token: str = "acs-token-1",
        outbox_file: Path | None = None,
    ) -> None:
        self.server = LocalServer(self.handle, tls)
        self.access_key = access_key or b"local-acs-access-key-0123456789abcdef"
        self.bearer_token = bearer_token
        self.outbox_file = outbox_file
        self.sent: list[SentMessage] = []
        self.auth_failures = 0
        self._operations: dict[str, dict[str, Any]] = {}
        self._sms_results: dict[str, dict[str, Any]] = {}
        self._failing_operations: set[str] = set()
        self._lock = threading.Lock()

    # -- setup ---------------------------------------------------------------------------

    def start(self) -> FakeCommunicationServices:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def endpoint(self) -> str:
        return self.server.base_url + "/"

    @property
    def connection_string(self) -> str:
        key = base64.b64encode(self.access_key).decode()
        return f"endpoint={self.endpoint};accesskey={key}"

    def fail_next(self, count: int, status: int = 503, retry_after: int | None = None) -> None:
        """The next `count` sends (email or SMS) get `status` (429 with Retry-After: throttle)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body = {"error": {"code": "TooManyRequests" if status == 429 else "ServiceUnavailable"}}
        for _ in range(count):
            self.server.enqueue(FakeResponse(status, body, headers), path_contains=":send")
            self.server.enqueue(FakeResponse(status, body, headers), path_contains="/sms")

    def fail_operation(self, operation_id: str) -> None:
        """The email operation with this id ends Failed (say, a recipient the domain refuses)."""
        self._failing_operations.add(operation_id)

    def emails(self) -> list[SentMessage]:
        return [m for m in self.sent if m.channel == "email"]

    def texts(self) -> list[SentMessage]:
        return [m for m in self.sent if m.channel == "sms"]

    # -- the API -------------------------------------------------------------------------

    def handle(self, request: RecordedRequest) -> FakeResponse:
        if not self._authorized(request):
            with self._lock:
                self.auth_failures += 1
            return FakeResponse(401, {"error": {"code": "Denied", "message": "Denied by HMAC"}})
        if request.method == "POST" and request.path == "/emails:send":
            return self._send_email(request)
        if request.method == "GET" and request.path.startswith("/emails/operations/"):
            return self._operation(request)
        if request.method == "POST" and request.path == "/sms":
            return self._send_sms(request)
        return FakeResponse(404, {"error": {"code": "NotFound", "message": request.path}})

    def _send_email(self, request: RecordedRequest) -> FakeResponse:
        version = request.param("api-version")
        if version not in EMAIL_API_VERSIONS:
            return _bad("InvalidApiVersion", f"api-version {version!r}")
        try:
            body = request.json()
            sender = body["senderAddress"]
            to = [r["address"] for r in body["recipients"]["to"]]
            content = body["content"]
        except (ValueError, KeyError, TypeError):
            return _bad("InvalidRequest", "senderAddress, recipients.to and content are required")
        if (
            not to
            or not content.get("subject")
            or not (content.get("plainText") or content.get("html"))
        ):
            return _bad("InvalidRequest", "a recipient, a subject and a body are required")
        operation_id = request.headers.get("operation-id") or str(uuid.uuid4())
        with self._lock:
            first = operation_id not in self._operations
            if first:
                status = "Failed" if operation_id in self._failing_operations else "Succeeded"
                self._operations[operation_id] = {"id": operation_id, "status": status}
                if status == "Failed":
                    self._operations[operation_id]["error"] = {"code": "InvalidRecipient"}
        if first:
            self._record(
                SentMessage(
                    "email",
                    operation_id,
                    to[0],
                    sender,
                    content.get("subject"),
                    content.get("plainText") or content.get("html"),
                    dict(body.get("headers") or {}),
                )
            )
        location = f"{self.server.base_url}/emails/operations/{operation_id}?api-version={version}"
        return FakeResponse(
            202,
            {"id": operation_id, "status": "Running"},
            {"Operation-Location": location, "Retry-After": "0"},
        )

    def _operation(self, request: RecordedRequest) -> FakeResponse:
        operation_id = request.path.rsplit("/", 1)[-1]
        with self._lock:
            found = self._operations.get(operation_id)
        if found is None:
            return FakeResponse(404, {"error": {"code": "NotFound"}})
        return FakeResponse(200, found)

    def _send_sms(self, request: RecordedRequest) -> FakeResponse:
        version = request.param("api-version")
        if version not in SMS_API_VERSIONS:
            return _bad("InvalidApiVersion", f"api-version {version!r}")
        try:
            body = request.json()
            sender = body["from"]
            recipients = body["smsRecipients"]
            text = body["message"]
        except (ValueError, KeyError, TypeError):
            return _bad("InvalidRequest", "from, smsRecipients and message are required")
        options = body.get("smsSendOptions") or {}
        results = []
        for recipient in recipients:
            to = recipient.get("to", "")
            repeat_id = recipient.get("repeatabilityRequestId") or str(uuid.uuid4())
            if not to.startswith("+"):
                results.append(
                    {"to": to, "httpStatusCode": 400, "successful": False,
                     "errorMessage": "Invalid To phone number format."}
                )  # fmt: skip
                continue
            with self._lock:
                earlier = self._sms_results.get(repeat_id)
                if earlier is None:
                    earlier = {
                        "to": to,
                        "messageId": f"Outgoing_{uuid.uuid4().hex}_noam",
                        "httpStatusCode": 202,
                        "repeatabilityResult": "accepted",
                        "successful": True,
                    }
                    self._sms_results[repeat_id] = earlier
                    new = True
                else:
                    new = False
            if new:
                self._record(
                    SentMessage(
                        "sms", earlier["messageId"], to, sender, None, text, {}, options.get("tag")
                    )
                )
            results.append(earlier)
        return FakeResponse(202, {"value": results})

    def _record(self, message: SentMessage) -> None:
        with self._lock:
            self.sent.append(message)
            if self.outbox_file is not None:
                line = {
                    "channel": message.channel,
                    "id": message.provider_id,
                    "to": message.to,
                    "subject": message.subject,
                    "body": message.body,
                    "headers": message.headers,
                }
                with self.outbox_file.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")

    # -- auth ----------------------------------------------------------------------------

    def _authorized(self, request: RecordedRequest) -> bool:
        authorization = request.headers.get("authorization", "")
        if authorization.startswith("Bearer "):
            return authorization.removeprefix("Bearer ") == self.bearer_token
        if not authorization.startswith("HMAC-SHA256 "):
            return False
        fields = dict(
            part.split("=", 1)
            for part in authorization.removeprefix("HMAC-SHA256 ").split("&")
            if "=" in part
        )
        content_hash = base64.b64encode(hashlib.sha256(request.body).digest()).decode()
        if request.headers.get("x-ms-content-sha256") != content_hash:
            return False
        query = "&".join(f"{k}={v}" for k, vs in request.query.items() for v in vs)
        path_and_query = request.path + (f"?{query}" if query else "")
        date = request.headers.get("x-ms-date", "")
        to_sign = f"{request.method}\n{path_and_query}\n{date};{request.host};{content_hash}"
        expected = base64.b64encode(
            hmac.new(self.access_key, to_sign.encode(), hashlib.sha256).digest()
        ).decode()
        return fields.get("SignedHeaders") == "x-ms-date;host;x-ms-content-sha256" and (
            hmac.compare_digest(fields.get("Signature", ""), expected)
        )


def _bad(code: str, message: str) -> FakeResponse:
    return FakeResponse(400, {"error": {"code": code, "message": message}})
