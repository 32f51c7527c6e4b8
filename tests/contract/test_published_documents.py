"""The published copy: only changed bodies are written, and the version moves once per publish."""

from __future__ import annotations

import threading

from shared.ports.documents import PublishedDocument
from shared.ports.storage import Storage
from shared.services.published_view import PublishedCache
from tests.contract.conftest import OpenStorage


def doc(legal_entity: str, kind: str, doc_id: str, **body: object) -> PublishedDocument:
    return PublishedDocument(legal_entity, kind, doc_id, dict(body))


def loaded(storage: Storage) -> tuple[int, set[tuple[str, str, str, str]]]:
    version, documents = storage.published.load_all()
    return version, {(d.legal_entity, d.kind, d.doc_id, repr(d.body)) for d in documents}


def test_nothing_is_published_at_first(storage: Storage) -> None:
    assert storage.published.version() == 0
    assert loaded(storage) == (0, set())


def test_a_publish_writes_every_new_document_and_moves_the_version_once(storage: Storage) -> None:
    written = storage.published.publish(
        [
            doc("USRT", "store", "S1", name="A"),
            doc("USRT", "staff", "alice", name="Alice"),
            doc("DEMF", "store", "D1", name="D"),
        ]
    )
    assert written == 3
    assert storage.published.version() == 1
    assert loaded(storage) == (
        1,
        {
            ("USRT", "store", "S1", "{'name': 'A'}"),
            ("USRT", "staff", "alice", "{'name': 'Alice'}"),
            ("DEMF", "store", "D1", "{'name': 'D'}"),
        },
    )


def test_publishing_the_same_bodies_again_writes_nothing(storage: Storage) -> None:
    documents = [doc("USRT", "store", "S1", name="A"), doc("DEMF", "store", "D1", name="D")]
    storage.published.publish(documents)
    assert storage.published.publish(documents) == 0
    assert storage.published.publish([]) == 0
    assert storage.published.version() == 1


def test_only_the_changed_document_is_written(storage: Storage) -> None:
    storage.published.publish([doc("USRT", "store", "S1", name="A"), doc("USRT", "store", "S2")])
    written = storage.published.publish(
        [doc("USRT", "store", "S1", name="A2"), doc("USRT", "store", "S2")]
    )
    assert written == 1
    assert storage.published.version() == 2
    version, documents = loaded(storage)
    assert version == 2
    assert ("USRT", "store", "S1", "{'name': 'A2'}") in documents
    assert len(documents) == 2


def test_a_cache_sees_a_version_published_through_another_store(
    open_storage: OpenStorage,
) -> None:
    reader, writer = open_storage(), open_storage()
    cache = PublishedCache(reader.published)
    assert cache.current().version == 0
    store = {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]}
    writer.published.publish([PublishedDocument("USRT", "store", "S1", store)])
    view = cache.current()
    assert view.version == 1 and view.find_store("S1") is not None
    writer.published.publish([PublishedDocument("USRT", "store", "S1", store)])
    assert cache.current().version == 1


def test_one_request_keeps_its_first_look_and_the_next_request_sees_a_new_version(
    open_storage: OpenStorage,
) -> None:
    reader, writer = open_storage(), open_storage()
    cache = PublishedCache(reader.published)
    store = {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]}
    with cache.one_request():
        first = cache.current()
        writer.published.publish([PublishedDocument("USRT", "store", "S1", store)])
        # No second read of the version: later looks of the request keep the first view.
        assert cache.current() is first and first.version == 0
    with cache.one_request():
        view = cache.current()
        assert view.version == 1 and view.find_store("S1") is not None
    writer.published.publish([PublishedDocument("USRT", "store", "S2", {**store, "storeId": "S2"})])
    # Outside a request (timers, admin tooling) every look checks the version.
    assert cache.current().version == 2


def test_a_run_in_this_process_shows_later_in_the_same_request(
    open_storage: OpenStorage,
) -> None:
    storage = open_storage()
    cache = PublishedCache(storage.published)
    store = {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]}
    with cache.one_request():
        assert cache.current().version == 0
        storage.published.publish([PublishedDocument("USRT", "store", "S1", store)])
        cache.invalidate()  # what a distribution run does after publishing
        assert cache.current().find_store("S1") is not None


def test_requests_side_by_side_each_keep_their_own_look(open_storage: OpenStorage) -> None:
    """Worker threads serve requests at once: one request's look never leaks into another."""
    reader, writer = open_storage(), open_storage()
    cache = PublishedCache(reader.published)
    store = {"storeId": "S1", "name": "Seattle", "addressBooks": ["AB1"]}
    first_looked, published = threading.Event(), threading.Event()
    seen: dict[str, list[int]] = {}

    def early_request() -> None:
        with cache.one_request():
            seen["early"] = [cache.current().version]
            first_looked.set()
            published.wait(30)
            seen["early"].append(cache.current().version)

    early = threading.Thread(target=early_request)
    early.start()
    assert first_looked.wait(30)
    writer.published.publish([PublishedDocument("USRT", "store", "S1", store)])
    with cache.one_request():
        seen["late"] = [cache.current().version, cache.current().version]
    published.set()
    early.join(30)
    assert seen == {"early": [0, 0], "late": [1, 1]}
