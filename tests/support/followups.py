"""Follow-up rules and worklists as headquarters and a POS would drive them."""

from __future__ import annotations

from typing import Any

from tests.support.world import World, pos_path

BIRTHDAYS = {"name": "Birthdays", "kind": "important-date", "dateField": "birthday", "days": 7}


def put_rules(world: World, legal_entity: str, rules: dict[str, dict[str, Any]]) -> None:
    """Save rules as an admin and publish them (job 1110)."""
    for rule_id, body in rules.items():
        world.ok(world.admin.put(f"/api/admin/{legal_entity}/followup-rules/{rule_id}", json=body))
    run = world.ok(world.admin.post("/api/admin/distribution/1110/run"))
    assert run["status"] == "succeeded", run


def generate(world: World, legal_entity: str = "USRT") -> dict[str, Any]:
    (run,) = world.ok(
        world.admin.post("/api/admin/followups/run", params={"legalEntity": legal_entity})
    )["runs"]
    assert run["status"] == "succeeded", run
    return run


def worklist(world: World, staff: str, store_id: str, **params: Any) -> dict[str, Any]:
    return world.ok(world.as_staff(staff).get(pos_path(store_id, "followups"), params=params))


def followup_path(store_id: str, followup_id: str, action: str = "") -> str:
    return pos_path(store_id, f"followups/{followup_id}" + (f"/{action}" if action else ""))
