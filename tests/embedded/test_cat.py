"""The ``_cat`` APIs of the embedded engine through the stock elasticsearch-py 9 client.

The tables and their parameters as Elasticsearch's RestTable renders them: default and chosen
columns (``h``, names, aliases, wildcards), sorting (``s``), the header line (``v``), ``help``,
``format=json|yaml`` (values are strings), ``bytes`` and ``time`` units, alignment, and the
errors. Expected behaviour: Elasticsearch 9's.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from djangoes_engine import Engine
from djangoes_engine.api.table import byte_size, time_value
from djangoes_engine.http import Request

INDICES_DEFAULT = [
    "health",
    "status",
    "index",
    "uuid",
    "pri",
    "rep",
    "docs.count",
    "docs.deleted",
    "store.size",
    "pri.store.size",
    "dataset.size",
]


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def books_and_films(es: Elasticsearch) -> None:
    """books: 12 documents, no replicas (green); films: 2 (yellow); notes: empty."""
    es.indices.create(index="books", settings={"number_of_replicas": 0})
    es.indices.create(index="films", settings={"number_of_replicas": 1})
    es.indices.create(index="notes", settings={"number_of_replicas": 0})
    operations: list[dict[str, Any]] = []
    for n in range(12):
        operations += [{"index": {"_index": "books", "_id": str(n)}}, {"n": n}]
    for n in range(2):
        operations += [{"index": {"_index": "films", "_id": str(n)}}, {"title": "x" * 3000}]
    es.bulk(operations=operations, refresh=True)


def lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


def raw(engine: Engine, target: str, **headers: str) -> tuple[int, str, str]:
    """A request straight to the engine's REST layer: (status, content type, body)."""
    response = engine.handle(Request.from_target("GET", target, headers=headers))
    return response.status, response.content_type, response.body.decode()


# /_cat/indices: columns


def test_indices_default_columns(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    table = lines(any_es.cat.indices(v=True, s="index").body)
    assert table[0] == INDICES_DEFAULT
    rows = {row[2]: dict(zip(table[0], row, strict=False)) for row in table[1:]}
    assert list(rows) == ["books", "films", "notes"]
    assert rows["books"]["health"] == "green"
    assert rows["films"]["health"] == "yellow"
    assert rows["books"]["status"] == "open"
    assert (rows["books"]["pri"], rows["books"]["rep"]) == ("1", "0")
    assert rows["films"]["rep"] == "1"
    assert rows["books"]["docs.count"] == "12"


def test_indices_without_v_has_no_header_and_nothing_for_no_indices(
    any_es: Elasticsearch,
) -> None:
    assert any_es.cat.indices().body == ""
    assert any_es.cat.indices(v=True).body.split() == INDICES_DEFAULT
    any_es.indices.create(index="books")
    text = any_es.cat.indices(h="index").body
    assert text == "books\n"


def test_numbers_are_right_aligned_under_their_header(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    text = any_es.cat.indices(v=True, h="index,docs.count,health", s="index").body
    assert text == (
        "index docs.count health\n"
        "books         12 green\n"
        "films          2 yellow\n"
        "notes          0 green\n"
    )


def test_h_takes_names_aliases_and_wildcards(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    rows = any_es.cat.indices(index="books", h="i,dc,h", format="json").body
    assert rows == [{"i": "books", "dc": "12", "h": "green"}]
    rows = any_es.cat.indices(index="books", h="index,docs.*", format="json").body
    assert list(rows[0]) == ["index", "docs.count", "docs.deleted"]
    # A wildcard over aliases: "rep" is r, shards.replica, shardsReplica.
    rows = any_es.cat.indices(index="books", h=["index", "shards.*"], format="json").body
    assert list(rows[0]) == ["index", "pri", "rep"]


def test_h_leaves_out_a_name_no_column_has_as_elasticsearch_does(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    assert any_es.cat.indices(h="index,nope", format="json").body == [{"index": "books"}]
    assert any_es.cat.indices(h="index,nope").body == "books\n"


def test_non_default_columns_show_when_asked(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    created = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]
    rows = any_es.cat.indices(h="cd,creation.date.string,uuid,sc", format="json").body
    assert rows[0]["cd"] == created["creation_date"]
    assert rows[0]["uuid"] == created["uuid"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rows[0]["creation.date.string"])
    assert rows[0]["sc"].isdigit()
    # Counters the engine does not keep are absent, as Elasticsearch shows a missing value.
    assert any_es.cat.indices(h="get.total", format="json").body == [{"get.total": None}]


def test_pri_adds_the_primaries_column_after_its_sibling(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    rows = any_es.cat.indices(index="films", h="index,store.size", pri=True, format="json").body
    assert list(rows[0]) == ["index", "store.size", "pri.store.size"]
    rows = any_es.cat.indices(index="films", h="index,store.size", format="json").body
    assert list(rows[0]) == ["index", "store.size"]


def test_json_values_are_strings_and_missing_values_null(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    rows = any_es.cat.indices(format="json", s="index").body
    assert [list(row) for row in rows] == [INDICES_DEFAULT] * 3
    for row in rows:
        assert all(value is None or isinstance(value, str) for value in row.values())
    assert rows[0]["docs.count"] == "12"
    assert rows[0]["pri"] == "1"


def test_health_parameter(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    assert any_es.cat.indices(health="yellow", h="index").body == "films\n"
    assert any_es.cat.indices(health="green", h="index", s="index").body == "books\nnotes\n"
    with pytest.raises(BadRequestError) as exc:
        any_es.cat.indices(health="purple")
    assert error_of(exc)["reason"] == "unknown cluster health status [purple]"


def test_hidden_indices_only_with_expand_wildcards(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    any_es.indices.create(index="secret", settings={"index.hidden": True})
    assert any_es.cat.indices(h="index").body == "books\n"
    text = any_es.cat.indices(h="index", expand_wildcards="all", s="index").body
    assert text == "books\nsecret\n"


def test_a_missing_index_is_a_404(any_es: Elasticsearch) -> None:
    with pytest.raises(ApiError) as exc:
        any_es.cat.indices(index="nope")
    assert exc.value.status_code == 404
    assert error_of(exc)["type"] == "index_not_found_exception"


# Sorting


def test_s_sorts_numbers_as_numbers_both_ways(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    text = any_es.cat.indices(h="index", s="docs.count").body
    assert text.split() == ["notes", "films", "books"]  # 0, 2, 12: not "0", "12", "2"
    text = any_es.cat.indices(h="index", s="dc:desc").body
    assert text.split() == ["books", "films", "notes"]
    text = any_es.cat.indices(h="index", s="health:desc,index:asc").body
    assert text.split() == ["films", "books", "notes"]


def test_s_sorts_sizes_by_bytes(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    rows = any_es.cat.indices(h="index,store.size", s="store.size:desc", format="json").body
    assert [row["index"] for row in rows] == ["films", "books", "notes"]
    sizes = any_es.cat.indices(h="store.size", s="store.size:desc", bytes="b", format="json")
    values = [int(row["store.size"]) for row in sizes.body]
    assert values == sorted(values, reverse=True)


def test_s_by_an_unknown_column_is_elasticsearchs_error(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    with pytest.raises(ApiError) as exc:
        any_es.cat.indices(s="nope:desc")
    # RestTable throws UnsupportedOperationException, which Elasticsearch answers with a 500.
    assert exc.value.status_code == 500
    assert error_of(exc)["type"] == "unsupported_operation_exception"
    assert error_of(exc)["reason"] == "Unable to sort by unknown sort key `nope`"


# Units


def test_bytes_parameter_sets_the_unit_of_sizes(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    plain = any_es.cat.indices(index="films", h="store.size", format="json").body[0]["store.size"]
    in_bytes = any_es.cat.indices(index="films", h="ss", bytes="b", format="json").body[0]["ss"]
    in_kb = any_es.cat.indices(index="films", h="ss", bytes="kb", format="json").body[0]["ss"]
    assert int(in_bytes) > 6000  # two sources of 3000 characters
    assert int(in_kb) == int(in_bytes) // 1024
    assert plain == byte_size(int(in_bytes))
    assert re.fullmatch(r"\d+(\.\d)?kb", plain)
    assert any_es.cat.indices(index="films", h="ss", bytes="mb").body == "0\n"


def test_byte_sizes_and_times_read_as_elasticsearchs() -> None:
    assert [byte_size(n) for n in (0, 225, 1023, 1024, 1536, 1100, 5 * 1024**3)] == [
        "0b",
        "225b",
        "1023b",
        "1kb",
        "1.5kb",
        "1kb",
        "5gb",
    ]
    assert byte_size(1024**2 - 1) == "1023.9kb"  # cut, not rounded
    ms = 1_000_000
    assert [time_value(n) for n in (0, 500, 1500, 250 * ms, 1500 * ms, 90_000 * ms)] == [
        "0s",
        "500nanos",
        "1.5micros",
        "250ms",
        "1.5s",
        "1.5m",
    ]


# v, ts, help, format


def test_v_must_be_a_boolean(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/_cat/indices", params={"v": "yes"})
    assert error_of(exc)["reason"] == (
        "Failed to parse value [yes] as only [true] or [false] are allowed."
    )


def test_help_lists_columns_aliases_and_descriptions(any_es: Elasticsearch) -> None:
    text = any_es.cat.indices(help=True).body
    rows = [[part.strip() for part in line.split("|")] for line in text.splitlines()]
    assert rows[0] == ["health", "h", "current health status"]
    assert ["docs.count", "dc,docsCount", "available docs"] in rows
    assert ["pri.store.size", "", "store size of primaries"] in rows
    assert len({len(line) for line in text.splitlines()}) == 1  # padded to the widest cells
    assert any_es.cat.count(help=True).body == (
        "epoch     | t,time                  | seconds since 1970-01-01 00:00:00\n"
        "timestamp | ts,hms,hhmmss           | time in HH:MM:SS                 \n"
        "count     | dc,docs.count,docsCount | the document count               \n"
    )


def test_help_takes_no_other_parameter_not_even_the_path(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.cat.indices(index="books", help=True)
    assert error_of(exc)["reason"] == (
        "request [/_cat/indices/books] contains unrecognized parameter: [index]"
    )


def test_an_unknown_parameter_is_refused_with_a_suggestion(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/_cat/indices", params={"helth": "green", "zzz": "1"})
    assert error_of(exc)["type"] == "illegal_argument_exception"
    # The candidates closest first, as Lucene's Levenshtein scores them (above 0.5).
    assert error_of(exc)["reason"] == (
        "request [/_cat/indices] contains unrecognized parameters: "
        "[helth] -> did you mean any of [health, help]?, [zzz]"
    )


def test_ts_false_drops_epoch_and_timestamp(any_es: Elasticsearch) -> None:
    header = any_es.cat.health(v=True).body.splitlines()[0].split()
    assert header[:3] == ["epoch", "timestamp", "cluster"]
    header = any_es.cat.health(v=True, ts=False).body.splitlines()[0].split()
    assert header[0] == "cluster"
    assert any_es.cat.health(h="epoch,status", ts=False, format="json").body == [
        {"status": "green"}
    ]


def test_yaml_format(engine: Engine) -> None:
    engine.create_index("books")
    status, content_type, body = raw(engine, "/_cat/indices?format=yaml&h=index,pri,dd")
    assert (status, content_type) == (200, "application/yaml")
    assert body == '---\n- index: "books"\n  pri: "1"\n  dd: null\n'
    assert raw(engine, "/_cat/aliases?format=yaml")[2] == "--- []\n"


def test_accept_header_chooses_the_format_when_format_is_not_given(engine: Engine) -> None:
    engine.create_index("books")
    target = "/_cat/indices?h=index,pri"
    assert raw(engine, target, accept="application/json")[2] == '[{"index":"books","pri":"1"}]'
    assert raw(engine, target, accept="text/plain")[2] == "books 1\n"
    # A list of media types (elasticsearch-py sends "text/plain,application/json") is text.
    assert raw(engine, target, accept="text/plain,application/json")[2] == "books 1\n"
    assert raw(engine, target + "&format=txt", accept="application/json")[2] == "books 1\n"


def test_binary_formats_are_refused(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.cat.indices(format="cbor")
    assert "cbor" in error_of(exc)["reason"]
    assert "not supported" in error_of(exc)["reason"]


def test_padding_wraps_as_a_java_byte_past_127_spaces(any_es: Elasticsearch) -> None:
    """RestTable keeps a cell's padding in a byte: a 150-character name leaves the short names
    beside it unpadded (Elasticsearch prints exactly this)."""
    long_name = "idx-" + "x" * 146
    any_es.indices.create(index="idx-a", settings={"number_of_replicas": 0})
    any_es.indices.create(index=long_name, settings={"number_of_replicas": 0})
    text = any_es.cat.indices(h="index,pri", s="index", v=True).body
    assert text == f"index pri\nidx-a   1\n{long_name}   1\n"


# Sizes on disk


def test_store_size_of_an_index_on_disk_is_its_files(tmp_path: Any) -> None:
    engine = Engine(str(tmp_path), refresh_thread=False)
    try:
        index = engine.create_index("books")
        for n in range(5):
            index.index(str(n), b'{"a": 1}', {"a": 1})
        index.refresh()
        index.delete("1")
        index.refresh()
        store = index.store.directory
        assert store is not None
        on_disk = sum(e.stat().st_size for e in os.scandir(store) if e.is_file())
        # Deleted documents are those tantivy still keeps (its merges soon drop them).
        with open(os.path.join(store, "meta.json"), encoding="utf-8") as handle:
            segments = json.load(handle)["segments"]
        deleted = sum((s["deletes"] or {}).get("num_deleted_docs", 0) for s in segments)
        status, _, body = raw(engine, "/_cat/indices?format=json&h=ss,dc,dd&bytes=b")
        assert status == 200
        assert body == f'[{{"ss":"{on_disk}","dc":"4","dd":"{deleted}"}}]'
    finally:
        engine.close()


# /_cat/count, /_cat/health, /_cat/aliases


def test_count_all_or_by_query(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    assert any_es.cat.count(h="count").body == "14\n"
    assert any_es.cat.count(index="books", h="count").body == "12\n"
    body = {"query": {"range": {"n": {"gte": 10}}}}
    assert any_es.cat.count(index="books", h="count", body=body).body == "2\n"
    rows = any_es.cat.count(index="books", format="json").body
    assert list(rows[0]) == ["epoch", "timestamp", "count"]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", rows[0]["timestamp"])
    assert rows[0]["epoch"].isdigit()


def test_count_with_q(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    response = any_es.perform_request("GET", "/_cat/count/books", params={"q": "n:3", "h": "count"})
    assert response.body == "1\n"


def test_health(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    row = any_es.cat.health(format="json").body[0]
    assert row["status"] == "yellow"
    assert (row["node.total"], row["shards"], row["pri"], row["unassign"]) == ("1", "3", "3", "1")
    assert row["active_shards_percent"] == "75.0%"
    assert row["max_task_wait_time"] == "-"


def test_aliases_exactly(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="idx-a",
        aliases={"al-1": {"filter": {"term": {"k": "x"}}}, "al-2": {"is_write_index": True}},
    )
    any_es.indices.create(
        index="idx-b", aliases={"al-1": {"routing": "r1"}, "al-3": {"is_write_index": False}}
    )
    text = any_es.cat.aliases(v=True, s="alias,index").body
    assert text == (
        "alias index filter routing.index routing.search is_write_index\n"
        "al-1  idx-a *      -             -              -\n"
        "al-1  idx-b -      r1            r1             -\n"
        "al-2  idx-a -      -             -              true\n"
        "al-3  idx-b -      -             -              false\n"
    )
    text = any_es.cat.aliases(name="al-*,-al-3", h="alias,index", s="alias,index").body
    assert text == "al-1 idx-a\nal-1 idx-b\nal-2 idx-a\n"
    assert any_es.cat.aliases(name="nope").body == ""


# /_cat and the other tables


def test_cat_lists_the_tables(any_es: Elasticsearch) -> None:
    listing = any_es.cat.help().body
    assert listing.startswith("=^.^=\n/_cat/allocation\n/_cat/shards\n/_cat/shards/{index}\n")
    paths = listing.splitlines()[1:]
    for table in ("indices", "count", "health", "aliases", "nodes", "master", "templates"):
        assert f"/_cat/{table}" in paths
    for table in ("plugins", "pending_tasks", "thread_pool", "segments", "recovery", "fielddata"):
        assert f"/_cat/{table}" in paths
    for path in paths:  # every table it lists answers
        any_es.perform_request("GET", path.replace("/{index}", "").split("/{")[0])


def test_shards(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    table = lines(any_es.cat.shards(v=True, s="index,prirep").body)
    header = ["index", "shard", "prirep", "state", "docs", "store", "dataset", "ip", "node"]
    assert table[0] == header
    assert table[1][:5] == ["books", "0", "p", "STARTED", "12"]
    assert table[1][7:] == ["127.0.0.1", "embedded"]
    rows = any_es.cat.shards(index="films", s="prirep", format="json").body
    assert [(row["prirep"], row["state"]) for row in rows] == [
        ("p", "STARTED"),
        ("r", "UNASSIGNED"),  # one node: the replica has nowhere to go
    ]
    assert rows[1]["docs"] is None and rows[1]["node"] is None
    replica = any_es.cat.shards(index="films", h="prirep,ur,rs,uf", format="json").body[1]
    assert (replica["ur"], replica["rs"]) == ("INDEX_CREATED", "peer")
    assert re.fullmatch(r"\d+(\.\d)?(nanos|micros|ms|s|m|h|d)", replica["uf"])
    assert any_es.cat.shards(index="books", h="seq_no.max", format="json").body == [
        {"seq_no.max": "11"}
    ]


def test_shards_of_a_missing_index_is_a_404(any_es: Elasticsearch) -> None:
    with pytest.raises(ApiError) as exc:
        any_es.cat.shards(index="nope")
    assert exc.value.status_code == 404


def test_nodes(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    table = lines(any_es.cat.nodes(v=True).body)
    assert table[0] == [
        "ip",
        "heap.percent",
        "ram.percent",
        "cpu",
        "load_1m",
        "load_5m",
        "load_15m",
        "node.role",
        "master",
        "name",
    ]
    row = any_es.cat.nodes(format="json").body[0]
    assert (row["ip"], row["node.role"], row["master"], row["name"]) == (
        "127.0.0.1",
        "dim",
        "*",
        "embedded",
    )
    assert row["heap.percent"] is None  # no JVM
    if os.path.exists("/proc/meminfo"):
        assert 0 <= int(row["ram.percent"]) <= 100
    ids = any_es.cat.nodes(h="id,pid,version,shards", full_id=True, format="json").body[0]
    assert ids == {
        "id": "embedded",
        "pid": str(os.getpid()),  # the server of these tests runs in this process too
        "version": any_es.info()["version"]["number"],
        "shards": "1",
    }
    assert any_es.cat.nodes(h="id", format="json").body == [{"id": "embe"}]


def test_time_parameter_sets_the_unit_of_durations(any_es: Elasticsearch) -> None:
    plain = any_es.cat.nodes(h="uptime", format="json").body[0]["uptime"]
    assert re.fullmatch(r"\d+(\.\d)?(nanos|micros|ms|s|m|h|d)", plain)
    in_ms = any_es.cat.nodes(h="uptime", time="ms", format="json").body[0]["uptime"]
    in_micros = any_es.cat.nodes(h="uptime", time="micros", format="json").body[0]["uptime"]
    assert in_ms.isdigit() and in_micros.isdigit()
    assert int(in_micros) >= int(in_ms) * 1000


def test_master(any_es: Elasticsearch) -> None:
    assert any_es.cat.master(v=True).body == (
        "id       host      ip        node\nembedded 127.0.0.1 127.0.0.1 embedded\n"
    )


def test_allocation(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    rows = any_es.cat.allocation(format="json", bytes="b").body
    node, unassigned = rows
    assert (node["shards"], node["node"], node["node.role"]) == ("3", "embedded", "dim")
    assert int(node["disk.indices"]) > 6000
    assert node["disk.total"] is None  # an engine in memory has no disk
    assert unassigned == {
        **dict.fromkeys(node, None),
        "shards": "1",
        "node": "UNASSIGNED",
    }
    assert len(any_es.cat.allocation(node_id="nope", format="json").body) == 1
    assert len(any_es.cat.allocation(node_id="embed*", format="json").body) == 2


def test_allocation_of_an_engine_on_disk_shows_its_disk(tmp_path: Any) -> None:
    engine = Engine(str(tmp_path), refresh_thread=False)
    try:
        engine.create_index("books", {"settings": {"number_of_replicas": 0}})
        status, _, body = raw(engine, "/_cat/allocation?h=shards,dt,da,dp&bytes=b")
        assert status == 200
        shards, total, available, percent = body.split()
        assert shards == "1"
        assert 0 < int(available) <= int(total)
        assert 0 <= int(percent) <= 100
    finally:
        engine.close()


def test_templates_from_the_clusters_metadata(engine: Engine, es_http: Elasticsearch) -> None:
    assert es_http.cat.templates(v=True).body == "name index_patterns order version composed_of\n"
    engine.store(
        "index_templates",
        "logs",
        {"index_patterns": ["logs-*", "app-*"], "priority": 5, "version": 3, "composed_of": ["a"]},
    )
    engine.store("index_templates", "plain", {"index_patterns": ["p-*"]})
    engine.store("templates", "legacy", {"index_patterns": ["old-*"], "order": 2, "version": 1})
    assert es_http.cat.templates(v=True).body == (
        "name   index_patterns  order version composed_of\n"
        "legacy [old-*]         2     1       \n"
        "logs   [logs-*, app-*] 5     3       [a]\n"
        "plain  [p-*]           0             []\n"
    )
    rows = es_http.cat.templates(name="l*", format="json", s="name:desc").body
    assert [row["name"] for row in rows] == ["logs", "legacy"]
    assert rows[1]["composed_of"] == ""


def test_tables_the_engine_has_no_rows_for(any_es: Elasticsearch) -> None:
    assert any_es.cat.plugins(v=True).body == "name component version\n"
    assert any_es.cat.pending_tasks(v=True).body == "insertOrder timeInQueue priority source\n"
    assert any_es.cat.thread_pool(v=True).body == "node_name name active queue rejected\n"
    assert any_es.cat.thread_pool(thread_pool_patterns="search", format="json").body == []
    assert any_es.cat.fielddata(v=True, fields="title").body == "id host ip node field size\n"
    assert any_es.cat.plugins().body == ""


def test_segments_in_memory(any_es: Elasticsearch) -> None:
    books_and_films(any_es)
    rows = any_es.cat.segments(index="books", format="json").body
    assert rows
    for row in rows:
        assert (row["index"], row["shard"], row["prirep"]) == ("books", "0", "p")
        assert (row["committed"], row["searchable"], row["compound"]) == ("false", "true", "false")
        assert row["segment"] is None  # tantivy does not name segments held in memory


def test_segments_on_disk(tmp_path: Any) -> None:
    engine = Engine(str(tmp_path), refresh_thread=False)
    try:
        index = engine.create_index("books")
        for n in range(3):
            index.index(str(n), b'{"a": 1}', {"a": 1})
        index.refresh()
        status, _, body = raw(engine, "/_cat/segments?format=json&h=seg,dc,dd,size,ic&bytes=b")
        rows = json.loads(body)
        assert status == 200
        assert sum(int(row["dc"]) for row in rows) == 3
        store = index.store.directory
        assert store is not None
        for row in rows:
            assert row["ic"] == "true"
            files = [e for e in os.scandir(store) if e.name.startswith(row["seg"])]
            assert files and int(row["size"]) == sum(e.stat().st_size for e in files)
    finally:
        engine.close()


def test_recovery(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    row = any_es.cat.recovery(format="json").body[0]
    assert (row["index"], row["shard"], row["type"], row["stage"]) == (
        "books",
        "0",
        "empty_store",
        "done",
    )
    assert (row["source_node"], row["target_node"], row["repository"]) == ("n/a", "embedded", "n/a")
    assert any_es.cat.recovery(active_only=True).body == ""
    millis = any_es.cat.recovery(h="time", time="ms", format="json").body[0]["time"]
    assert millis.isdigit()


def test_recovery_of_an_index_reopened_from_disk(tmp_path: Any) -> None:
    engine = Engine(str(tmp_path), refresh_thread=False)
    index = engine.create_index("books")
    index.index("1", b'{"a": 1}', {"a": 1})
    index.refresh()
    engine.close()
    engine = Engine(str(tmp_path), refresh_thread=False)
    try:
        status, _, body = raw(engine, "/_cat/recovery?format=json&h=type,files_total,tb,fp")
        assert status == 200
        row = json.loads(body)[0]
        assert row["type"] == "existing_store"
        assert int(row["files_total"]) > 0
        assert row["tb"].endswith("b")
        assert row["fp"] == "100.0%"
        status, _, body = raw(engine, "/_cat/indices?h=dc")
        assert body == "1\n"
    finally:
        engine.close()


def test_cat_tables_are_read_with_get(any_es: Elasticsearch) -> None:
    with pytest.raises(ApiError) as exc:
        any_es.perform_request("POST", "/_cat/indices")
    assert exc.value.status_code == 405
    assert any_es.perform_request("POST", "/_cat/count", params={"h": "count"}).body == "0\n"
