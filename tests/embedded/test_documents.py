"""Document APIs of the embedded engine, driven through the stock elasticsearch-py 9 client.

Each test runs on a fresh engine; most run twice (``any_es``): in-process and over HTTP, so that
the transport makes no difference. The expected behaviour is Elasticsearch 8/9's, as documented
for the index, create, get, exists, get_source, update, delete, mget and bulk APIs.
"""

from __future__ import annotations

import string
import time
from typing import Any

import orjson
import pytest
from elasticsearch import (
    ApiError,
    BadRequestError,
    ConflictError,
    Elasticsearch,
    NotFoundError,
)

from djangoes_engine import Engine, Request
from djangoes_engine.cluster import REFRESH_POLL

JSON = {"content-type": "application/json", "accept": "application/json"}


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def total(es: Elasticsearch, index: str, query: dict[str, Any] | None = None) -> int:
    body = es.search(index=index, query=query or {"match_all": {}}, track_total_hits=True)
    return body["hits"]["total"]["value"]


# Index and create


def test_index_with_id_creates_then_updates(any_es: Elasticsearch) -> None:
    first = any_es.index(index="docs", id="1", document={"title": "one"})
    assert first.meta.status == 201
    assert first["result"] == "created"
    assert first["_index"] == "docs"
    assert first["_id"] == "1"
    assert first["_version"] == 1
    assert first["_primary_term"] == 1
    assert first["_shards"]["failed"] == 0
    assert first["_shards"]["successful"] == 1

    second = any_es.index(index="docs", id="1", document={"title": "two"})
    assert second.meta.status == 200
    assert second["result"] == "updated"
    assert second["_version"] == 2
    assert second["_seq_no"] > first["_seq_no"]
    assert second["_primary_term"] == 1

    other = any_es.index(index="docs", id="2", document={"title": "three"})
    assert other["_version"] == 1
    assert other["_seq_no"] > second["_seq_no"]
    assert any_es.get(index="docs", id="1")["_source"] == {"title": "two"}


def test_index_without_id_generates_twenty_character_ids(any_es: Elasticsearch) -> None:
    ids = set()
    for number in range(3):
        response = any_es.index(index="docs", document={"n": number})
        assert response.meta.status == 201
        assert response["result"] == "created"
        assert response["_version"] == 1
        doc_id = response["_id"]
        assert len(doc_id) == 20
        assert set(doc_id) <= set(string.ascii_letters + string.digits + "-_")
        ids.add(doc_id)
    assert len(ids) == 3
    for doc_id in ids:
        assert any_es.get(index="docs", id=doc_id)["found"] is True


def test_create_conflicts_with_an_existing_document(any_es: Elasticsearch) -> None:
    created = any_es.create(index="docs", id="1", document={"v": 1})
    assert created.meta.status == 201
    assert created["result"] == "created"

    with pytest.raises(ConflictError) as exc:
        any_es.create(index="docs", id="1", document={"v": 2})
    assert exc.value.meta.status == 409
    error = error_of(exc)
    assert error["type"] == "version_conflict_engine_exception"
    assert error["reason"] == "[1]: version conflict, document already exists (current version [1])"
    assert error["index"] == "docs"

    with pytest.raises(ConflictError) as exc:
        any_es.index(index="docs", id="1", document={"v": 3}, op_type="create")
    assert error_of(exc)["type"] == "version_conflict_engine_exception"

    stored = any_es.get(index="docs", id="1")
    assert stored["_source"] == {"v": 1}
    assert stored["_version"] == 1
    # op_type=create with a new id works like create().
    response = any_es.index(index="docs", id="2", document={"v": 1}, op_type="create")
    assert response["result"] == "created"


def test_first_write_creates_the_index(any_es: Elasticsearch) -> None:
    assert not any_es.indices.exists(index="auto-created")
    any_es.index(index="auto-created", id="1", document={"name": "x", "count": 3})
    assert any_es.indices.exists(index="auto-created")
    mapping = any_es.indices.get_mapping(index="auto-created")["auto-created"]["mappings"]
    assert mapping["properties"]["count"] == {"type": "long"}
    settings = any_es.indices.get_settings(index="auto-created")["auto-created"]["settings"]
    assert settings["index"]["number_of_shards"] == "1"


@pytest.mark.parametrize(
    "doc_id",
    ["é/ü", "a/b/c", "with space", "q?x=1&y=2#frag", "%41 percent", "日本語", "+plus+"],
)
def test_ids_round_trip(any_es: Elasticsearch, doc_id: str) -> None:
    response = any_es.index(index="docs", id=doc_id, document={"v": 1}, refresh=True)
    assert response["_id"] == doc_id
    got = any_es.get(index="docs", id=doc_id)
    assert got["_id"] == doc_id
    assert got["_source"] == {"v": 1}
    assert any_es.exists(index="docs", id=doc_id)
    assert any_es.get_source(index="docs", id=doc_id) == {"v": 1}
    hits = any_es.search(index="docs", query={"ids": {"values": [doc_id]}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == [doc_id]
    updated = any_es.update(index="docs", id=doc_id, doc={"v": 2})
    assert updated["_id"] == doc_id
    assert any_es.delete(index="docs", id=doc_id)["result"] == "deleted"
    assert not any_es.exists(index="docs", id=doc_id)


def test_an_id_longer_than_512_bytes_is_refused(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        es.index(index="docs", id="é" * 257, document={"v": 1})
    error = error_of(exc)
    assert error["type"] == "action_request_validation_exception"
    assert "must be no longer than 512 bytes but was: 514" in error["reason"]


# Get, exists, get_source


def test_get_found_and_missing(any_es: Elasticsearch) -> None:
    written = any_es.index(index="docs", id="1", document={"title": "hello", "n": 1})
    got = any_es.get(index="docs", id="1")
    assert got.meta.status == 200
    assert got.body == {
        "_index": "docs",
        "_id": "1",
        "_version": 1,
        "_seq_no": written["_seq_no"],
        "_primary_term": 1,
        "found": True,
        "_source": {"title": "hello", "n": 1},
    }

    with pytest.raises(NotFoundError) as exc:
        any_es.get(index="docs", id="missing")
    assert exc.value.meta.status == 404
    assert exc.value.body == {"_index": "docs", "_id": "missing", "found": False}

    with pytest.raises(NotFoundError) as exc:
        any_es.get(index="no-such-index", id="1")
    error = error_of(exc)
    assert error["type"] == "index_not_found_exception"
    assert error["reason"] == "no such index [no-such-index]"
    assert error["index"] == "no-such-index"


def test_exists_and_exists_source(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="1", document={"a": 1})
    assert any_es.exists(index="docs", id="1")
    assert not any_es.exists(index="docs", id="2")
    assert not any_es.exists(index="no-such-index", id="1")
    assert any_es.exists_source(index="docs", id="1")
    assert not any_es.exists_source(index="docs", id="2")


def test_get_source(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="1", document={"a": 1, "b": {"c": 2, "d": 3}})
    assert any_es.get_source(index="docs", id="1") == {"a": 1, "b": {"c": 2, "d": 3}}
    assert any_es.get_source(index="docs", id="1", source_includes=["b.c"]) == {"b": {"c": 2}}
    assert any_es.get_source(index="docs", id="1", source_excludes=["b"]) == {"a": 1}
    with pytest.raises(NotFoundError) as exc:
        any_es.get_source(index="docs", id="2")
    error = error_of(exc)
    assert error["type"] == "resource_not_found_exception"
    assert error["reason"] == "Document not found [docs]/[2]"
    with pytest.raises(NotFoundError) as exc:
        any_es.get_source(index="no-such-index", id="1")
    assert error_of(exc)["type"] == "index_not_found_exception"


def test_source_filtering_on_get(any_es: Elasticsearch) -> None:
    source = {"title": "t", "meta": {"author": "a", "tags": ["x", "y"]}, "n": 1}
    any_es.index(index="docs", id="1", document=source)

    assert "_source" not in any_es.get(index="docs", id="1", source=False)
    assert any_es.get(index="docs", id="1", source=["title", "n"])["_source"] == {
        "title": "t",
        "n": 1,
    }
    includes = any_es.get(index="docs", id="1", source_includes=["meta.*"])
    assert includes["_source"] == {"meta": {"author": "a", "tags": ["x", "y"]}}
    excludes = any_es.get(index="docs", id="1", source_excludes=["meta.author", "n"])
    assert excludes["_source"] == {"title": "t", "meta": {"tags": ["x", "y"]}}
    both = any_es.get(index="docs", id="1", source_includes=["meta"], source_excludes=["meta.tags"])
    assert both["_source"] == {"meta": {"author": "a"}}


def test_source_filtering_on_mget(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="1", document={"a": 1, "b": 2, "c": {"d": 3}})
    docs = any_es.mget(
        index="docs",
        docs=[
            {"_id": "1", "_source": ["a"]},
            {"_id": "1", "_source": False},
            {"_id": "1", "_source": {"includes": ["c.*"]}},
            {"_id": "1", "_source": {"excludes": ["a", "c"]}},
            {"_id": "1"},
        ],
    )["docs"]
    assert docs[0]["_source"] == {"a": 1}
    assert "_source" not in docs[1] and docs[1]["found"] is True
    assert docs[2]["_source"] == {"c": {"d": 3}}
    assert docs[3]["_source"] == {"b": 2}
    assert docs[4]["_source"] == {"a": 1, "b": 2, "c": {"d": 3}}

    filtered = any_es.mget(index="docs", ids=["1"], source_excludes=["b", "c"])["docs"]
    assert filtered[0]["_source"] == {"a": 1}


# Update


def test_partial_update_merges_objects_and_replaces_arrays(any_es: Elasticsearch) -> None:
    any_es.index(
        index="docs",
        id="1",
        document={"name": "n", "tags": ["a", "b"], "meta": {"x": 1, "inner": {"y": 2, "z": 3}}},
    )
    response = any_es.update(
        index="docs",
        id="1",
        doc={"tags": ["c"], "meta": {"inner": {"y": 20}, "new": True}, "added": "v"},
    )
    assert response.meta.status == 200
    assert response["result"] == "updated"
    assert response["_version"] == 2
    assert "get" not in response
    assert any_es.get_source(index="docs", id="1") == {
        "name": "n",
        "tags": ["c"],
        "meta": {"x": 1, "inner": {"y": 20, "z": 3}, "new": True},
        "added": "v",
    }


def test_update_detects_noops(any_es: Elasticsearch) -> None:
    first = any_es.index(index="docs", id="1", document={"a": 1, "o": {"b": 2}})
    noop = any_es.update(index="docs", id="1", doc={"a": 1, "o": {"b": 2}})
    assert noop.meta.status == 200
    assert noop["result"] == "noop"
    assert noop["_version"] == 1
    assert noop["_seq_no"] == first["_seq_no"]
    assert noop["_shards"] == {"total": 0, "successful": 0, "failed": 0}
    assert any_es.get(index="docs", id="1")["_version"] == 1

    forced = any_es.update(index="docs", id="1", doc={"a": 1}, detect_noop=False)
    assert forced["result"] == "updated"
    assert forced["_version"] == 2
    assert forced["_seq_no"] > first["_seq_no"]


def test_doc_as_upsert_and_upsert(any_es: Elasticsearch) -> None:
    created = any_es.update(index="docs", id="1", doc={"a": 1}, doc_as_upsert=True)
    assert created.meta.status == 201
    assert created["result"] == "created"
    assert created["_version"] == 1
    merged = any_es.update(index="docs", id="1", doc={"b": 2}, doc_as_upsert=True)
    assert merged["result"] == "updated"
    assert any_es.get_source(index="docs", id="1") == {"a": 1, "b": 2}

    # With ``upsert``, a missing document gets the upsert body and the partial doc is ignored.
    inserted = any_es.update(index="docs", id="2", doc={"x": "doc"}, upsert={"x": "upsert"})
    assert inserted["result"] == "created"
    assert any_es.get_source(index="docs", id="2") == {"x": "upsert"}
    applied = any_es.update(index="docs", id="2", doc={"x": "doc"}, upsert={"x": "upsert"})
    assert applied["result"] == "updated"
    assert any_es.get_source(index="docs", id="2") == {"x": "doc"}


def test_update_can_return_the_updated_source(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="1", document={"a": 1, "b": 2})
    response = any_es.update(index="docs", id="1", doc={"a": 10}, source=True)
    assert response["get"]["found"] is True
    assert response["get"]["_source"] == {"a": 10, "b": 2}
    response = any_es.update(index="docs", id="1", doc={"a": 11}, source_includes=["b"])
    assert response["get"]["_source"] == {"b": 2}


def test_scripted_updates(any_es: Elasticsearch) -> None:
    script = {"source": "ctx._source.counter += params.n", "params": {"n": 5}}
    created = any_es.update(index="docs", id="1", script=script, upsert={"counter": 1})
    assert created["result"] == "created"
    assert any_es.get_source(index="docs", id="1") == {"counter": 1}

    updated = any_es.update(index="docs", id="1", script=script)
    assert updated["result"] == "updated"
    assert updated["_version"] == 2
    assert any_es.get_source(index="docs", id="1") == {"counter": 6}

    noop = any_es.update(index="docs", id="1", script={"source": "ctx.op = 'noop'"})
    assert noop["result"] == "noop"
    assert noop["_version"] == 2

    deleted = any_es.update(index="docs", id="1", script={"source": "ctx.op = 'delete'"})
    assert deleted.meta.status == 200
    assert deleted["result"] == "deleted"
    assert deleted["_version"] == 3
    assert not any_es.exists(index="docs", id="1")


def test_update_of_a_missing_document(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="docs")
    with pytest.raises(NotFoundError) as exc:
        any_es.update(index="docs", id="missing", doc={"a": 1})
    assert exc.value.meta.status == 404
    error = error_of(exc)
    assert error["type"] == "document_missing_exception"
    assert error["reason"] == "[missing]: document missing"
    assert error["index"] == "docs"
    assert not any_es.exists(index="docs", id="missing")


# Optimistic concurrency and versions


def test_if_seq_no_and_if_primary_term(any_es: Elasticsearch) -> None:
    first = any_es.index(index="docs", id="1", document={"v": 1})
    seq_no, term = first["_seq_no"], first["_primary_term"]

    second = any_es.index(
        index="docs", id="1", document={"v": 2}, if_seq_no=seq_no, if_primary_term=term
    )
    assert second["result"] == "updated"

    with pytest.raises(ConflictError) as exc:
        any_es.index(
            index="docs", id="1", document={"v": 3}, if_seq_no=seq_no, if_primary_term=term
        )
    error = error_of(exc)
    assert error["type"] == "version_conflict_engine_exception"
    assert error["reason"] == (
        f"[1]: version conflict, required seqNo [{seq_no}], primary term [{term}]. current "
        f"document has seqNo [{second['_seq_no']}] and primary term [1]"
    )
    with pytest.raises(ConflictError):
        any_es.index(
            index="docs",
            id="1",
            document={"v": 3},
            if_seq_no=second["_seq_no"],
            if_primary_term=term + 1,
        )

    # Update: a stale seq_no fails, the current one succeeds.
    with pytest.raises(ConflictError):
        any_es.update(index="docs", id="1", doc={"v": 4}, if_seq_no=seq_no, if_primary_term=term)
    third = any_es.update(
        index="docs", id="1", doc={"v": 4}, if_seq_no=second["_seq_no"], if_primary_term=term
    )
    assert third["result"] == "updated"

    # Delete: likewise.
    with pytest.raises(ConflictError):
        any_es.delete(index="docs", id="1", if_seq_no=second["_seq_no"], if_primary_term=term)
    assert any_es.get_source(index="docs", id="1") == {"v": 4}
    deleted = any_es.delete(index="docs", id="1", if_seq_no=third["_seq_no"], if_primary_term=term)
    assert deleted["result"] == "deleted"


def test_external_versions(any_es: Elasticsearch) -> None:
    created = any_es.index(
        index="docs", id="1", document={"v": 1}, version=5, version_type="external"
    )
    assert created["result"] == "created"
    assert created["_version"] == 5

    for version in (4, 5):
        with pytest.raises(ConflictError) as exc:
            any_es.index(
                index="docs", id="1", document={"v": 2}, version=version, version_type="external"
            )
        assert error_of(exc)["reason"] == (
            f"[1]: version conflict, current version [5] is higher or equal to the one "
            f"provided [{version}]"
        )
    higher = any_es.index(
        index="docs", id="1", document={"v": 3}, version=10, version_type="external"
    )
    assert higher["_version"] == 10

    # external_gte accepts an equal version and refuses a lower one.
    equal = any_es.index(
        index="docs", id="1", document={"v": 4}, version=10, version_type="external_gte"
    )
    assert equal["result"] == "updated"
    assert equal["_version"] == 10
    with pytest.raises(ConflictError) as exc:
        any_es.index(
            index="docs", id="1", document={"v": 5}, version=9, version_type="external_gte"
        )
    assert "current version [10] is higher than the one provided [9]" in error_of(exc)["reason"]
    assert any_es.get(index="docs", id="1")["_source"] == {"v": 4}


def test_internal_version_is_not_for_concurrency_control(es: Elasticsearch) -> None:
    es.index(index="docs", id="1", document={"v": 1})
    with pytest.raises(BadRequestError) as exc:
        es.index(index="docs", id="1", document={"v": 2}, version=1)
    error = error_of(exc)
    assert error["type"] == "action_request_validation_exception"
    assert error["reason"].startswith(
        "Validation Failed: 1: internal versioning can not be used for optimistic concurrency "
        "control."
    )


# Routing


def test_routing_is_stored_and_returned(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="1", document={"a": 1}, routing="user-1", refresh=True)
    got = any_es.get(index="docs", id="1", routing="user-1")
    assert got["_routing"] == "user-1"
    hit = any_es.search(index="docs")["hits"]["hits"][0]
    assert hit["_routing"] == "user-1"
    mget = any_es.mget(docs=[{"_index": "docs", "_id": "1", "routing": "user-1"}])
    assert mget["docs"][0]["_routing"] == "user-1"
    # Without routing the document has no ``_routing``.
    any_es.index(index="docs", id="2", document={"a": 2})
    assert "_routing" not in any_es.get(index="docs", id="2")


def test_required_routing(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="routed", mappings={"_routing": {"required": True}})

    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="routed", id="1", document={"a": 1})
    error = error_of(exc)
    assert error["type"] == "routing_missing_exception"
    assert error["reason"] == "routing is required for [routed]/[1]"

    any_es.index(index="routed", id="1", document={"a": 1}, routing="r")
    assert any_es.get(index="routed", id="1", routing="r")["_source"] == {"a": 1}
    for call in (
        lambda: any_es.get(index="routed", id="1"),
        lambda: any_es.update(index="routed", id="1", doc={"a": 2}),
        lambda: any_es.delete(index="routed", id="1"),
    ):
        with pytest.raises(BadRequestError) as exc:
            call()
        assert error_of(exc)["type"] == "routing_missing_exception"
    assert any_es.get_source(index="routed", id="1", routing="r") == {"a": 1}

    mget = any_es.mget(index="routed", docs=[{"_id": "1"}, {"_id": "1", "routing": "r"}])["docs"]
    assert mget[0]["error"]["type"] == "routing_missing_exception"
    assert mget[1]["found"] is True

    bulk = any_es.bulk(
        operations=[
            {"index": {"_index": "routed", "_id": "2"}},
            {"a": 2},
            {"index": {"_index": "routed", "_id": "3", "routing": "r"}},
            {"a": 3},
        ]
    )
    assert bulk["errors"] is True
    assert bulk["items"][0]["index"]["status"] == 400
    assert bulk["items"][0]["index"]["error"]["type"] == "routing_missing_exception"
    assert bulk["items"][1]["index"]["status"] == 201


# Delete


def test_delete_found_and_missing(any_es: Elasticsearch) -> None:
    written = any_es.index(index="docs", id="1", document={"a": 1})
    deleted = any_es.delete(index="docs", id="1")
    assert deleted.meta.status == 200
    assert deleted["result"] == "deleted"
    assert deleted["_version"] == 2
    assert deleted["_seq_no"] > written["_seq_no"]
    assert not any_es.exists(index="docs", id="1")

    with pytest.raises(NotFoundError) as exc:
        any_es.delete(index="docs", id="1")
    assert exc.value.meta.status == 404
    assert exc.value.body["result"] == "not_found"
    assert exc.value.body["_id"] == "1"
    assert exc.value.body["_index"] == "docs"

    with pytest.raises(NotFoundError) as exc:
        any_es.delete(index="no-such-index", id="1")
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert not any_es.indices.exists(index="no-such-index")

    # A deleted id can be indexed again: a new document, version 1.
    again = any_es.index(index="docs", id="1", document={"a": 2})
    assert again["result"] == "created"


# Multi get


def test_mget_by_docs_and_ids(any_es: Elasticsearch) -> None:
    any_es.index(index="one", id="1", document={"n": 1})
    any_es.index(index="two", id="1", document={"n": 2})

    docs = any_es.mget(
        docs=[
            {"_index": "one", "_id": "1"},
            {"_index": "two", "_id": "1"},
            {"_index": "one", "_id": "missing"},
            {"_index": "no-such-index", "_id": "1"},
        ]
    )["docs"]
    assert [d.get("_source") for d in docs[:2]] == [{"n": 1}, {"n": 2}]
    assert docs[0]["found"] is True and docs[0]["_version"] == 1
    assert docs[2] == {"_index": "one", "_id": "missing", "found": False}
    assert docs[3]["_index"] == "no-such-index"
    assert docs[3]["_id"] == "1"
    assert docs[3]["error"]["type"] == "index_not_found_exception"
    assert docs[3]["error"]["reason"] == "no such index [no-such-index]"

    by_ids = any_es.mget(index="one", ids=["1", "missing"])["docs"]
    assert by_ids[0]["_source"] == {"n": 1}
    assert by_ids[1]["found"] is False


def test_mget_without_documents_is_a_validation_error(es: Elasticsearch) -> None:
    es.indices.create(index="docs")
    with pytest.raises(BadRequestError) as exc:
        es.mget(index="docs", docs=[])
    assert error_of(exc)["type"] == "action_request_validation_exception"
    with pytest.raises(BadRequestError) as exc:
        es.mget(docs=[{"_id": "1"}])
    assert error_of(exc)["reason"] == "Validation Failed: 1: index is missing for doc 0;"


# Bulk


def test_bulk_with_every_action(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="to-update", document={"n": 1})
    any_es.index(index="docs", id="to-delete", document={"n": 1})
    response = any_es.bulk(
        operations=[
            {"index": {"_index": "docs", "_id": "a"}},
            {"n": 1},
            {"create": {"_index": "docs", "_id": "b"}},
            {"n": 2},
            {"update": {"_index": "docs", "_id": "to-update"}},
            {"doc": {"n": 2}},
            {"delete": {"_index": "docs", "_id": "to-delete"}},
            {"index": {"_index": "docs"}},
            {"n": 3},
        ]
    )
    assert response.meta.status == 200
    assert response["errors"] is False
    assert isinstance(response["took"], int)
    actions = [next(iter(item)) for item in response["items"]]
    assert actions == ["index", "create", "update", "delete", "index"]
    results = [next(iter(item.values())) for item in response["items"]]
    assert [r["status"] for r in results] == [201, 201, 200, 200, 201]
    assert [r["result"] for r in results] == ["created", "created", "updated", "deleted", "created"]
    assert results[2]["_version"] == 2
    assert len(results[4]["_id"]) == 20
    seq_nos = [r["_seq_no"] for r in results]
    assert seq_nos == sorted(seq_nos) and len(set(seq_nos)) == 5

    assert any_es.get_source(index="docs", id="to-update") == {"n": 2}
    assert not any_es.exists(index="docs", id="to-delete")
    assert any_es.get_source(index="docs", id="b") == {"n": 2}


def test_bulk_item_failures_leave_their_neighbours_alone(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="docs", mappings={"properties": {"n": {"type": "long"}}})
    any_es.index(index="docs", id="taken", document={"n": 0})
    response = any_es.bulk(
        index="docs",
        operations=[
            {"index": {"_id": "ok-1"}},
            {"n": 1},
            {"index": {"_id": "bad-type"}},
            {"n": "not a number"},
            {"create": {"_id": "taken"}},
            {"n": 2},
            {"update": {"_id": "missing"}},
            {"doc": {"n": 3}},
            {"delete": {"_id": "missing"}},
            {"index": {"_id": "ok-2"}},
            {"n": 4},
        ],
    )
    assert response["errors"] is True
    items = [next(iter(item.values())) for item in response["items"]]
    assert [i["status"] for i in items] == [201, 400, 409, 404, 404, 201]

    bad_type = items[1]
    assert bad_type["_id"] == "bad-type"
    assert bad_type["error"]["type"] == "document_parsing_exception"
    # (Elasticsearch prefixes the reason with the position in the source, as "[1:6] ".)
    reason = bad_type["error"]["reason"]
    assert "failed to parse field [n] of type [long] in document with id 'bad-type'." in reason
    assert items[2]["error"]["type"] == "version_conflict_engine_exception"
    assert items[3]["error"]["type"] == "document_missing_exception"
    # A delete of a missing document is not a failure: it has a result, not an error.
    assert items[4]["result"] == "not_found"
    assert "error" not in items[4]

    any_es.indices.refresh(index="docs")
    assert {h["_id"] for h in any_es.search(index="docs")["hits"]["hits"]} == {
        "taken",
        "ok-1",
        "ok-2",
    }
    assert any_es.get_source(index="docs", id="taken") == {"n": 0}


def test_a_malformed_action_line_fails_the_whole_bulk(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.bulk(
            operations=[
                {"index": {"_index": "docs", "_id": "1"}},
                {"n": 1},
                {"explode": {"_index": "docs", "_id": "2"}},
                {"n": 2},
            ]
        )
    error = error_of(exc)
    assert error["type"] == "illegal_argument_exception"
    assert error["reason"] == (
        "Malformed action/metadata line [3], expected field [create], [delete], [index] or "
        "[update] but found [explode]"
    )
    # Nothing of the request ran: not even the valid first item (nor the index creation).
    assert not any_es.indices.exists(index="docs")

    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "POST",
            "/_bulk",
            headers={"content-type": "application/x-ndjson", "accept": "application/json"},
            body=b'{"index": {"_index": "docs"}}\n{"n": 1}\nnot json at all\n',
        )
    assert exc.value.meta.status == 400
    assert "Malformed action/metadata line [3]" in error_of(exc)["reason"]
    assert not any_es.indices.exists(index="docs")


def test_bulk_refresh(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="docs", settings={"refresh_interval": "-1"})
    forced = any_es.bulk(
        operations=[{"index": {"_index": "docs", "_id": "1"}}, {"n": 1}], refresh=True
    )
    assert forced["items"][0]["index"]["forced_refresh"] is True
    assert total(any_es, "docs") == 1

    waited = any_es.bulk(
        operations=[{"index": {"_index": "docs", "_id": "2"}}, {"n": 2}], refresh="wait_for"
    )
    assert "forced_refresh" not in waited["items"][0]["index"]
    assert total(any_es, "docs") == 2

    unrefreshed = any_es.bulk(operations=[{"index": {"_index": "docs", "_id": "3"}}, {"n": 3}])
    assert "forced_refresh" not in unrefreshed["items"][0]["index"]
    assert total(any_es, "docs") == 2


def test_bulk_require_alias(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="concrete", aliases={"writer": {}})
    response = any_es.bulk(
        operations=[
            {"index": {"_index": "concrete", "_id": "1"}},
            {"n": 1},
            {"index": {"_index": "writer", "_id": "2"}},
            {"n": 2},
            {"index": {"_index": "nowhere", "_id": "3"}},
            {"n": 3},
        ],
        require_alias=True,
    )
    items = [item["index"] for item in response["items"]]
    assert response["errors"] is True
    assert items[0]["status"] == 404
    assert items[0]["error"]["type"] == "index_not_found_exception"
    assert items[0]["error"]["reason"] == (
        "no such index [concrete] and [require_alias] request flag is [true] and [concrete] is "
        "not an alias"
    )
    assert items[1]["status"] == 201
    assert items[1]["_index"] == "concrete"
    assert items[2]["status"] == 404
    assert not any_es.indices.exists(index="nowhere")


# Refresh


def test_unrefreshed_writes_are_visible_to_realtime_get_only(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="docs", settings={"refresh_interval": "-1"})
    any_es.index(index="docs", id="1", document={"title": "fresh"})

    assert total(any_es, "docs") == 0
    assert any_es.count(index="docs")["count"] == 0
    assert any_es.get(index="docs", id="1")["_source"] == {"title": "fresh"}
    with pytest.raises(NotFoundError):
        any_es.get(index="docs", id="1", realtime=False)
    # get with refresh=true refreshes first.
    assert any_es.get(index="docs", id="1", realtime=False, refresh=True)["found"] is True

    any_es.index(index="docs", id="2", document={"title": "later"})
    any_es.delete(index="docs", id="1")
    assert total(any_es, "docs") == 1  # still the refreshed view: doc 1, not doc 2
    assert not any_es.exists(index="docs", id="1")  # realtime sees the delete

    refreshed = any_es.indices.refresh(index="docs")
    assert refreshed["_shards"]["failed"] == 0
    hits = any_es.search(index="docs")["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["2"]
    assert any_es.get(index="docs", id="2", realtime=False)["found"] is True


def test_writes_become_searchable_within_the_refresh_interval(any_es: Elasticsearch) -> None:
    any_es.index(index="docs", id="1", document={"title": "soon"})  # default interval: 1s
    deadline = time.monotonic() + 3
    while total(any_es, "docs") == 0:
        assert time.monotonic() < deadline, "not searchable within 3 seconds"
        time.sleep(0.05)


def test_the_refresh_thread_wakes_when_an_index_falls_due() -> None:
    """A write in a new index's first interval is searchable as the interval ends, not up to a
    poll later: a client that waits out refresh_interval finds it, as on Elasticsearch
    (django-opensearch-dsl's test_index_not_refresh sleeps one second, then counts)."""
    engine = Engine(refresh_thread=False)
    try:
        engine.create_index("never", {"settings": {"refresh_interval": "-1"}})
        index = engine.create_index("docs", {"settings": {"refresh_interval": "1s"}})
        due = index.refresh_due()
        assert due is not None and due == index.last_refresh + 1
        assert engine.until_refresh_due(due - 1) == REFRESH_POLL  # a poll from now
        assert engine.until_refresh_due(due - 0.02) == pytest.approx(0.02)  # the end, exactly
        assert engine.until_refresh_due(due + 0.001) == REFRESH_POLL  # passed: polled
        assert not index.due_for_refresh(due)  # nothing written
        index.index("1", b'{"title": "soon"}', {"title": "soon"})
        assert not index.due_for_refresh(due - 0.001)
        assert index.due_for_refresh(due)
    finally:
        engine.close()


def test_a_search_sees_the_refresh_that_fell_due_before_it() -> None:
    """Without waiting for the refresh thread (none here), which may be a few ms into it."""
    engine = Engine(refresh_thread=False)
    try:
        engine.create_index("docs", {"settings": {"refresh_interval": "300ms"}})

        def count() -> int:
            response = engine.handle(Request.from_target("POST", "/docs/_count"))
            return orjson.loads(response.body)["count"]

        engine.handle(Request.from_target("PUT", "/docs/_doc/1", b'{"title": "soon"}'))
        assert count() == 0  # the interval has not ended
        time.sleep(0.35)
        assert count() == 1
    finally:
        engine.close()


def test_refresh_true_forces_a_refresh(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="docs", settings={"refresh_interval": "-1"})
    indexed = any_es.index(index="docs", id="1", document={"a": 1}, refresh=True)
    assert indexed["forced_refresh"] is True
    assert total(any_es, "docs") == 1

    updated = any_es.update(index="docs", id="1", doc={"a": 2}, refresh=True)
    assert updated["forced_refresh"] is True
    assert total(any_es, "docs", {"term": {"a": 2}}) == 1

    waited = any_es.index(index="docs", id="2", document={"a": 3}, refresh="wait_for")
    assert "forced_refresh" not in waited
    assert total(any_es, "docs") == 2

    plain = any_es.index(index="docs", id="3", document={"a": 4})
    assert "forced_refresh" not in plain
    assert total(any_es, "docs") == 2

    deleted = any_es.delete(index="docs", id="1", refresh=True)
    assert deleted["forced_refresh"] is True
    assert total(any_es, "docs") == 2  # 3 became visible, 1 went away


def test_source_keeps_integers_beyond_64_bits_exactly(any_es: Elasticsearch) -> None:
    """_source comes back as sent, even numbers no 64-bit type holds (a keyword field here)."""
    huge = 123456789012345678901234567890
    any_es.indices.create(index="big", mappings={"properties": {"n": {"type": "keyword"}}})
    any_es.index(index="big", id="1", document={"n": huge}, refresh=True)
    assert any_es.get(index="big", id="1")["_source"]["n"] == huge
    hit = any_es.search(index="big", query={"term": {"n": str(huge)}})["hits"]["hits"][0]
    assert hit["_source"]["n"] == huge


def test_a_lone_surrogate_is_refused_clearly(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as error:
        es.index(index="text", id="1", document={"t": "bad \ud800 text"})
    assert error.value.body["error"]["type"] == "document_parsing_exception"
    assert "[t]" in error.value.body["error"]["reason"]
    es.index(index="text", id="2", document={"t": "good"}, refresh=True)
    assert es.count(index="text")["count"] == 1


def test_arrays_of_arrays_of_objects_are_one_flat_array(any_es: Elasticsearch) -> None:
    """Elasticsearch flattens nested arrays: the objects inside map under the object's own
    path, whatever the depth of the arrays and whether the field was seen before."""
    any_es.indices.create(index="t", mappings={"properties": {"o": {"type": "object"}}})
    any_es.index(index="t", id="1", document={"o": [{"o": 1}, [{"o": 2}]]})
    any_es.index(index="t", id="2", document={"o": [[{"p": "x"}]]}, refresh=True)
    properties = any_es.indices.get_mapping(index="t")["t"]["mappings"]["properties"]
    assert set(properties["o"]["properties"]) == {"o", "p"}
    assert any_es.count(index="t", query={"term": {"o.o": 2}})["count"] == 1
    assert any_es.count(index="t", query={"term": {"o.p": "x"}})["count"] == 1
