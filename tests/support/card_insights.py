"""Customer Insights on cards, set up as an admin would: a secret in the local vault file,
measures selected in the parameters, the setup check passed, everything published."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.fakes.identity import TENANT
from tests.insights.insights_scenario import ALTERNATE_ID, APP_ID
from tests.support.world import World

ADMIN = "/api/admin/USRT"
REFERENCE = "vault://kv-contoso/insights-client-secret"


def write_local_secret(path: Path, value: str) -> None:
    """The client secret in the local secrets file, expiring in 90 days."""
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=90)
    entry = {"value": value, "enabled": True, "expiresOn": expires.isoformat()}
    path.write_text(json.dumps({"kv-contoso/insights-client-secret": entry}))


def name_the_secret(world: World) -> None:
    world.ok(world.admin.put(f"{ADMIN}/key-vault", json={"secrets": {"insights": REFERENCE}}))


def turn_on(world: World, org_url: str, measures: list[str]) -> None:
    """Select measures, turn Insights on (the setup check must pass) and publish."""
    world.ok(world.admin.post(f"{ADMIN}/insights/disable"))
    current = world.admin.get(f"{ADMIN}/parameters")
    body = current.json
    body["insights"] = {
        "applicationId": APP_ID,
        "tenantId": TENANT,
        "secretName": "insights",
        "dataverseUrl": org_url,
        "alternateCustomerId": ALTERNATE_ID,
        "measures": measures,
    }
    world.ok(world.admin.put(f"{ADMIN}/parameters", json=body, headers={"If-Match": current.etag}))
    world.ok(world.admin.post(f"{ADMIN}/insights/enable"))
    world.publish()


def turn_off(world: World) -> None:
    world.ok(world.admin.post(f"{ADMIN}/insights/disable"))
    world.publish()
