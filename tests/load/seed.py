"""Demo-like data at load-test scale: the demo headquarters setup, many more associates in
one store, and thousands of customers all visible there, so associates compete for them."""

from __future__ import annotations

import json
from typing import Any

from shared.localhost import demo_data as demo

STORE = "SEA01"
MANAGERS = ("M001", "M002")


def associate_ids(count: int) -> list[str]:
    return [f"A{n:03d}" for n in range(1, count + 1)]


def customer_ids(count: int) -> list[str]:
    return [f"C{n:05d}" for n in range(1, count + 1)]


def _staff(associates: int) -> list[dict[str, Any]]:
    people = [(sid, "associate") for sid in associate_ids(associates)]
    people += [(sid, "manager") for sid in MANAGERS]
    return [
        {
            "staffId": sid,
            "name": f"Load {sid}",
            "objectId": demo.object_id(sid),
            "stores": [STORE],
            "permissionSetId": permission_set,
        }
        for sid, permission_set in people
    ]


def _customers(count: int) -> list[dict[str, Any]]:
    records = demo.customer_records(count)
    for record in records:
        record["addressBooks"] = ["WEST"]  # SEA01's address book: every associate sees all
    return records


def seed(associates: int, customers: int) -> dict[str, Any]:
    """Load headquarters data and customers, then publish with every distribution job."""
    from shared.composition import services
    from shared.domain.activity_types import ActivityType
    from shared.domain.attributes import AttributeGroup
    from shared.domain.parameters import ClientelingParameters
    from shared.services.record_stream import records

    app = services()
    le, hq = demo.LEGAL_ENTITY, services().headquarters
    group = AttributeGroup.model_validate(demo.ATTRIBUTE_GROUP)
    hq.attribute_groups.put(le, demo.ATTRIBUTE_GROUP_ID, group, None)
    hq.save_parameters(le, ClientelingParameters(attribute_group_id=demo.ATTRIBUTE_GROUP_ID), None)
    for type_id, (name, description) in demo.ACTIVITY_TYPES.items():
        hq.activity_types.put(le, type_id, ActivityType(name=name, description=description), None)
    for kind, rows in (
        ("permission-sets", demo.PERMISSION_SETS),
        ("stores", demo.STORES),
        ("staff", _staff(associates)),
        ("customers", _customers(customers)),
    ):
        report = app.imports.run(le, kind, records(json.dumps(rows), ndjson=False))
        if report.rejected:
            raise RuntimeError(f"load seed: {kind} rejected: {report.rejections[:3]}")
    runs = {job: app.distribution.run(job, trigger="load").status for job in demo_jobs()}
    return {"runs": runs, "customers": app.storage.customers.count(le)}


def demo_jobs() -> tuple[str, ...]:
    return ("1040", "1150", "1110", "1090")


def tokens(associates: int) -> dict[str, str]:
    """Bearer tokens by staff id, minted with the running app's local signing key."""
    from shared.adapters.identity.local_signing import LocalSigningKey
    from shared.settings import get_settings

    key = LocalSigningKey.load_or_create(get_settings().auth.local_key_dir)
    people = [*associate_ids(associates), *MANAGERS]
    return {sid: key.mint(demo.object_id(sid), name=f"Load {sid}") for sid in people}
