"""Admins edit headquarters configuration with validation and optimistic concurrency."""

from __future__ import annotations

import pytest

from tests.support.world import ATTRIBUTE_GROUP, World

BASE = "/api/admin/USRT"


def _errors(reply) -> dict[str, str]:
    assert reply.status == 400, reply
    assert reply.json["type"] == "urn:clienteling:problem:validation-failed"
    return {e["field"]: e["message"] for e in reply.json["errors"]}


def test_parameters_start_as_defaults_and_need_if_match_once_saved(bare_world: World) -> None:
    admin = bare_world.admin
    first = admin.get(f"{BASE}/parameters")
    assert first.status == 200
    assert first.json["allowMultipleClientBooks"] is False
    assert first.json["numberSequence"] == {"prefix": "CB-", "digits": 6}
    assert first.etag is None

    saved = admin.put(f"{BASE}/parameters", json={"numberSequence": {"prefix": "KB-"}})
    assert saved.status == 200 and saved.etag

    without = admin.put(f"{BASE}/parameters", json={"allowMultipleClientBooks": True})
    assert without.status == 428
    assert without.json["type"] == "urn:clienteling:problem:if-match-required"

    stale = admin.put(
        f"{BASE}/parameters", json={"allowMultipleClientBooks": True}, headers={"If-Match": '"999"'}
    )
    assert stale.status == 412

    fresh = admin.put(
        f"{BASE}/parameters",
        json={"allowMultipleClientBooks": True},
        headers={"If-Match": saved.etag},
    )
    assert fresh.status == 200
    assert admin.get(f"{BASE}/parameters").json["allowMultipleClientBooks"] is True


def test_parameters_reject_unknown_fields_wrong_types_and_missing_groups(bare_world: World) -> None:
    admin = bare_world.admin
    errors = _errors(
        admin.put(
            f"{BASE}/parameters",
            json={"enabled": "yes", "colour": "red", "numberSequence": {"digits": 40}},
        )
    )
    assert errors["enabled"]
    assert errors["colour"] == "unknown field"
    assert "numberSequence.digits" in errors
    errors = _errors(admin.put(f"{BASE}/parameters", json={"attributeGroupId": "NOPE"}))
    assert "NOPE" in errors["attributeGroupId"]


def test_insights_cannot_be_switched_on_by_a_plain_update(bare_world: World) -> None:
    errors = _errors(
        bare_world.admin.put(f"{BASE}/parameters", json={"insights": {"enabled": True}})
    )
    assert "insights/enable" in errors["insights.enabled"]


@pytest.mark.parametrize(
    ("attribute", "field"),
    [
        ({"name": "x", "label": "X", "type": "list"}, "attributes.0"),
        ({"name": "x", "label": "X", "type": "text", "allowedValues": ["a"]}, "attributes.0"),
        ({"name": "9x", "label": "X", "type": "text"}, "attributes.0.name"),
        ({"name": "x", "label": "X", "type": "colour"}, "attributes.0.type"),
        (
            {"name": "x", "label": "X", "type": "text", "displayOrder": 0},
            "attributes.0.displayOrder",
        ),
    ],
)
def test_attribute_definitions_are_validated(
    bare_world: World, attribute: dict, field: str
) -> None:
    reply = bare_world.admin.put(
        f"{BASE}/attribute-groups/G1", json={"name": "G", "attributes": [attribute]}
    )
    assert field in _errors(reply)


def test_attribute_names_and_display_orders_are_unique(bare_world: World) -> None:
    twice = {"name": "x", "label": "X", "type": "text", "displayOrder": 1}
    reply = bare_world.admin.put(
        f"{BASE}/attribute-groups/G1",
        json={"name": "G", "attributes": [twice, {**twice, "name": "X"}]},
    )
    assert "unique" in reply.json["detail"]


def test_attribute_groups_round_trip(bare_world: World) -> None:
    admin = bare_world.admin
    saved = admin.put(f"{BASE}/attribute-groups/CLIENTBOOK", json=ATTRIBUTE_GROUP)
    assert saved.status == 200
    read = admin.get(f"{BASE}/attribute-groups/CLIENTBOOK")
    assert read.json["groupId"] == "CLIENTBOOK"
    assert read.json["attributes"][0]["allowedValues"] == ["Shoes", "Bags", "Jewelry", "Watches"]
    assert read.etag == saved.etag
    listed = admin.get(f"{BASE}/attribute-groups").json["attributeGroups"]
    assert [g["groupId"] for g in listed] == ["CLIENTBOOK"]
    assert admin.get(f"{BASE}/attribute-groups/OTHER").status == 404


def test_deleting_an_activity_type_deactivates_it(bare_world: World) -> None:
    admin = bare_world.admin
    assert admin.put(f"{BASE}/activity-types/VISIT", json={"name": "Store visit"}).status == 200
    deleted = admin.delete(f"{BASE}/activity-types/VISIT")
    assert deleted.status == 200
    assert deleted.json["active"] is False
    assert admin.get(f"{BASE}/activity-types/VISIT").json["name"] == "Store visit"
    assert admin.delete(f"{BASE}/activity-types/NOPE").status == 404


def test_key_vault_settings_accept_only_vault_references(bare_world: World) -> None:
    admin = bare_world.admin
    good = {
        "vaultUrl": "https://contoso-kv.vault.azure.net/",
        "secrets": {"insights-app": "vault://contoso-kv/insights-app-secret"},
    }
    assert admin.put(f"{BASE}/key-vault", json=good).status == 200
    for reference in ("https://evil.example/secret", "vault://a/b", "vault://kv-name/../x"):
        reply = admin.put(f"{BASE}/key-vault", json={"secrets": {"x": reference}})
        assert reply.status in (400, 428), reply


@pytest.mark.parametrize("legal_entity", ["US RT", "a" * 30, "-x"])
def test_bad_legal_entity_in_the_route_is_400(bare_world: World, legal_entity: str) -> None:
    reply = bare_world.admin.get(f"/api/admin/{legal_entity}/parameters")
    assert reply.status == 400
    assert "legalEntity" in _errors(reply)
