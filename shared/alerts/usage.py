"""Which secrets the app uses, for whom, and what breaks without them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.secrets.reference import SecretReference

INSIGHTS_IMPACT = "Customer Insights measures on customer cards stop loading."


@dataclass(frozen=True)
class SecretUsage:
    reference: SecretReference
    legal_entities: tuple[str, ...]
    impact: str = INSIGHTS_IMPACT


def merge_usages(usages: Iterable[SecretUsage]) -> list[SecretUsage]:
    """One entry per secret, with every legal entity that uses it (sorted) and each impact."""
    merged: dict[str, SecretUsage] = {}
    for usage in usages:
        known = merged.get(usage.reference.key)
        if known is None:
            merged[usage.reference.key] = SecretUsage(
                usage.reference, tuple(sorted(set(usage.legal_entities))), usage.impact
            )
            continue
        impacts = (
            known.impact if usage.impact in known.impact else (f"{known.impact} {usage.impact}")
        )
        merged[usage.reference.key] = SecretUsage(
            known.reference,
            tuple(sorted(set(known.legal_entities) | set(usage.legal_entities))),
            impacts,
        )
    return list(merged.values())
