"""Distribution jobs: which headquarters documents each job publishes, and in what shape.

The job numbers are the seed's (1040 Products, 1150 Catalog, 1110 Global configuration,
1090 Registers). Each projection is a pure function from a headquarters body to the
published documents it becomes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Kind:
    """Headquarters document kinds (what admins write)."""

    PARAMETERS = "parameters"
    ATTRIBUTE_GROUP = "attribute-group"
    ACTIVITY_TYPE = "activity-type"
    KEY_VAULT = "key-vault"
    STORE = "store"
    STAFF = "staff"
    PERMISSION_SET = "permission-set"
    OUTREACH_SETTINGS = "outreach-settings"
    MESSAGE_TEMPLATE = "message-template"
    FOLLOWUP_RULE = "followup-rule"


class PublishedKind:
    """Published document kinds (what the POS reads)."""

    ATTRIBUTE_DEFINITIONS = "attribute-definitions"
    ATTRIBUTE_PRESENTATION = "attribute-presentation"
    PARAMETERS = Kind.PARAMETERS
    ACTIVITY_TYPE = Kind.ACTIVITY_TYPE
    KEY_VAULT = Kind.KEY_VAULT
    STORE = Kind.STORE
    STAFF = Kind.STAFF
    PERMISSION_SET = Kind.PERMISSION_SET
    OUTREACH_SETTINGS = Kind.OUTREACH_SETTINGS
    MESSAGE_TEMPLATE = Kind.MESSAGE_TEMPLATE
    FOLLOWUP_RULE = Kind.FOLLOWUP_RULE


SINGLETON_ID = "current"  # doc id of one-per-legal-entity documents (parameters, key vault)

Projection = Callable[[dict[str, Any]], dict[str, Any]]


def _as_is(body: dict[str, Any]) -> dict[str, Any]:
    return body


def attribute_definitions(group: dict[str, Any]) -> dict[str, Any]:
    """Job 1040: what each attribute is (type, allowed values, label)."""
    keep = ("name", "label", "type", "allowedValues")
    return {
        "name": group["name"],
        "attributes": [{k: a.get(k) for k in keep} for a in group.get("attributes", [])],
    }


def attribute_presentation(group: dict[str, Any]) -> dict[str, Any]:
    """Job 1150: how the client book shows them (refinable, display order)."""
    return {
        "attributes": {
            a["name"]: {
                "refinable": a.get("refinable", False),
                "displayOrder": a.get("displayOrder"),
            }
            for a in group.get("attributes", [])
        }
    }


@dataclass(frozen=True)
class DistributionJob:
    job_id: str
    name: str
    description: str
    # headquarters kind -> (published kind, projection)
    sources: dict[str, tuple[str, Projection]]

    @property
    def source_kinds(self) -> list[str]:
        return list(self.sources)


JOBS: dict[str, DistributionJob] = {
    job.job_id: job
    for job in (
        DistributionJob(
            "1040",
            "Products",
            "attribute definitions (types, allowed values)",
            {Kind.ATTRIBUTE_GROUP: (PublishedKind.ATTRIBUTE_DEFINITIONS, attribute_definitions)},
        ),
        DistributionJob(
            "1150",
            "Catalog",
            "the client-book attribute group: refinable flags and display order",
            {Kind.ATTRIBUTE_GROUP: (PublishedKind.ATTRIBUTE_PRESENTATION, attribute_presentation)},
        ),
        DistributionJob(
            "1110",
            "Global configuration",
            "clienteling parameters, number sequence, Insights settings, activity types,"
            " outreach settings, message templates and follow-up rules",
            {
                Kind.PARAMETERS: (PublishedKind.PARAMETERS, _as_is),
                Kind.ACTIVITY_TYPE: (PublishedKind.ACTIVITY_TYPE, _as_is),
                Kind.KEY_VAULT: (PublishedKind.KEY_VAULT, _as_is),
                Kind.OUTREACH_SETTINGS: (PublishedKind.OUTREACH_SETTINGS, _as_is),
                Kind.MESSAGE_TEMPLATE: (PublishedKind.MESSAGE_TEMPLATE, _as_is),
                Kind.FOLLOWUP_RULE: (PublishedKind.FOLLOWUP_RULE, _as_is),
            },
        ),
        DistributionJob(
            "1090",
            "Registers",
            "stores, address books, staff and their store assignments, permission sets",
            {
                Kind.STORE: (PublishedKind.STORE, _as_is),
                Kind.STAFF: (PublishedKind.STAFF, _as_is),
                Kind.PERMISSION_SET: (PublishedKind.PERMISSION_SET, _as_is),
            },
        ),
    )
}
