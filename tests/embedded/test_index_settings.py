"""Index settings through the stock elasticsearch-py 9 client: each one Elasticsearch honours is
applied, has no effect on one node with one shard (accepted and returned), or is refused by
name; unknown ones and bad values get Elasticsearch's errors. docs/embedded.md, "Index
settings", lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, ElasticsearchWarning

from djangoes_engine.index_settings import APPLIED, SETTINGS


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def flat_settings(es: Elasticsearch, index: str) -> dict[str, Any]:
    return es.indices.get_settings(index=index, flat_settings=True)[index]["settings"]


# Refused by name


REFUSED = [
    ("index.sort.field", {"index.sort.field": "date", "index.sort.order": "desc"}),
    ("index.similarity.", {"index.similarity.mine.type": "BM25"}),
    ("index.mode", {"index.mode": "time_series"}),
    ("index.mode", {"index.mode": "logsdb"}),
    ("index.routing_partition_size", {"number_of_shards": 4, "routing_partition_size": 2}),
    ("index.routing_path", {"index.routing_path": ["host"]}),
    ("index.time_series.start_time", {"index.time_series.start_time": "2024-01-01T00:00:00Z"}),
    ("index.look_ahead_time", {"index.look_ahead_time": "2h"}),
    ("index.logsdb.route_on_sort_fields", {"index.logsdb.route_on_sort_fields": True}),
    ("index.mapping.source.mode", {"index.mapping.source.mode": "synthetic"}),
    (
        "index.mapping.total_fields.ignore_dynamic_beyond_limit",
        {"index.mapping.total_fields.ignore_dynamic_beyond_limit": True},
    ),
    ("index.query.parse.allow_unmapped_fields", {"index.query.parse.allow_unmapped_fields": False}),
]


@pytest.mark.parametrize(("name", "settings"), REFUSED, ids=[name for name, _ in REFUSED])
def test_a_setting_the_engine_does_not_implement_is_refused_by_name(
    any_es: Elasticsearch, name: str, settings: dict[str, Any]
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings=settings)
    assert exc.value.status_code == 400
    reason = error_of(exc)["reason"]
    assert f"index setting [{name}" in reason
    assert "not supported by the djangoes embedded engine" in reason
    assert not any_es.indices.exists(index="books")


def test_a_dynamic_refused_setting_is_refused_on_update_too(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    name = "index.mapping.total_fields.ignore_dynamic_beyond_limit"
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_settings(index="books", settings={name: True})
    assert f"index setting [{name}] with value [true] is not supported" in error_of(exc)["reason"]
    assert name not in flat_settings(any_es, "books")


@pytest.mark.parametrize(
    "settings",
    [
        {"index.mode": "standard"},
        {"index.routing_partition_size": 1},
        {"index.mapping.source.mode": "stored"},
        {"index.mapping.total_fields.ignore_dynamic_beyond_limit": False},
        {"index.query.parse.allow_unmapped_fields": True},
    ],
    ids=lambda settings: next(iter(settings)),
)
def test_a_refused_setting_at_its_default_is_accepted(
    any_es: Elasticsearch, settings: dict[str, Any]
) -> None:
    any_es.indices.create(index="books", settings=settings)
    ((name, value),) = settings.items()
    expected = str(value).lower() if isinstance(value, bool) else str(value)
    assert flat_settings(any_es, "books")[name] == expected


# No effect on one node with one shard: accepted, stored, returned


NO_EFFECT = {
    "index.number_of_routing_shards": "2",
    "index.codec": "best_compression",
    "index.priority": "10",
    "index.write.wait_for_active_shards": "1",
    "index.shard.check_on_startup": "checksum",
    "index.load_fixed_bitset_filters_eagerly": "false",
    "index.queries.cache.enabled": "false",
    "index.requests.cache.enable": "false",
    "index.search.idle.after": "10s",
    "index.max_refresh_listeners": "10",
    "index.gc_deletes": "30s",
    "index.max_script_fields": "5",
    "index.max_rescore_window": "50",
    "index.max_slices_per_scroll": "4",
    "index.store.type": "fs",
    "index.store.preload": ["nvd", "dvd"],
    "index.merge.scheduler.max_thread_count": "1",
    "index.merge.policy.segments_per_tier": "5",
    "index.translog.sync_interval": "10s",
    "index.translog.flush_threshold_size": "1gb",
    "index.soft_deletes.retention_lease.period": "1h",
    "index.unassigned.node_left.delayed_timeout": "5m",
    "index.routing.allocation.include._tier_preference": "data_hot",
    "index.routing.allocation.total_shards_per_node": "2",
    "index.search.slowlog.threshold.query.warn": "10s",
    "index.indexing.slowlog.threshold.index.info": "5s",
    "index.lifecycle.name": "logs",
    "index.lifecycle.rollover_alias": "logs",
}


def test_settings_without_effect_are_accepted_and_returned(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings=NO_EFFECT)
    stored = flat_settings(any_es, "books")
    assert {name: stored.get(name) for name in NO_EFFECT} == NO_EFFECT
    nested = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]
    assert nested["merge"]["scheduler"]["max_thread_count"] == "1"


def test_dynamic_settings_without_effect_can_change(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    any_es.indices.put_settings(
        index="books",
        settings={"index.search.slowlog.threshold.fetch.debug": "1s", "index.priority": 5},
    )
    stored = flat_settings(any_es, "books")
    assert stored["index.search.slowlog.threshold.fetch.debug"] == "1s"
    assert stored["index.priority"] == "5"


# Elasticsearch's errors


def test_an_unknown_setting_is_named_with_a_suggestion(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings={"index.numer_of_replicas": 0})
    assert error_of(exc)["reason"] == (
        "unknown setting [index.numer_of_replicas] did you mean [index.number_of_replicas]?"
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings={"index.frobnicate": 1})
    assert error_of(exc)["reason"] == (
        "unknown setting [index.frobnicate] please check that any required plugins are "
        "installed, or check the breaking changes documentation for removed settings"
    )


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        (
            {"index.max_result_window": 0},
            "Failed to parse value [0] for setting [index.max_result_window] must be >= 1",
        ),
        (
            {"index.number_of_shards": 2000},
            "Failed to parse value [2000] for setting [index.number_of_shards] must be <= 1024",
        ),
        (
            {"index.max_terms_count": "many"},
            "Failed to parse value [many] for setting [index.max_terms_count]",
        ),
        (
            {"index.hidden": "yes"},
            "Failed to parse value [yes] as only [true] or [false] are allowed.",
        ),
        (
            {"index.refresh_interval": "soon"},
            "failed to parse setting [index.refresh_interval] with value [soon] as a time "
            "value: unit is missing or unrecognized",
        ),
        (
            {"index.translog.durability": "sometimes"},
            "No enum constant org.elasticsearch.index.translog.Translog.Durability.SOMETIMES",
        ),
        (
            {"index.shard.check_on_startup": "maybe"},
            "unknown value for [index.shard.check_on_startup] must be one of [true, false, "
            "checksum] but was: maybe",
        ),
        (
            {"index.number_of_shards": 2, "index.number_of_routing_shards": 1},
            "index.number_of_routing_shards [1] must be >= index.number_of_shards [2]",
        ),
        (
            {"index.soft_deletes.enabled": False},
            "Creating indices with soft-deletes disabled is no longer supported. Please do not "
            "specify a value for setting [index.soft_deletes.enabled].",
        ),
        # JSON values shown as Elasticsearch's Settings holds them (Java's toString), not
        # Python's repr (['true', '1'], ['false'])
        (
            {"index.number_of_replicas": [True, 1]},
            "Failed to parse value [[true, 1]] for setting [index.number_of_replicas]",
        ),
        (
            {"index.hidden": [False]},
            "Failed to parse value [[false]] as only [true] or [false] are allowed.",
        ),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_a_bad_value_gets_elasticsearchs_error(
    any_es: Elasticsearch, settings: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings=settings)
    assert error_of(exc)["type"] == "illegal_argument_exception"
    assert error_of(exc)["reason"] == reason


def test_a_bad_value_on_update_leaves_the_settings_as_they_were(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"refresh_interval": "5s"})
    with pytest.raises(BadRequestError):
        any_es.indices.put_settings(index="books", settings={"refresh_interval": "soon"})
    assert flat_settings(any_es, "books")["index.refresh_interval"] == "5s"


@pytest.mark.parametrize(
    "settings",
    [
        {"index.query_string.lenient": True},
        {"index.codec": "best_compression"},
        {"index.mapping.ignore_malformed": True},
        {"index.analysis.analyzer.a.type": "simple"},
    ],
    ids=lambda settings: next(iter(settings)),
)
def test_a_static_setting_cannot_change_on_an_open_index(
    any_es: Elasticsearch, settings: dict[str, Any]
) -> None:
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_settings(index="books", settings=settings)
    (name,) = settings
    uuid = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]["uuid"]
    assert error_of(exc)["reason"] == (
        f"Can't update non dynamic settings [[{name}]] for open indices [[books/{uuid}]]"
    )
    any_es.indices.close(index="books")
    any_es.indices.put_settings(index="books", settings=settings)
    any_es.indices.open(index="books")
    flat = any_es.indices.get_settings(index="books", flat_settings=True)["books"]["settings"]
    assert flat[name] == str(settings[name]).lower()


# Applied: analysis limits


NGRAM = {
    "analysis": {
        "tokenizer": {"grams": {"type": "ngram", "min_gram": 1, "max_gram": 3}},
        "analyzer": {"grams": {"tokenizer": "grams"}},
    }
}


def test_max_ngram_diff_bounds_ngram_tokenizers(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings=NGRAM)
    assert "[index.max_ngram_diff] index level setting" in error_of(exc)["reason"]
    any_es.indices.create(index="books", settings={**NGRAM, "max_ngram_diff": 2})
    tokens = any_es.indices.analyze(index="books", analyzer="grams", text="ab")["tokens"]
    assert [t["token"] for t in tokens] == ["a", "ab", "b"]


def test_max_shingle_diff_bounds_shingle_filters(any_es: Elasticsearch) -> None:
    shingles = {
        "analysis": {
            "filter": {"wide": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 6}},
            "analyzer": {"wide": {"tokenizer": "whitespace", "filter": ["wide"]}},
        }
    }
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings=shingles)
    assert "[index.max_shingle_diff] index level setting" in error_of(exc)["reason"]
    any_es.indices.create(index="books", settings={**shingles, "max_shingle_diff": 5})
    tokens = any_es.indices.analyze(index="books", analyzer="wide", text="a b")["tokens"]
    assert [t["token"] for t in tokens] == ["a", "a b", "b"]


def test_analyze_max_token_count_bounds_the_analyze_api(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"analyze.max_token_count": 2})
    with pytest.raises(ApiError) as exc:
        any_es.indices.analyze(index="books", text="one two three")
    assert error_of(exc)["reason"] == (
        "The number of tokens produced by calling _analyze has exceeded the allowed maximum of "
        "[2]. This limit can be set by changing the [index.analyze.max_token_count] index level "
        "setting."
    )
    any_es.indices.put_settings(index="books", settings={"analyze.max_token_count": 3})
    assert len(any_es.indices.analyze(index="books", text="one two three")["tokens"]) == 3


# Applied: query limits


def search_error(es: Elasticsearch, index: str, query: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(BadRequestError) as exc:
        es.search(index=index, query=query)
    error = error_of(exc)
    assert error["type"] == "search_phase_execution_exception"
    return error["root_cause"][0]


def test_max_terms_count_bounds_terms_queries(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"max_terms_count": 2},
        mappings={"properties": {"tag": {"type": "keyword"}}},
    )
    any_es.index(index="books", id="1", document={"tag": "a"}, refresh=True)
    cause = search_error(any_es, "books", {"terms": {"tag": ["a", "b", "c"]}})
    assert cause == {
        "type": "illegal_argument_exception",
        "reason": "The number of terms [3] used in the Terms Query request has exceeded the "
        "allowed maximum of [2]. This maximum can be set by changing the "
        "[index.max_terms_count] index level setting.",
    }
    assert (
        any_es.search(index="books", query={"terms": {"tag": ["a", "b"]}})["hits"]["total"]["value"]
        == 1
    )
    any_es.indices.put_settings(index="books", settings={"max_terms_count": 3})
    assert any_es.count(index="books", query={"terms": {"tag": ["a", "b", "c"]}})["count"] == 1


def test_max_regex_length_bounds_regexp_queries(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"max_regex_length": 5},
        mappings={"properties": {"tag": {"type": "keyword"}}},
    )
    any_es.index(index="books", id="1", document={"tag": "abcdef"}, refresh=True)
    cause = search_error(any_es, "books", {"regexp": {"tag": "abcde.*"}})
    assert cause["reason"] == (
        "The length of regex [7] used in the Regexp Query request has exceeded the allowed "
        "maximum of [5]. This maximum can be set by changing the [index.max_regex_length] index "
        "level setting."
    )
    assert any_es.count(index="books", query={"regexp": {"tag": "ab.*"}})["count"] == 1


def test_max_docvalue_fields_search_bounds_docvalue_fields(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"max_docvalue_fields_search": 2},
        mappings={"properties": {f"n{i}": {"type": "long"} for i in range(3)}},
    )
    any_es.index(index="books", id="1", document={"n0": 0, "n1": 1, "n2": 2}, refresh=True)
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="books", docvalue_fields=["n*"])
    assert error_of(exc)["root_cause"][0]["reason"] == (
        "Trying to retrieve too many docvalue_fields. Must be less than or equal to: [2] but was "
        "[3]. This limit can be set by changing the [index.max_docvalue_fields_search] index "
        "level setting."
    )
    hit = any_es.search(index="books", docvalue_fields=["n0", "n1", "n0"])["hits"]["hits"][0]
    assert hit["fields"] == {"n0": [0], "n1": [1]}


def test_highlight_max_analyzed_offset_bounds_highlighted_text(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"highlight.max_analyzed_offset": 10},
        mappings={"properties": {"title": {"type": "text"}}},
    )
    any_es.index(index="books", id="1", document={"title": "long tale of a fox"}, refresh=True)
    query = {"match": {"title": "long fox"}}
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="books", query=query, highlight={"fields": {"title": {}}})
    reason = error_of(exc)["root_cause"][0]["reason"]
    assert reason.startswith("The length [18] of field [title] in doc[0]/index[books] exceeds the")
    assert "[index.highlight.max_analyzed_offset] limit [10]" in reason
    # the request's max_analyzed_offset, within the index's, analyses only that much
    hit = any_es.search(
        index="books", query=query, highlight={"fields": {"title": {}}, "max_analyzed_offset": 10}
    )["hits"]["hits"][0]
    assert hit["highlight"] == {"title": ["<em>long</em> tale of a fox"]}
    any_es.indices.put_settings(index="books", settings={"highlight.max_analyzed_offset": 100})
    hits = any_es.search(index="books", query=query, highlight={"fields": {"title": {}}})["hits"]
    assert hits["hits"][0]["highlight"] == {"title": ["<em>long</em> tale of a <em>fox</em>"]}


@pytest.mark.parametrize("kind", ["query_string", "simple_query_string"])
def test_query_string_lenient_is_the_default_of_query_string_queries(
    any_es: Elasticsearch, kind: str
) -> None:
    mappings = {"properties": {"year": {"type": "long"}, "title": {"type": "text"}}}
    any_es.indices.create(index="strict", mappings=mappings)
    any_es.indices.create(
        index="lenient", settings={"query_string.lenient": True}, mappings=mappings
    )
    for index in ("strict", "lenient"):
        any_es.index(index=index, id="1", document={"year": 2001, "title": "old"}, refresh=True)
    query = {kind: {"query": "old", "fields": ["year", "title"]}}
    assert any_es.count(index="lenient", query=query)["count"] == 1
    with pytest.raises(BadRequestError) as exc:
        any_es.count(index="strict", query=query)
    assert 'For input string: "old"' in str(error_of(exc)["root_cause"][0]["reason"])
    # the query's own lenient wins over the index's
    query[kind]["lenient"] = False
    with pytest.raises(BadRequestError):
        any_es.count(index="lenient", query=query)


# Applied: replicas


def test_auto_expand_replicas_expands_to_the_one_node(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"auto_expand_replicas": "0-all"})
    assert flat_settings(any_es, "books")["index.number_of_replicas"] == "0"
    assert any_es.cluster.health(index="books")["status"] == "green"
    # a replica asked for while the range starts at 0 is taken back, as the allocator does
    any_es.indices.put_settings(index="books", settings={"number_of_replicas": 1})
    assert flat_settings(any_es, "books")["index.number_of_replicas"] == "0"
    any_es.indices.put_settings(
        index="books", settings={"auto_expand_replicas": False, "number_of_replicas": 1}
    )
    assert any_es.cluster.health(index="books")["status"] == "yellow"
    # a range from 1 cannot be met on one node: the number stays as it is
    any_es.indices.create(index="more", settings={"auto_expand_replicas": "1-all"})
    assert flat_settings(any_es, "more")["index.number_of_replicas"] == "1"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1-boom", "failed to parse [index.auto_expand_replicas] from value: [1-boom] at index 1"),
        ("boom", "failed to parse [index.auto_expand_replicas] from value: [boom] at index -1"),
        ("2-1", "[index.auto_expand_replicas] minReplicas must be =< maxReplicas but wasn't 2 > 1"),
    ],
)
def test_auto_expand_replicas_errors(any_es: Elasticsearch, value: str, reason: str) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings={"auto_expand_replicas": value})
    assert error_of(exc)["reason"] == reason


# Applied: mapping limits and defaults


def longs(*names: str) -> dict[str, Any]:
    return {"properties": {name: {"type": "long"} for name in names}}


def test_total_fields_limit_bounds_mappings(any_es: Elasticsearch) -> None:
    limit = {"mapping.total_fields.limit": 3}
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings=limit, mappings=longs("a", "b", "c", "d"))
    assert error_of(exc)["reason"] == "Limit of total fields [3] has been exceeded"
    assert not any_es.indices.exists(index="books")

    any_es.indices.create(index="books", settings=limit, mappings=longs("a", "b"))
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_mapping(index="books", properties=longs("c", "d")["properties"])
    assert error_of(exc)["reason"] == "Limit of total fields [3] has been exceeded"
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="books", id="1", document={"a": 1, "c": 2, "d": 3})
    error = error_of(exc)
    assert error["type"] == "document_parsing_exception"
    assert error["reason"] == (
        "failed to parse: Limit of total fields [3] has been exceeded while adding new fields [2]"
    )
    assert set(any_es.indices.get_mapping(index="books")["books"]["mappings"]["properties"]) == {
        "a",
        "b",
    }
    any_es.indices.put_settings(index="books", settings={"mapping.total_fields.limit": 4})
    document = {"a": 1, "c": 2, "d": 3}
    assert any_es.index(index="books", id="1", document=document)["result"] == "created"


@pytest.mark.parametrize(
    ("settings", "mappings", "reason"),
    [
        (
            {"mapping.depth.limit": 2},
            {"properties": {"a": {"properties": {"b": {"properties": {"c": {"type": "long"}}}}}}},
            "Limit of mapping depth [2] has been exceeded due to object field [a.b]",
        ),
        (
            {"mapping.nested_fields.limit": 1},
            {"properties": {"a": {"type": "nested"}, "b": {"type": "nested"}}},
            "Limit of nested fields [1] has been exceeded",
        ),
        (
            {"mapping.field_name_length.limit": 5},
            longs("short", "longer"),
            "Field name [longer] is longer than the limit of [5] characters",
        ),
    ],
    ids=["depth", "nested_fields", "field_name_length"],
)
def test_mapping_limits_bound_mappings(
    any_es: Elasticsearch, settings: dict[str, Any], mappings: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books", settings=settings, mappings=mappings)
    assert error_of(exc)["reason"] == reason
    # raised, the limit lets the same mapping in
    any_es.indices.create(index="books", mappings=mappings)


def test_nested_objects_limit_bounds_documents(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"mapping.nested_objects.limit": 2},
        mappings={"properties": {"items": {"type": "nested"}}},
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="books", id="1", document={"items": [{"n": 1}, {"n": 2}, {"n": 3}]})
    assert error_of(exc)["type"] == "document_parsing_exception"
    assert error_of(exc)["reason"] == (
        "The number of nested documents has exceeded the allowed limit of [2]. This limit can "
        "be set by changing the [index.mapping.nested_objects.limit] index level setting."
    )
    document = {"items": [{"n": 1}, {"n": 2}]}
    assert any_es.index(index="books", id="1", document=document)["result"] == "created"


def test_mapping_ignore_malformed_is_the_default_of_fields(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"mapping.ignore_malformed": True},
        mappings={
            "properties": {
                "year": {"type": "long"},
                "strict": {"type": "long", "ignore_malformed": False},
            }
        },
    )
    any_es.index(index="books", id="1", document={"year": "unknown"}, refresh=True)
    assert any_es.search(index="books")["hits"]["hits"][0]["_ignored"] == ["year"]
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="books", id="2", document={"strict": "unknown"})
    assert error_of(exc)["type"] == "document_parsing_exception"


def test_mapping_coerce_is_the_default_of_fields(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"mapping.coerce": False},
        mappings={
            "properties": {"year": {"type": "long"}, "loose": {"type": "long", "coerce": True}}
        },
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="books", id="1", document={"year": "2001"})
    assert error_of(exc)["type"] == "document_parsing_exception"
    assert any_es.index(index="books", id="2", document={"loose": "2001"})["result"] == "created"


def test_mapping_ignore_above_is_the_default_of_keyword_fields(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        settings={"mapping.ignore_above": 3},
        mappings={
            "properties": {
                "tag": {"type": "keyword"},
                "code": {"type": "keyword", "ignore_above": 10},
            }
        },
    )
    any_es.index(index="books", id="1", document={"tag": "long", "code": "long"}, refresh=True)
    assert any_es.count(index="books", query={"term": {"tag": "long"}})["count"] == 0
    assert any_es.count(index="books", query={"term": {"code": "long"}})["count"] == 1
    assert any_es.search(index="books")["hits"]["hits"][0]["_ignored"] == ["tag"]


# Applied: blocks


def blocked(call: Any, status: int = 403) -> str:
    """The reason of a ``cluster_block_exception`` a call answers with ``status``."""
    with pytest.raises(ApiError) as exc:
        call()
    assert exc.value.status_code == status
    assert error_of(exc)["type"] == "cluster_block_exception"
    return str(error_of(exc)["reason"])


def test_blocks_read_stops_searches_and_gets(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"blocks.read": True})
    any_es.index(index="books", id="1", document={"a": 1}, refresh=True)
    reason = "index [books] blocked by: [FORBIDDEN/7/index read (api)];"
    assert blocked(lambda: any_es.search(index="books")) == reason
    assert blocked(lambda: any_es.count(index="books")) == reason
    assert blocked(lambda: any_es.get(index="books", id="1")) == reason
    any_es.indices.put_settings(index="books", settings={"blocks.read": False})
    assert any_es.get(index="books", id="1")["found"]


def test_blocks_metadata_stops_reading_and_changing_the_index(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"blocks.metadata": True})
    reason = "index [books] blocked by: [FORBIDDEN/9/index metadata (api)];"
    assert blocked(lambda: any_es.indices.get_settings(index="books")) == reason
    assert blocked(lambda: any_es.indices.get_mapping(index="books")) == reason
    properties = {"a": {"type": "long"}}
    assert blocked(lambda: any_es.indices.put_mapping(index="books", properties=properties))
    assert blocked(lambda: any_es.indices.delete(index="books")) == reason
    # a request changing only blocks may lift them
    any_es.indices.put_settings(index="books", settings={"blocks.metadata": False})
    assert any_es.indices.get_mapping(index="books")["books"]["mappings"] == {}


def test_blocks_read_only_stops_writes_and_changes(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    any_es.index(index="books", id="1", document={"a": 1}, refresh=True)
    any_es.indices.put_settings(index="books", settings={"blocks.read_only": True})
    reason = "index [books] blocked by: [FORBIDDEN/5/index read-only (api)];"
    assert blocked(lambda: any_es.index(index="books", id="2", document={"a": 2})) == reason
    replicas = {"number_of_replicas": 0}
    assert blocked(lambda: any_es.indices.put_settings(index="books", settings=replicas))
    assert blocked(lambda: any_es.indices.delete(index="books")) == reason
    assert any_es.count(index="books")["count"] == 1


def test_blocks_read_only_allow_delete_stops_writes_only(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"blocks.read_only_allow_delete": True})
    reason = blocked(lambda: any_es.index(index="books", document={"a": 1}), status=429)
    assert reason.startswith(
        "index [books] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage "
        "watermark, index has read-only-allow-delete block; for more information, see "
    )
    any_es.indices.put_settings(index="books", settings={"number_of_replicas": 0})
    any_es.indices.delete(index="books")
    assert not any_es.indices.exists(index="books")


# A null value at index creation: not set


def test_a_null_setting_at_creation_is_kept_null_and_its_default_applies(
    any_es: Elasticsearch,
) -> None:
    """django-elasticsearch-dsl-drf creates indices with ``"blocks":
    {"read_only_allow_delete": null}``. Elasticsearch keeps the null as sent (its
    ``Settings.Builder`` and ``MetadataCreateIndexService`` drop nothing): ``GET _settings`` shows
    it, ``include_defaults`` leaves it out of ``defaults`` (``Setting.diff`` skips a key that
    exists), and the index reads it as its default (``Setting.get``): no block."""
    blocks = {"read_only_allow_delete": None}
    created = any_es.indices.create(
        index="books", settings={"number_of_shards": 1, "blocks": blocks}
    )
    assert created["acknowledged"]
    got = any_es.indices.get_settings(index="books", include_defaults=True)["books"]
    assert got["settings"]["index"]["blocks"] == blocks
    assert "read_only_allow_delete" not in got["defaults"]["index"]["blocks"]
    any_es.index(index="books", id="1", document={"a": 1}, refresh=True)
    assert any_es.count(index="books")["count"] == 1
    # and PUT _settings with null removes it, as for any setting
    any_es.indices.put_settings(index="books", settings={"blocks": blocks})
    assert "index.blocks.read_only_allow_delete" not in flat_settings(any_es, "books")


def test_null_shards_and_replicas_at_creation_read_as_their_defaults(
    any_es: Elasticsearch,
) -> None:
    """The flat form too, and for the two settings every index has: Elasticsearch fills in a
    default only for an absent key, so the nulls stay, and one shard with one replica apply."""
    settings = {"index.number_of_shards": None, "index.number_of_replicas": None}
    any_es.indices.create(index="books", settings=settings)
    flat = flat_settings(any_es, "books")
    assert {name: flat[name] for name in settings} == settings
    (row,) = any_es.cat.indices(index="books", format="json")
    assert (row["pri"], row["rep"]) == ("1", "1")
    assert any_es.index(index="books", document={"a": 1})["_shards"]["total"] == 2


def test_a_null_in_a_template_or_in_the_request_leaves_the_setting_unset(
    any_es: Elasticsearch,
) -> None:
    """Templates keep nulls too, and the request's null overrides a template's value, as
    Elasticsearch merges them (``Settings.Builder.put``): the index is not blocked."""
    any_es.cluster.put_component_template(
        name="replicas", template={"settings": {"number_of_replicas": None}}
    )
    any_es.indices.put_index_template(
        name="books",
        index_patterns=["books*"],
        composed_of=["replicas"],
        template={"settings": {"blocks": {"write": True, "read_only_allow_delete": None}}},
    )
    any_es.indices.create(index="books", settings={"blocks": {"write": None}})
    flat = flat_settings(any_es, "books")
    for name in ("write", "read_only_allow_delete"):
        assert flat[f"index.blocks.{name}"] is None
    assert flat["index.number_of_replicas"] is None
    assert any_es.index(index="books", document={"a": 1})["result"] == "created"


def test_a_null_in_a_legacy_template_leaves_the_setting_unset(any_es: Elasticsearch) -> None:
    with pytest.warns(ElasticsearchWarning, match="Legacy index templates are deprecated"):
        any_es.indices.put_template(
            name="books", index_patterns=["books*"], settings={"blocks.read_only": None}
        )
    any_es.indices.create(index="books")
    assert flat_settings(any_es, "books")["index.blocks.read_only"] is None
    assert any_es.index(index="books", document={"a": 1})["result"] == "created"


# The documentation


def test_the_docs_name_every_applied_setting() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "embedded.md"
    text = docs.read_text().split("## Index settings", 1)[1].split("\n## ", 1)[0]
    missing = [
        name
        for name, spec in SETTINGS.items()
        if spec.status == APPLIED
        and f"`{name.removeprefix('index.')}`" not in text
        and not name.startswith("index.blocks.")
    ]
    assert missing == []
