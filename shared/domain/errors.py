"""Domain and request errors. Each carries a stable problem type slug and an HTTP status.

The HTTP layer renders any of these as an RFC 9457 problem; docs/problems.md lists the slugs.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ClientelingError(Exception):
    """Base of every error we expect and explain to the caller."""

    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    status: ClassVar[int] = 500

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class ValidationFailed(ClientelingError):
    """The request is well-formed but some fields are wrong; `errors` names each field."""

    slug = "validation-failed"
    title = "Validation failed"
    status = 400

    def __init__(self, errors: list[dict[str, str]], detail: str | None = None) -> None:
        summary = detail or "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        super().__init__(summary, errors=errors)
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([{"field": field, "message": message}])


class MalformedRequest(ClientelingError):
    slug = "malformed-request"
    title = "Malformed request"
    status = 400


class ImportStopped(ClientelingError):
    """An import body stopped being JSON part-way; `report` says what was done before that."""

    slug = "import-stopped"
    title = "Import stopped at a record that is not JSON"
    status = 400


class ImportInterrupted(ClientelingError):
    """An import chunk failed for a reason we did not foresee; `report` says what was written
    before it, so the caller can resend from `stoppedAt` rather than guess."""

    slug = "import-interrupted"
    title = "Import interrupted by an unexpected failure"
    status = 500


class InvalidContinuationToken(ClientelingError):
    slug = "invalid-continuation-token"
    title = "Invalid continuation token"
    status = 400


class UnsupportedMediaType(ClientelingError):
    slug = "unsupported-media-type"
    title = "Unsupported media type"
    status = 415


class PayloadTooLarge(ClientelingError):
    slug = "payload-too-large"
    title = "Payload too large"
    status = 413


class Unauthenticated(ClientelingError):
    slug = "unauthenticated"
    title = "Authentication required"
    status = 401


class Forbidden(ClientelingError):
    slug = "forbidden"
    title = "Not allowed"
    status = 403


class NotFound(ClientelingError):
    slug = "not-found"
    title = "Not found"
    status = 404


class MethodNotAllowed(ClientelingError):
    slug = "method-not-allowed"
    title = "Method not allowed"
    status = 405


class Conflict(ClientelingError):
    slug = "conflict"
    title = "Conflict"
    status = 409


class FollowupNotOpen(Conflict):
    """Completing, snoozing or dismissing a follow-up that is no longer open."""

    slug = "followup-not-open"
    title = "Follow-up is no longer open"

    def __init__(self, followup_id: str, state: str) -> None:
        super().__init__(f"follow-up {followup_id} is {state}; nothing changed", state=state)


class CustomerNotInBook(Conflict):
    """A manual follow-up for a customer the owner's book does not hold."""

    slug = "customer-not-in-book"
    title = "Customer is not in the client book"


class PreconditionFailed(ClientelingError):
    slug = "etag-mismatch"
    title = "The resource has changed"
    status = 412


class PreconditionRequired(ClientelingError):
    slug = "if-match-required"
    title = "If-Match required"
    status = 428


class IdempotencyKeyReused(ClientelingError):
    slug = "idempotency-key-reused"
    title = "Idempotency key reused with a different request"
    status = 422


class DependencyUnavailable(ClientelingError):
    slug = "dependency-unavailable"
    title = "A service we depend on is unavailable"
    status = 503


class InsightsSetupFailed(ClientelingError):
    """Turning Insights on failed at a step; `steps` says which and what to do. It stays off."""

    slug = "insights-setup-failed"
    title = "Customer Insights setup failed"
    status = 422


class ConfigurationMissing(ClientelingError):
    """Headquarters data the operation needs has not been set up (or not yet published)."""

    slug = "configuration-missing"
    title = "Configuration missing"
    status = 409


class SettingUnavailable(ClientelingError):
    """An app setting a route needs has no usable value yet (say, a Key Vault reference the
    platform could not resolve): the route fails closed rather than run without it. Its own
    type, not missing headquarters data's (409): an operator fixes it, not an admin, so a
    POS retries later instead of sending the associate to headquarters."""

    slug = "setting-unavailable"
    title = "Setting unavailable"
    status = 503

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(
            f"app setting {setting} is not usable ({reason}); operators: see docs/operations.md",
            setting=setting,
        )
        self.setting = setting
        self.reason = reason


class OutreachRefused(ClientelingError):
    """A message the send policy refuses; each subclass is one rule (docs/outreach.md)."""

    status = 409


class ConsentMissing(OutreachRefused):
    slug = "consent-missing"
    title = "The customer has not opted in on this channel"


class ContactMissing(OutreachRefused):
    slug = "contact-missing"
    title = "The customer has no address on this channel"


class QuietHours(OutreachRefused):
    slug = "quiet-hours"
    title = "Quiet hours in the store's time zone"


class FrequencyCap(OutreachRefused):
    slug = "frequency-cap"
    title = "The customer has had as many messages as allowed this week"


class OutreachDisabled(OutreachRefused):
    slug = "outreach-disabled"
    title = "Outreach is switched off for this legal entity"


def refusal_error(problem_type: str, detail: str, send_after: str | None = None) -> OutreachRefused:
    """The error of a send policy's refusal, by its problem type; an unknown type (a policy
    newer than this code) still refuses, as the most cautious one: consent-missing. Quiet
    hours carry `sendAfter` (the store's local HH:MM they end)."""
    extensions = {"sendAfter": send_after} if send_after else {}
    for cls in OutreachRefused.__subclasses__():
        if cls.slug == problem_type:
            return cls(detail, **extensions)
    return ConsentMissing(detail)


def all_error_types() -> list[type[ClientelingError]]:
    """Every error class, for the documentation of problem types."""
    found: list[type[ClientelingError]] = []
    pending: list[type[ClientelingError]] = [ClientelingError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
