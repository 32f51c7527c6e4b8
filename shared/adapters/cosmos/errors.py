"""Cosmos DB and Azure SDK errors, translated into the domain's errors at the adapter's edge.

No SDK exception leaves the adapter: services and functions only know NotFound,
PreconditionFailed, Conflict, DependencyUnavailable and the generic internal error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError

from shared.domain.errors import (
    ClientelingError,
    Conflict,
    DependencyUnavailable,
    NotFound,
    PreconditionFailed,
)

log = logging.getLogger(__name__)

# Statuses that say "try again later": throttled after the SDK's own retries, timed out,
# unavailable, or failed inside the service.
TRANSIENT_STATUSES = frozenset({408, 429, 449, 500, 503})
# Statuses that say our identity may not use the account (a role assignment is missing).
REFUSED_STATUSES = frozenset({401, 403})


def status_of(error: BaseException) -> int | None:
    status = getattr(error, "status_code", None)
    return int(status) if isinstance(status, int) else None


def is_transient(error: BaseException) -> bool:
    """Worth retrying: throttling, timeouts, an unreachable or failing service."""
    if isinstance(error, HttpResponseError) and not isinstance(error, ClientAuthenticationError):
        return status_of(error) in TRANSIENT_STATUSES
    return isinstance(error, AzureError) and not isinstance(error, ClientAuthenticationError)


def translate(error: AzureError, what: str) -> ClientelingError:
    """The domain error for an SDK error raised while doing `what`."""
    status = status_of(error)
    if isinstance(error, ClientAuthenticationError) or status in REFUSED_STATUSES:
        log.error("Cosmos DB refused our identity while %s: %s", what, error)
        return DependencyUnavailable(
            f"the database refused our identity while {what}; check its role assignment"
        )
    if status == 404:
        return NotFound(f"not found while {what}")
    if status == 412:
        return PreconditionFailed(f"changed by someone else while {what}; read it again")
    if status == 409:
        return Conflict(f"already exists ({what})")
    if is_transient(error):
        log.warning("Cosmos DB unavailable while %s: %s", what, error)
        return DependencyUnavailable(f"the database is busy or unreachable ({what}); try again")
    log.error("Cosmos DB rejected a request while %s: %s", what, error)
    return ClientelingError(f"the database rejected a request while {what}")


@contextmanager
def translated(what: str) -> Iterator[None]:
    """Run a block of SDK calls; an SDK error comes out as the matching domain error."""
    try:
        yield
    except AzureError as error:
        raise translate(error, what) from error
