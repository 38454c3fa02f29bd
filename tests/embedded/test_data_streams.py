"""Data streams, rollover and the task list through the stock client, in-process and over HTTP,
answered (errors included) as Elasticsearch 9 answers them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    helpers,
)

from djangoes_backends_embedded import client as embedded_client
from djangoes_engine.engines import close_engine


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def backing(stream: str, generation: int) -> re.Pattern[str]:
    return re.compile(rf"\.ds-{re.escape(stream)}-\d{{4}}\.\d{{2}}\.\d{{2}}-{generation:06d}")


def logs_template(es: Elasticsearch, **data_stream: Any) -> None:
    es.indices.put_index_template(
        name="logs",
        index_patterns=["logs-*"],
        data_stream=data_stream,
        template={
            "settings": {"number_of_replicas": 0},
            "mappings": {"properties": {"message": {"type": "text"}}},
        },
        _meta={"owner": "tests"},
    )


def stream_info(es: Elasticsearch, name: str) -> dict[str, Any]:
    found = es.indices.get_data_stream(name=name)["data_streams"]
    assert [s["name"] for s in found] == [name]
    return found[0]


def write_index(es: Elasticsearch, name: str) -> str:
    return stream_info(es, name)["indices"][-1]["index_name"]


def doc(message: str = "hello", when: str = "2024-05-01T10:00:00Z") -> dict[str, Any]:
    return {"@timestamp": when, "message": message}


# Create, get, delete


def test_create_get_and_delete_a_data_stream(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    assert es.indices.create_data_stream(name="logs-app") == {"acknowledged": True}
    info = stream_info(es, "logs-app")
    (index,) = info["indices"]
    assert backing("logs-app", 1).fullmatch(index["index_name"])
    assert info == {
        "name": "logs-app",
        "timestamp_field": {"name": "@timestamp"},
        "indices": [
            {
                "index_name": index["index_name"],
                "index_uuid": index["index_uuid"],
                "prefer_ilm": True,
                "managed_by": "Unmanaged",
            }
        ],
        "generation": 1,
        "_meta": {"owner": "tests"},
        "status": "GREEN",
        "template": "logs",
        "next_generation_managed_by": "Unmanaged",
        "prefer_ilm": True,
        "hidden": False,
        "system": False,
        "allow_custom_routing": False,
        "replicated": False,
        "rollover_on_write": False,
        "failure_store": {"enabled": False, "rollover_on_write": True, "indices": []},
    }
    name = index["index_name"]
    # The backing index: hidden, with the template's settings and mappings and a date @timestamp.
    got = es.indices.get(index=name)[name]
    assert got["data_stream"] == "logs-app"
    assert got["settings"]["index"]["hidden"] == "true"
    assert got["settings"]["index"]["number_of_replicas"] == "0"
    assert got["settings"]["index"]["uuid"] == index["index_uuid"]
    assert got["mappings"]["_data_stream_timestamp"] == {"enabled": True}
    assert got["mappings"]["properties"] == {
        "@timestamp": {"type": "date"},
        "message": {"type": "text"},
    }
    # The data stream's name stands for its backing indices in the index APIs.
    assert list(es.indices.get_mapping(index="logs-app")) == [name]
    assert list(es.indices.get_settings(index="logs-app")) == [name]
    assert es.indices.exists(index="logs-app")
    # A dot pattern reaches the hidden backing indices, as Elasticsearch's implicit rule has it.
    assert list(es.indices.get(index=".ds-logs-app-*")) == [name]
    assert list(es.indices.get(index="logs-*")) == [name]

    assert es.indices.delete_data_stream(name="logs-app") == {"acknowledged": True}
    assert es.indices.get_data_stream(name="*") == {"data_streams": []}
    assert not es.indices.exists(index=name, expand_wildcards="all")
    with pytest.raises(NotFoundError) as exc:
        es.indices.get_data_stream(name="logs-app")
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert error_of(exc)["reason"] == "no such index [logs-app]"


def test_a_template_can_map_the_timestamp_as_date_nanos_but_not_as_a_keyword(
    any_es: Elasticsearch,
) -> None:
    es = any_es
    es.indices.put_index_template(
        name="nanos",
        index_patterns=["nanos-*"],
        data_stream={},
        template={"mappings": {"properties": {"@timestamp": {"type": "date_nanos"}}}},
    )
    es.indices.create_data_stream(name="nanos-1")
    name = write_index(es, "nanos-1")
    mapping = es.indices.get_mapping(index=name)[name]["mappings"]
    assert mapping["properties"]["@timestamp"] == {"type": "date_nanos"}
    es.indices.put_index_template(
        name="words",
        index_patterns=["words-*"],
        data_stream={},
        template={"mappings": {"properties": {"@timestamp": {"type": "keyword"}}}},
    )
    with pytest.raises(BadRequestError) as exc:
        es.indices.create_data_stream(name="words-1")
    assert error_of(exc)["reason"] == (
        "data stream timestamp field [@timestamp] is of type [keyword], but [date,date_nanos] "
        "is expected"
    )


def test_create_errors(any_es: Elasticsearch) -> None:
    es = any_es
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["t-*"], data_stream={"x": 1})
    assert error_of(exc)["reason"] == "[index_template] failed to parse field [data_stream]"
    assert error_of(exc)["caused_by"]["reason"] == "[data_stream_template] unknown field [x]"
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(
            name="t", index_patterns=["t-*"], data_stream={"failure_store": True}
        )
    assert "failure store is not supported" in error_of(exc)["reason"]
    with pytest.raises(BadRequestError) as exc:
        es.indices.create_data_stream(name="logs-app")
    assert error_of(exc)["type"] == "illegal_argument_exception"
    assert error_of(exc)["reason"] == "no matching index template found for data stream [logs-app]"
    es.indices.put_index_template(name="plain", index_patterns=["plain-*"])
    with pytest.raises(BadRequestError) as exc:
        es.indices.create_data_stream(name="plain-1")
    assert error_of(exc)["reason"] == (
        "matching index template [plain] for data stream [plain-1] has no data stream template"
    )
    # An index named like a data stream, created before its template: the names clash.
    es.indices.create(index="logs-taken")
    logs_template(es)
    es.indices.create_data_stream(name="logs-app")
    with pytest.raises(BadRequestError) as exc:
        es.indices.create_data_stream(name="logs-app")
    assert error_of(exc)["root_cause"][0]["type"] == "resource_already_exists_exception"
    assert error_of(exc)["reason"] == "data_stream [logs-app] already exists"
    for name, reason in [
        ("logs-bad#name", "data_stream [logs-bad#name] must not contain '#'"),
        ("logs-Upper", "data_stream [logs-Upper] must be lowercase"),
        (".ds-logs-x", "data_stream [.ds-logs-x] must not start with '.ds-'"),
    ]:
        with pytest.raises(BadRequestError) as exc:
            es.indices.create_data_stream(name=name)
        assert error_of(exc)["type"] == "illegal_argument_exception"
        assert error_of(exc)["reason"] == reason
    with pytest.raises(ApiError) as exc:
        es.indices.create_data_stream(name="logs-taken")
    assert exc.value.meta.status == 500
    assert error_of(exc)["type"] == "illegal_state_exception"
    assert error_of(exc)["reason"] == (
        "index, alias, and data stream names need to be unique, but the following duplicates "
        "were found [data stream [logs-taken] conflicts with index]"
    )
    # A template that makes data streams makes nothing else.
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="logs-plain")
    assert error_of(exc)["reason"] == (
        "cannot create index with name [logs-plain], because it matches with template [logs] "
        "that creates data streams only, use create data stream api instead"
    )
    assert [s["name"] for s in es.indices.get_data_stream()["data_streams"]] == ["logs-app"]


def test_get_by_pattern_hidden_streams_and_missing_names(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.put_index_template(
        name="hidden", index_patterns=["secret-*", ".secret-*"], data_stream={"hidden": True}
    )
    for name in ("logs-b", "logs-a", "secret-1", ".secret-2"):
        es.indices.create_data_stream(name=name)

    def names(**kwargs: Any) -> list[str]:
        return [s["name"] for s in es.indices.get_data_stream(**kwargs)["data_streams"]]

    assert names() == ["logs-a", "logs-b"]
    assert names(name="*") == ["logs-a", "logs-b"]
    assert names(name="logs-*,-logs-b") == ["logs-a"]
    assert names(name="*", expand_wildcards="all") == [".secret-2", "logs-a", "logs-b", "secret-1"]
    assert names(name="secret-*") == []
    # A dot pattern shows hidden dot names, as Elasticsearch's implicit hidden rule does.
    assert names(name=".secret-*") == [".secret-2"]
    assert names(name="secret-1") == ["secret-1"]
    assert stream_info(es, "secret-1")["hidden"] is True
    assert names(name="nothing-*") == []
    with pytest.raises(NotFoundError) as exc:
        es.indices.get_data_stream(name="logs-a,nothing")
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert error_of(exc)["reason"] == "no such index [nothing]"


def test_delete_by_wildcard_and_missing_names(any_es: Elasticsearch) -> None:
    es = any_es
    # The elasticsearch-py DSL tests' teardown: nothing to delete is fine.
    assert es.indices.delete_data_stream(name="*") == {"acknowledged": True}
    assert es.indices.delete_data_stream(name="*", expand_wildcards="all") == {"acknowledged": True}
    with pytest.raises(NotFoundError) as exc:
        es.indices.delete_data_stream(name="logs-app")
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert error_of(exc)["reason"] == "no such index [logs-app]"
    logs_template(es)
    for name in ("logs-1", "logs-2"):
        es.indices.create_data_stream(name=name)
    es.indices.create(index="other")
    assert es.indices.delete_data_stream(name="nothing-*") == {"acknowledged": True}
    assert len(es.indices.get_data_stream()["data_streams"]) == 2
    assert es.indices.delete_data_stream(name="logs-*") == {"acknowledged": True}
    assert es.indices.get_data_stream() == {"data_streams": []}
    assert list(es.indices.get(index="*", expand_wildcards="all")) == ["other"]


# Writes


def test_writes_take_only_creates_with_a_timestamp(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es, allow_custom_routing=False)
    es.indices.create_data_stream(name="logs-app")
    first = write_index(es, "logs-app")
    created = es.index(index="logs-app", document=doc(), refresh=True)
    assert created["result"] == "created" and created["_index"] == first
    created = es.index(index="logs-app", id="1", document=doc(), op_type="create")
    assert created["_index"] == first
    created = es.create(index="logs-app", id="2", document=doc())
    assert created["_index"] == first
    only_create = "only write ops with an op_type of create are allowed in data streams"
    for call in (
        lambda: es.index(index="logs-app", id="3", document=doc()),
        lambda: es.index(index="logs-app", document=doc(), op_type="index"),
        lambda: es.delete(index="logs-app", id="1"),
        lambda: es.update(index="logs-app", id="1", doc={"message": "changed"}),
    ):
        with pytest.raises(BadRequestError) as exc:
            call()
        assert error_of(exc)["type"] == "illegal_argument_exception"
        assert error_of(exc)["reason"] == only_create
    with pytest.raises(BadRequestError) as exc:
        es.index(index="logs-app", document={"message": "no time"})
    assert error_of(exc)["type"] == "document_parsing_exception"
    assert error_of(exc)["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "data stream timestamp field [@timestamp] is missing",
    }
    with pytest.raises(BadRequestError) as exc:
        es.index(index="logs-app", document={"@timestamp": ["2020-12-12", "2022-12-12"]})
    assert error_of(exc)["caused_by"]["reason"] == (
        "data stream timestamp field [@timestamp] encountered multiple values"
    )
    with pytest.raises(BadRequestError) as exc:
        es.index(index="logs-app", document=doc(), routing="r")
    assert error_of(exc)["reason"] == (
        "index request targeting data stream [logs-app] specifies a custom routing but the "
        "[allow_custom_routing] setting was not enabled in the data stream's template."
    )


def test_backing_indices_take_updates_and_deletes_but_not_appends(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.create_data_stream(name="logs-app")
    name = write_index(es, "logs-app")
    created = es.create(index="logs-app", id="1", document=doc("first"))
    with pytest.raises(BadRequestError) as exc:
        es.create(index=name, id="2", document=doc())
    assert error_of(exc)["reason"] == (
        "index request with op_type=create targeting backing indices is disallowed, target "
        "corresponding data stream [logs-app] instead"
    )
    with pytest.raises(BadRequestError) as exc:
        es.index(index=name, id="1", document=doc())
    assert error_of(exc)["reason"] == (
        "index request with op_type=index and no if_primary_term and if_seq_no set targeting "
        "backing indices is disallowed, target corresponding data stream [logs-app] instead"
    )
    replaced = es.index(
        index=name,
        id="1",
        document=doc("second"),
        if_seq_no=created["_seq_no"],
        if_primary_term=created["_primary_term"],
    )
    assert replaced["result"] == "updated"
    assert es.get(index=name, id="1")["_source"]["message"] == "second"
    assert es.delete(index=name, id="1")["result"] == "deleted"


def test_bulk_items_follow_the_same_rules(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.create_data_stream(name="logs-app")
    name = write_index(es, "logs-app")
    result = es.bulk(
        operations=[
            {"create": {"_index": name}},
            doc(),
            {"index": {"_index": name}},
            doc(),
            {"create": {"_index": "logs-app"}},
            doc(),
            {"index": {"_index": "logs-app"}},
            doc(),
            {"create": {"_index": "logs-app"}},
            {"message": "no time"},
            {"delete": {"_index": "logs-app", "_id": "1"}},
        ],
        refresh=True,
    )
    assert result["errors"] is True
    items = [next(iter(item.values())) for item in result["items"]]
    assert [item["status"] for item in items] == [400, 400, 201, 400, 400, 400]
    assert items[0]["error"]["reason"].startswith("index request with op_type=create targeting")
    assert items[1]["error"]["reason"].startswith("index request with op_type=index and no")
    assert items[2]["_index"] == name
    assert items[3]["error"]["reason"] == (
        "only write ops with an op_type of create are allowed in data streams"
    )
    assert items[4]["error"]["caused_by"]["reason"] == (
        "data stream timestamp field [@timestamp] is missing"
    )
    assert items[5]["error"]["reason"] == (
        "only write ops with an op_type of create are allowed in data streams"
    )
    assert es.count(index="logs-app")["count"] == 1


def test_writes_create_the_data_stream_a_template_asks_for(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    created = es.index(index="logs-auto", document=doc())
    assert backing("logs-auto", 1).fullmatch(created["_index"])
    assert stream_info(es, "logs-auto")["template"] == "logs"
    result = es.bulk(operations=[{"create": {"_index": "logs-bulk"}}, doc()], refresh=True)
    assert result["errors"] is False
    assert backing("logs-bulk", 1).fullmatch(result["items"][0]["create"]["_index"])
    # Other names still make plain indices.
    es.index(index="plain", id="1", document={"a": 1})
    assert [s["name"] for s in es.indices.get_data_stream()["data_streams"]] == [
        "logs-auto",
        "logs-bulk",
    ]


def test_the_templates_default_pipeline_runs_on_writes_to_the_data_stream(
    any_es: Elasticsearch,
) -> None:
    es = any_es
    es.ingest.put_pipeline(id="tag", processors=[{"set": {"field": "tagged", "value": True}}])
    es.indices.put_index_template(
        name="piped",
        index_patterns=["piped-*"],
        data_stream={},
        template={"settings": {"index.default_pipeline": "tag"}},
    )
    es.indices.create_data_stream(name="piped-1")
    created = es.index(index="piped-1", document=doc(), refresh=True)
    assert es.get(index=created["_index"], id=created["_id"])["_source"]["tagged"] is True


def test_require_data_stream(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    assert es.index(index="logs-required", document=doc(), require_data_stream=True)
    with pytest.raises(NotFoundError) as exc:
        es.index(index="plain-new", document=doc(), require_data_stream=True)
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert error_of(exc)["reason"] == (
        "no such index [plain-new] and the index creation request requires a data stream, but "
        "no matching index template with data stream template was found for it"
    )
    es.index(index="plain-old", document={"a": 1})
    with pytest.raises(NotFoundError) as exc:
        es.index(index="plain-old", document={"a": 1}, require_data_stream=True)
    assert error_of(exc)["type"] == "resource_not_found_exception"
    assert error_of(exc)["reason"] == (
        "[require_data_stream] request flag is [true] and [plain-old] is not a data stream"
    )
    result = es.bulk(
        operations=[
            {"index": {"_index": "never-created"}},
            {"f": 1},
            {"index": {"_index": "plain-bulk", "require_data_stream": False}},
            {"f": 2},
            {"index": {"_index": "logs-bulk", "op_type": "create"}},
            doc(),
        ],
        require_data_stream=True,
    )
    statuses = [next(iter(item.values()))["status"] for item in result["items"]]
    assert statuses == [404, 201, 201]
    assert not es.indices.exists(index="never-created")


def test_helpers_reindex_into_a_data_stream(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    helpers.bulk(es, ({"_index": "source", **doc(str(n))} for n in range(5)), refresh=True)
    es.indices.create_data_stream(name="logs-copy")
    # helpers.reindex asks whether the target is a data stream, and writes with op_type create.
    assert helpers.reindex(es, "source", "logs-copy") == (5, 0)
    es.indices.refresh(index="logs-copy")
    assert es.count(index="logs-copy")["count"] == 5


def test_reindex_and_update_by_query(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.index(index="old-logs", id="1", document=doc("old"), refresh=True)
    # As in Elasticsearch's data stream tests: op_type create, the data stream made on the way.
    copied = es.reindex(
        source={"index": "old-logs"}, dest={"index": "logs-new", "op_type": "create"}, refresh=True
    )
    assert copied["created"] == 1 and copied["failures"] == []
    hits = es.search(index="logs-new")["hits"]["hits"]
    assert backing("logs-new", 1).fullmatch(hits[0]["_index"])
    es.index(index="old-logs", id="2", document=doc("older"), refresh=True)
    # Without op_type create each bulk item of the batch fails, as in Elasticsearch: the
    # reindex reports them (its status theirs) and writes nothing.
    with pytest.raises(BadRequestError) as exc:
        es.reindex(source={"index": "old-logs"}, dest={"index": "logs-new"})
    refused = exc.value.body
    assert refused["total"] == 2 and refused["created"] == 0
    assert sorted(f["id"] for f in refused["failures"]) == ["1", "2"]
    assert {f["status"] for f in refused["failures"]} == {400}
    assert refused["failures"][0]["cause"]["reason"] == (
        "only write ops with an op_type of create are allowed in data streams"
    )
    assert es.count(index="logs-new")["count"] == 1
    es.delete(index="old-logs", id="2", refresh=True)
    # By-query writes go to the backing indices, which take them.
    updated = es.update_by_query(
        index="logs-new", script={"source": "ctx._source.message = 'changed'"}, refresh=True
    )
    assert updated["updated"] == 1
    assert es.search(index="logs-new")["hits"]["hits"][0]["_source"]["message"] == "changed"
    assert es.delete_by_query(index="logs-new", query={"match_all": {}})["deleted"] == 1


# Reads through the data stream's name


def test_reads_by_the_data_stream_name(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.put_index_template(
        name="hidden", index_patterns=["secret-*"], data_stream={"hidden": True}
    )
    for n in range(3):
        es.create(index="logs-app", id=str(n), document=doc(f"line {n}"))
    es.create(index="secret-1", id="s", document=doc("secret"))
    assert es.indices.refresh(index="logs-app")["_shards"]["successful"] == 1
    es.indices.refresh(index="secret-1")
    # Documents are read by id from the backing index, not the data stream.
    with pytest.raises(NotFoundError) as exc:
        es.get(index="logs-app", id="1")
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert error_of(exc)["excluded_ds"] == "true"
    assert es.get(index=write_index(es, "logs-app"), id="1")["found"] is True
    assert es.count(index="logs-app")["count"] == 3
    hits = es.search(index="logs-app", query={"match": {"message": "line"}})["hits"]
    assert hits["total"]["value"] == 3
    assert {h["_index"] for h in hits["hits"]} == {write_index(es, "logs-app")}
    # Wildcards and _all reach visible data streams, not hidden ones (unless asked).
    assert es.count(index="logs-*")["count"] == 3
    assert es.count()["count"] == 3
    assert es.count(index="*", expand_wildcards="all")["count"] == 4
    assert es.count(index="secret-*")["count"] == 0
    assert es.count(index="secret-1")["count"] == 1
    # Data streams are no aliases.
    assert all(entry["aliases"] == {} for entry in es.indices.get_alias().values())
    assert not es.indices.exists_alias(name="logs-app")
    assert es.cat.aliases(format="json") == []
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_alias(index="logs-app", name="everything")
    assert "aliases on data streams" in error_of(exc)["reason"]
    # Deleting an index by the stream's name deletes nothing: it is no index.
    with pytest.raises(NotFoundError) as exc:
        es.indices.delete(index="logs-app")
    assert error_of(exc)["type"] == "index_not_found_exception"
    assert error_of(exc)["reason"] == "no such index [logs-app]"
    # _cat/indices lists the backing indices of visible data streams.
    rows = es.cat.indices(format="json", h="index,docs.count")
    assert [(r["index"], r["docs.count"]) for r in rows] == [(write_index(es, "logs-app"), "3")]
    every = es.cat.indices(format="json", h="index", expand_wildcards="all")
    assert len(every) == 2


def test_data_stream_stats(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.create_data_stream(name="logs-empty")
    es.create(index="logs-app", id="1", document=doc(when="2024-05-01T10:00:00Z"))
    es.create(index="logs-app", id="2", document=doc(when="2024-05-02T00:00:00.123Z"))
    es.indices.refresh(index="logs-app")
    stats = es.indices.data_streams_stats()
    assert stats["data_stream_count"] == 2 and stats["backing_indices"] == 2
    entries = {e["data_stream"]: e for e in stats["data_streams"]}
    assert entries["logs-app"]["maximum_timestamp"] == 1714608000123
    assert entries["logs-app"]["backing_indices"] == 1
    assert entries["logs-empty"]["maximum_timestamp"] == 0
    assert stats["total_store_size_bytes"] == sum(e["store_size_bytes"] for e in entries.values())
    one = es.indices.data_streams_stats(name="logs-app", human=True)
    assert [e["data_stream"] for e in one["data_streams"]] == ["logs-app"]
    assert one["data_streams"][0]["store_size"].endswith("b")
    verbose = es.indices.get_data_stream(name="logs-app", verbose=True)["data_streams"][0]
    assert verbose["maximum_timestamp"] == 1714608000123


# Backing indices


def test_deleting_backing_indices(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.create_data_stream(name="logs-app")
    first = write_index(es, "logs-app")
    es.indices.rollover(alias="logs-app")
    second = write_index(es, "logs-app")
    with pytest.raises(BadRequestError) as exc:
        es.indices.delete(index=second)
    assert error_of(exc)["reason"] == (
        f"index [{second}] is the write index for data stream [logs-app] and cannot be deleted"
    )
    with pytest.raises(BadRequestError):
        es.indices.delete(index=".ds-logs-app-*", expand_wildcards="all")
    assert es.indices.exists(index=first, expand_wildcards="all")
    with pytest.raises(BadRequestError) as exc:
        es.indices.close(index="logs-app")
    assert error_of(exc)["reason"] == (
        f"cannot close the following data stream write indices [{second}]"
    )
    assert es.indices.close(index=first)["indices"] == {first: {"closed": True}}
    es.indices.delete(index=first)
    info = stream_info(es, "logs-app")
    assert info["generation"] == 3
    assert [i["index_name"] for i in info["indices"]] == [second]


# Rollover


def test_rollover_of_a_data_stream(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.create(index="logs-app", id="1", document=doc(), refresh=True)
    first = write_index(es, "logs-app")
    result = es.indices.rollover(alias="logs-app", conditions={"max_docs": 2})
    assert result.body == {
        "acknowledged": False,
        "shards_acknowledged": False,
        "old_index": first,
        "new_index": result["new_index"],
        "rolled_over": False,
        "dry_run": False,
        "lazy": False,
        "conditions": {"[max_docs: 2]": False},
    }
    assert backing("logs-app", 2).fullmatch(result["new_index"])
    dry = es.indices.rollover(alias="logs-app", dry_run=True)
    assert dry["rolled_over"] is False and dry["dry_run"] is True and dry["conditions"] == {}
    assert len(stream_info(es, "logs-app")["indices"]) == 1

    result = es.indices.rollover(alias="logs-app", conditions={"max_docs": 1, "max_age": "7d"})
    assert result["acknowledged"] is True and result["rolled_over"] is True
    assert result["conditions"] == {"[max_docs: 1]": True, "[max_age: 7d]": False}
    second = result["new_index"]
    info = stream_info(es, "logs-app")
    assert info["generation"] == 2
    assert [i["index_name"] for i in info["indices"]] == [first, second]
    assert es.create(index="logs-app", id="2", document=doc())["_index"] == second
    es.indices.refresh(index="logs-app")
    assert es.count(index="logs-app")["count"] == 2
    assert es.indices.rollover(alias="logs-app")["new_index"].endswith("-000003")

    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="logs-app", new_index="logs-named")
    assert error_of(exc)["reason"] == (
        "new index name may not be specified when rolling over a data stream"
    )
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="logs-app", settings={"number_of_replicas": 1})
    assert error_of(exc)["reason"] == (
        "aliases, mappings, and index settings may not be specified when rolling over a data stream"
    )


def test_rollover_of_an_alias_with_one_index(any_es: Elasticsearch) -> None:
    es = any_es
    es.indices.create(index="books-1", aliases={"books": {}, "books-search": {}})
    es.index(index="books", id="1", document={"title": "one"}, refresh=True)
    result = es.indices.rollover(alias="books", conditions={"max_docs": 1})
    assert result.body == {
        "acknowledged": True,
        "shards_acknowledged": True,
        "old_index": "books-1",
        "new_index": "books-000002",
        "rolled_over": True,
        "dry_run": False,
        "lazy": False,
        "conditions": {"[max_docs: 1]": True},
    }
    aliases = es.indices.get_alias(index="books-*")
    assert aliases == {
        "books-1": {"aliases": {"books-search": {}}},
        "books-000002": {"aliases": {"books": {}}},
    }
    assert es.index(index="books", id="2", document={"title": "two"})["_index"] == "books-000002"
    again = es.indices.rollover(alias="books", conditions={"max_docs": 1})
    assert again["rolled_over"] is False and again["new_index"] == "books-000003"
    named = es.indices.rollover(alias="books", new_index="books-custom")
    assert named["new_index"] == "books-custom"


def test_rollover_of_an_alias_with_a_write_index(any_es: Elasticsearch) -> None:
    es = any_es
    es.indices.create(index="events-000007", aliases={"events": {"is_write_index": True}})
    es.indices.create(index="events-old", aliases={"events": {"is_write_index": False}})
    result = es.indices.rollover(alias="events")
    assert (result["old_index"], result["new_index"]) == ("events-000007", "events-000008")
    aliases = es.indices.get_alias(name="events")
    assert aliases == {
        "events-old": {"aliases": {"events": {"is_write_index": False}}},
        "events-000007": {"aliases": {"events": {"is_write_index": False}}},
        "events-000008": {"aliases": {"events": {"is_write_index": True}}},
    }


def test_rollover_conditions(any_es: Elasticsearch) -> None:
    es = any_es
    es.indices.create(index="logs-1", aliases={"logs-write": {}})
    es.index(index="logs-1", id="1", document={"foo": "hello world"}, refresh=True)
    result = es.indices.rollover(
        alias="logs-write",
        dry_run=True,
        conditions={
            "max_size": "100mb",
            "max_primary_shard_size": "1536kb",
            "max_primary_shard_docs": 2,
            "min_age": "0s",
            "min_docs": 1,
            "min_size": "1b",
            "max_age": "36h",
        },
    )
    assert result["conditions"] == {
        "[max_size: 100mb]": False,
        "[max_primary_shard_size: 1.5mb]": False,
        "[max_primary_shard_docs: 2]": False,
        "[min_age: 0s]": True,
        "[min_docs: 1]": True,
        "[min_size: 1b]": True,
        "[max_age: 1.5d]": False,
    }
    # min_* conditions alone do not roll over; all min_* and one max_* do.
    result = es.indices.rollover(alias="logs-write", conditions={"max_size": "10b", "min_docs": 2})
    assert result["rolled_over"] is False
    result = es.indices.rollover(alias="logs-write", conditions={"max_size": "10b", "min_docs": 1})
    assert result["rolled_over"] is True and result["new_index"] == "logs-000002"
    # An empty index has no size.
    result = es.indices.rollover(alias="logs-write", conditions={"max_size": "1b"})
    assert result["conditions"] == {"[max_size: 1b]": False}


def test_rollover_errors(any_es: Elasticsearch) -> None:
    es = any_es
    with pytest.raises(NotFoundError) as exc:
        es.indices.rollover(alias="missing")
    assert error_of(exc)["type"] == "resource_not_found_exception"
    assert error_of(exc)["reason"] == "rollover target [missing] does not exist"
    es.indices.create(index="plain")
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="plain")
    assert error_of(exc)["reason"] == (
        "rollover target is a [concrete index] but one of [alias,data_stream] was expected"
    )
    es.indices.create(index="a-1", aliases={"two": {}})
    es.indices.create(index="a-2", aliases={"two": {}})
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="two")
    assert error_of(exc)["reason"] == "rollover target [two] does not point to a write index"
    es.indices.create(index="unnumbered", aliases={"loose": {}})
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="loose")
    assert error_of(exc)["reason"] == "index name [unnumbered] does not match pattern '^.*-\\d+$'"
    es.indices.create(index="logs-1", aliases={"logs-write": {}})
    es.indices.create(index="logs-000002")
    for dry_run in (True, False):
        with pytest.raises(BadRequestError) as exc:
            es.indices.rollover(alias="logs-write", dry_run=dry_run, conditions={"max_docs": 1})
        assert error_of(exc)["type"] == "resource_already_exists_exception"
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="logs-write", new_index="invalid|name", dry_run=True)
    assert error_of(exc)["type"] == "invalid_index_name_exception"
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="logs-write", conditions={"min_docs": 1, "min_age": "0s"})
    assert error_of(exc)["type"] == "action_request_validation_exception"
    assert error_of(exc)["reason"] == (
        "Validation Failed: 1: at least one max_* rollover condition must be set when using min_* "
        "conditions;"
    )
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="logs-write", conditions={"max_bananas": 1})
    assert error_of(exc)["type"] == "x_content_parse_exception"
    assert error_of(exc)["reason"] == "[rollover] failed to parse field [conditions]"
    assert error_of(exc)["caused_by"]["reason"] == (
        "[rollover_conditions] unknown field [max_bananas]"
    )
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="logs-write", conditions={"max_size": "12"})
    assert error_of(exc)["caused_by"]["caused_by"] == {
        "type": "parse_exception",
        "reason": "failed to parse setting [max_size] with value [12] as a size in bytes: unit "
        "is missing or unrecognized",
    }
    es.indices.put_index_template(
        name="sticky", index_patterns=["sticky-*"], template={"aliases": {"sticky": {}}}
    )
    es.indices.create(index="sticky-1")
    with pytest.raises(BadRequestError) as exc:
        es.indices.rollover(alias="sticky")
    assert error_of(exc)["reason"] == (
        "Rollover alias [sticky] can point to multiple indices, found duplicated alias [[sticky]] "
        "in index template [sticky]"
    )


def test_a_template_in_use_by_a_data_stream_cannot_be_deleted(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.create_data_stream(name="logs-app")
    with pytest.raises(BadRequestError) as exc:
        es.indices.delete_index_template(name="logs")
    assert error_of(exc)["reason"] == (
        "unable to remove composable templates [logs] as they are in use by a data streams "
        "[logs-app]"
    )
    # Once another template would take the data stream, it may go.
    es.indices.put_index_template(
        name="logs-too", index_patterns=["logs-a*"], data_stream={}, priority=5
    )
    assert es.indices.delete_index_template(name="logs")["acknowledged"]
    assert stream_info(es, "logs-app")["template"] == "logs-too"


# Restart


def test_data_streams_survive_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path)
    es = embedded_client(path)
    try:
        logs_template(es)
        es.create(index="logs-app", id="1", document=doc("before"))
        es.indices.rollover(alias="logs-app")
        es.create(index="logs-app", id="2", document=doc("after"))
        before = stream_info(es, "logs-app")
    finally:
        es.close()
        close_engine(path)
    es = embedded_client(path)
    try:
        assert stream_info(es, "logs-app") == before
        es.indices.refresh(index="logs-app")
        assert es.count(index="logs-app")["count"] == 2
        third = es.create(index="logs-app", id="3", document=doc("reopened"))
        assert third["_index"] == before["indices"][-1]["index_name"]
        with pytest.raises(BadRequestError):
            es.index(index="logs-app", document={"message": "no time"})
    finally:
        es.close()
        close_engine(path)


# Tasks

#: elasticsearch-py warns that the task management API is a technical preview.
preview = pytest.mark.filterwarnings("ignore::elasticsearch.exceptions.GeneralAvailabilityWarning")


@preview
def test_the_task_list_shows_only_itself(any_es: Elasticsearch) -> None:
    es = any_es
    listed = es.tasks.list()
    (node,) = listed["nodes"].values()
    assert node["name"] == "embedded" and node["roles"] == ["data", "ingest", "master"]
    tasks = sorted(node["tasks"].values(), key=lambda t: t["id"])
    assert [(t["type"], t["action"]) for t in tasks] == [
        ("transport", "cluster:monitor/tasks/lists"),
        ("direct", "cluster:monitor/tasks/lists[n]"),
    ]
    parent, child = tasks
    assert child["parent_task_id"] == f"{parent['node']}:{parent['id']}"
    assert parent["cancellable"] is False and parent["headers"] == {}
    assert set(parent) == {
        "node",
        "id",
        "type",
        "action",
        "start_time_in_millis",
        "running_time_in_nanos",
        "cancellable",
        "headers",
    }
    flat = es.tasks.list(group_by="none", detailed=True)["tasks"]
    assert [t["description"] for t in flat] == ["", ""]
    grouped = es.tasks.list(group_by="parents")["tasks"]
    (top,) = grouped.values()
    assert [c["action"] for c in top["children"]] == ["cluster:monitor/tasks/lists[n]"]
    assert es.tasks.list(actions="*search*") == {"nodes": {}}
    assert es.tasks.list(nodes="elsewhere") == {"nodes": {}}
    with pytest.raises(BadRequestError) as exc:
        es.tasks.list(group_by="colour")
    assert error_of(exc)["reason"] == (
        "[group_by] must be one of [nodes], [parents] or [none] but was [colour]"
    )


@preview
def test_unknown_tasks(any_es: Elasticsearch) -> None:
    es = any_es
    with pytest.raises(NotFoundError) as exc:
        es.tasks.get(task_id="embedded:12345")
    error = error_of(exc)
    assert error["type"] == "resource_not_found_exception"
    assert error["reason"] == "task [embedded:12345] isn't running and hasn't stored its results"
    assert error["caused_by"]["type"] == "index_not_found_exception"
    assert error["caused_by"]["reason"] == "no such index [.tasks]"
    assert error["root_cause"][0]["type"] == "index_not_found_exception"
    with pytest.raises(NotFoundError) as exc:
        es.tasks.get(task_id="gone:7")
    assert error_of(exc)["reason"] == (
        "task [gone:7] belongs to the node [gone] which isn't part of the cluster and there is no "
        "record of the task"
    )
    assert error_of(exc)["caused_by"]["type"] == "resource_not_found_exception"
    with pytest.raises(BadRequestError) as exc:
        es.tasks.get(task_id="nonsense")
    assert error_of(exc)["reason"] == "malformed task id nonsense"
    # A request run with wait_for_completion=false leaves its result to fetch.
    es.index(index="docs", id="1", document={"a": 1}, refresh=True)
    task = es.delete_by_query(index="docs", query={"match_all": {}}, wait_for_completion=False)
    fetched = es.tasks.get(task_id=task["task"])
    assert fetched["completed"] is True and fetched["response"]["deleted"] == 1


def test_cluster_state_metadata_shows_the_data_streams(any_es: Elasticsearch) -> None:
    es = any_es
    logs_template(es)
    es.indices.create_data_stream(name="logs-a")
    es.indices.create_data_stream(name="logs-b")
    es.indices.create(index="plain")
    streams = es.cluster.state(metric="metadata")["metadata"]["data_stream"]
    assert streams["data_stream_aliases"] == {}
    a = streams["data_stream"]["logs-a"]
    assert a["timestamp_field"] == {"name": "@timestamp"} and a["generation"] == 1
    (first,) = a["indices"]
    assert first["index_name"] == write_index(es, "logs-a")
    assert (
        first["index_uuid"]
        == es.indices.get(index="logs-a")[first["index_name"]]["settings"]["index"]["uuid"]
    )
    assert (a["hidden"], a["system"], a["allow_custom_routing"]) == (False, False, False)
    # An index filter keeps the data streams one of whose backing indices it shows.
    only_a = es.cluster.state(metric="metadata", index="logs-a")["metadata"]["data_stream"]
    assert list(only_a["data_stream"]) == ["logs-a"]
    plain = es.cluster.state(metric="metadata", index="plain")["metadata"]["data_stream"]
    assert plain["data_stream"] == {}
