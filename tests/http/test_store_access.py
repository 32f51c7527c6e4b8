"""The store in the route fixes the legal entity; only its staff working there may act."""

from __future__ import annotations

import pytest

from shared.composition import services
from shared.domain.errors import Forbidden, NotFound
from shared.domain.identity import Identity
from shared.domain.organisation import Operation
from tests.support.world import World


def _in_store(object_id: str, store_id: str):
    return services().access.in_store(Identity(object_id), store_id)


def test_staff_act_in_their_own_stores_with_their_permissions(world: World) -> None:
    alice = _in_store("alice", "S1")
    assert (alice.legal_entity, alice.staff_id) == ("USRT", "alice")
    assert alice.may(Operation.ADD_TO_CLIENT_BOOK)
    assert not alice.may(Operation.REASSIGN_CUSTOMERS)
    assert _in_store("bob", "S2").may(Operation.REASSIGN_CUSTOMERS)


def test_colleagues_of_other_stores_are_forbidden(world: World) -> None:
    with pytest.raises(Forbidden, match="do not work in store S1"):
        _in_store("dave", "S1")


@pytest.mark.parametrize(("object_id", "store_id"), [("alice", "S404"), ("erin", "S1")])
def test_unknown_stores_and_other_legal_entities_stores_are_not_found(
    world: World, object_id: str, store_id: str
) -> None:
    with pytest.raises(NotFound, match=f"no store '{store_id}'"):
        _in_store(object_id, store_id)


@pytest.mark.parametrize("store_id", ["S1", "D1", "S404"])
def test_a_caller_without_a_staff_record_learns_nothing_about_the_store(
    world: World, store_id: str
) -> None:
    with pytest.raises(Forbidden) as refused:
        _in_store("stranger", store_id)
    assert (
        refused.value.detail
        == "your account is not an active associate; ask headquarters to add it"
    )


def test_a_missing_permission_names_the_operation(world: World) -> None:
    with pytest.raises(Forbidden, match="add-to-client-book"):
        _in_store("vic", "S1").require(Operation.ADD_TO_CLIENT_BOOK)


def test_deactivated_staff_lose_access_after_the_registers_job(world: World) -> None:
    world.admin.post(
        "/api/admin/USRT/import/staff",
        json=[
            {
                "staffId": "alice",
                "name": "Alice Archer",
                "objectId": "alice",
                "stores": ["S1"],
                "permissionSetId": "associate",
                "active": False,
            }
        ],
    )
    assert _in_store("alice", "S1").staff_id == "alice"  # not published yet
    world.ok(world.admin.post("/api/admin/distribution/1090/run"))
    with pytest.raises(Forbidden):
        _in_store("alice", "S1")
