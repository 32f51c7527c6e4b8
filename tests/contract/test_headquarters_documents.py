"""Headquarters documents: what admin routes and imports rely on, on every adapter."""

from __future__ import annotations

import pytest

from shared.domain.errors import NotFound, PreconditionFailed
from shared.ports.storage import Storage


def test_a_new_document_reads_back_with_an_etag_and_a_change_number(storage: Storage) -> None:
    written = storage.headquarters.put("USRT", "store", "S1", {"storeId": "S1", "name": "A"})
    read = storage.headquarters.get("USRT", "store", "S1")
    assert read == written
    assert read.body == {"storeId": "S1", "name": "A"}
    assert read.etag and read.change_seq > 0 and read.updated_at.endswith("Z")


def test_a_missing_document_is_none(storage: Storage) -> None:
    assert storage.headquarters.get("USRT", "store", "nope") is None


def test_a_replace_moves_the_etag_and_the_change_number(storage: Storage) -> None:
    first = storage.headquarters.put("USRT", "store", "S1", {"name": "A"})
    second = storage.headquarters.put("USRT", "store", "S1", {"name": "B"})
    assert second.etag != first.etag
    assert second.change_seq > first.change_seq
    assert storage.headquarters.get("USRT", "store", "S1").body == {"name": "B"}


def test_a_replace_with_the_current_etag_succeeds(storage: Storage) -> None:
    first = storage.headquarters.put("USRT", "parameters", "current", {"v": 1})
    second = storage.headquarters.put(
        "USRT", "parameters", "current", {"v": 2}, if_match=first.etag
    )
    assert second.body == {"v": 2}
    assert storage.headquarters.get("USRT", "parameters", "current").etag == second.etag


def test_a_replace_with_a_stale_etag_is_refused_and_names_the_current_one(
    storage: Storage,
) -> None:
    first = storage.headquarters.put("USRT", "parameters", "current", {"v": 1})
    current = storage.headquarters.put("USRT", "parameters", "current", {"v": 2})
    with pytest.raises(PreconditionFailed) as refused:
        storage.headquarters.put("USRT", "parameters", "current", {"v": 3}, if_match=first.etag)
    assert refused.value.extensions["currentEtag"] == current.etag
    assert storage.headquarters.get("USRT", "parameters", "current").body == {"v": 2}


def test_an_etag_for_a_document_that_does_not_exist_is_refused(storage: Storage) -> None:
    with pytest.raises(PreconditionFailed) as refused:
        storage.headquarters.put("USRT", "activity-type", "VISIT", {"v": 1}, if_match="abc")
    assert refused.value.extensions["currentEtag"] is None
    assert storage.headquarters.get("USRT", "activity-type", "VISIT") is None


def test_must_exist_does_not_create(storage: Storage) -> None:
    with pytest.raises(NotFound):
        storage.headquarters.put("USRT", "activity-type", "VISIT", {"v": 1}, must_exist=True)
    assert storage.headquarters.get("USRT", "activity-type", "VISIT") is None
    storage.headquarters.put("USRT", "activity-type", "VISIT", {"v": 1})
    replaced = storage.headquarters.put("USRT", "activity-type", "VISIT", {"v": 2}, must_exist=True)
    assert replaced.body == {"v": 2}


def test_the_same_id_is_a_different_document_per_legal_entity_and_kind(storage: Storage) -> None:
    storage.headquarters.put("USRT", "store", "X1", {"is": "USRT store"})
    storage.headquarters.put("DEMF", "store", "X1", {"is": "DEMF store"})
    storage.headquarters.put("USRT", "staff", "X1", {"is": "USRT staff"})
    assert storage.headquarters.get("USRT", "store", "X1").body == {"is": "USRT store"}
    assert storage.headquarters.get("DEMF", "store", "X1").body == {"is": "DEMF store"}
    assert storage.headquarters.get("USRT", "staff", "X1").body == {"is": "USRT staff"}


def test_list_holds_one_kind_of_one_legal_entity_in_id_order(storage: Storage) -> None:
    for doc_id in ("S3", "S1", "S2"):
        storage.headquarters.put("USRT", "store", doc_id, {"storeId": doc_id})
    storage.headquarters.put("DEMF", "store", "D1", {"storeId": "D1"})
    storage.headquarters.put("USRT", "staff", "alice", {"staffId": "alice"})
    listed = storage.headquarters.list("USRT", "store")
    assert [d.doc_id for d in listed] == ["S1", "S2", "S3"]
    assert listed[0] == storage.headquarters.get("USRT", "store", "S1")
    assert storage.headquarters.list("USRT", "permission-set") == []


def test_upsert_many_writes_only_the_bodies_that_changed(storage: Storage) -> None:
    hq = storage.headquarters
    assert hq.upsert_many("USRT", "store", [("S1", {"n": 1}), ("S2", {"n": 2})]) == 2
    before = {d.doc_id: d for d in hq.list("USRT", "store")}
    written = hq.upsert_many("USRT", "store", [("S1", {"n": 1}), ("S2", {"n": 20}), ("S3", {})])
    assert written == 2
    after = {d.doc_id: d for d in hq.list("USRT", "store")}
    assert after["S1"] == before["S1"]  # untouched: same etag, same change number
    assert after["S2"].body == {"n": 20} and after["S2"].change_seq > before["S2"].change_seq
    assert set(after) == {"S1", "S2", "S3"}
    assert hq.upsert_many("USRT", "store", []) == 0


def test_each_write_of_a_bulk_upsert_gets_its_own_change_number(storage: Storage) -> None:
    storage.headquarters.upsert_many("USRT", "staff", [(f"P{n:02d}", {"n": n}) for n in range(30)])
    numbers = [d.change_seq for d in storage.headquarters.list("USRT", "staff")]
    assert len(set(numbers)) == 30


def test_changes_come_oldest_first_across_legal_entities_within_the_limit(
    storage: Storage,
) -> None:
    hq = storage.headquarters
    hq.put("USRT", "store", "S1", {"v": 1})
    hq.put("DEMF", "store", "D1", {"v": 1})
    hq.put("USRT", "staff", "alice", {"v": 1})  # another kind: not asked for
    hq.put("USRT", "store", "S2", {"v": 1})
    hq.put("USRT", "store", "S1", {"v": 2})  # S1 again: now the newest store change
    changes = hq.changed_since(["store"], 0, 10)
    assert [(d.legal_entity, d.doc_id) for d in changes] == [
        ("DEMF", "D1"),
        ("USRT", "S2"),
        ("USRT", "S1"),
    ]
    assert [d.change_seq for d in changes] == sorted(d.change_seq for d in changes)
    assert changes[-1].body == {"v": 2}
    first_two = hq.changed_since(["store"], 0, 2)
    assert first_two == changes[:2]
    rest = hq.changed_since(["store"], first_two[-1].change_seq, 10)
    assert rest == changes[2:]
    assert hq.changed_since(["store"], changes[-1].change_seq, 10) == []
    assert {d.kind for d in hq.changed_since(["store", "staff"], 0, 10)} == {"store", "staff"}


def test_changes_of_kinds_nobody_wrote_are_empty(storage: Storage) -> None:
    storage.headquarters.put("USRT", "store", "S1", {"v": 1})
    assert storage.headquarters.changed_since(["permission-set"], 0, 10) == []
    assert storage.headquarters.changed_since([], 0, 10) == []


def test_exists_elsewhere_names_ids_of_this_kind_held_by_other_legal_entities(
    storage: Storage,
) -> None:
    hq = storage.headquarters
    hq.put("DEMF", "store", "D1", {})
    hq.put("FRRT", "store", "F1", {})
    hq.put("USRT", "store", "S1", {})
    hq.put("DEMF", "staff", "S2", {})  # another kind does not count
    asked = ["D1", "F1", "S1", "S2", "none"]
    assert hq.exists_elsewhere("USRT", "store", asked) == {"D1", "F1"}
    assert hq.exists_elsewhere("DEMF", "store", asked) == {"F1", "S1"}
    assert hq.exists_elsewhere("USRT", "store", []) == set()


def test_exists_elsewhere_answers_for_long_lists(storage: Storage) -> None:
    storage.headquarters.upsert_many("DEMF", "store", [(f"D{n}", {}) for n in range(0, 1200, 7)])
    asked = [f"D{n}" for n in range(1200)]
    expected = {f"D{n}" for n in range(0, 1200, 7)}
    assert storage.headquarters.exists_elsewhere("USRT", "store", asked) == expected
