"""Picking up a rotated secret without a restart."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from shared.secrets.errors import CredentialRejected
from shared.secrets.reference import SecretReference
from shared.secrets.resolver import SecretResolver

T = TypeVar("T")

logger = logging.getLogger(__name__)


def refetch_on_rejection(
    resolver: SecretResolver, ref: SecretReference, use: Callable[[str], T]
) -> T:
    """Call `use(value)`; if it raises `CredentialRejected`, read the secret again and retry once.

    A cached value goes stale when someone rotates the secret in the vault. The downstream
    service tells us (invalid client, 401), so we drop the cached value and try the fresh one.
    A second rejection propagates: the vault holds a bad value too.
    """
    try:
        return use(resolver.get(ref).value)
    except CredentialRejected:
        logger.info("credential from secret %s was rejected; reading the secret again", ref)
        resolver.invalidate(ref)
        return use(resolver.get(ref).value)
