"""Refusals where the engine would otherwise answer a 200 that differs from Elasticsearch's:
what it cannot serve is a 400 naming it, and what Elasticsearch refuses, it refuses too."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, ElasticsearchWarning

UNSUPPORTED = "is not supported by the djangoes embedded engine"


def reason_of(exc: pytest.ExceptionInfo[ApiError]) -> str:
    return str(exc.value.body["error"]["root_cause"][0]["reason"])


@pytest.fixture
def nested(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="t",
        mappings={"properties": {"o": {"type": "object"}, "n": {"type": "nested"}}},
    )
    any_es.index(index="t", id="1", document={"o": {"a": 1}, "n": [{"a": 1}]}, refresh=True)
    return any_es


def test_a_nested_query_needs_a_nested_path(nested: Elasticsearch) -> None:
    """Elasticsearch 9 looks the path up among nested fields only: an object path is missing."""
    found = nested.search(index="t", query={"nested": {"path": "n", "query": {"term": {"n.a": 1}}}})
    assert found["hits"]["total"]["value"] == 1
    for path in ("o", "nowhere"):
        with pytest.raises(BadRequestError) as exc:
            nested.search(index="t", query={"nested": {"path": path, "query": {"match_all": {}}}})
        cause = exc.value.body["error"]["root_cause"][0]
        assert cause["type"] == "query_shard_exception"
        assert cause["reason"] == (
            f"failed to create query: [nested] failed to find nested object under path [{path}]"
        )
        query = {"nested": {"path": path, "query": {"match_all": {}}, "ignore_unmapped": True}}
        assert nested.search(index="t", query=query)["hits"]["total"]["value"] == 0


@pytest.mark.parametrize("option", ["highlight", "explain", "docvalue_fields", "script_fields"])
def test_inner_hits_options_not_applied_are_refused_not_dropped(
    nested: Elasticsearch, option: str
) -> None:
    inner_hits = {option: {"fields": {"n.a": {}}} if option == "highlight" else True}
    query = {"nested": {"path": "n", "query": {"match_all": {}}, "inner_hits": inner_hits}}
    with pytest.raises(BadRequestError) as exc:
        nested.search(index="t", query=query)
    assert reason_of(exc) == f"[{option}] in [inner_hits] {UNSUPPORTED}"


@pytest.mark.parametrize(
    ("inner", "ids"),
    [
        ({"bool": {"must": [{"term": {"n.a": 1}}, {"term": {"n.b": 2}}]}}, ["2"]),
        ({"bool": {"filter": [{"term": {"n.a": 1}}], "must": {"term": {"n.b": 2}}}}, ["2"]),
        ({"bool": {"must_not": {"term": {"n.a": 1}}}}, ["1"]),
        (
            {
                "bool": {
                    "should": [{"term": {"n.a": 1}}, {"term": {"n.b": 2}}],
                    "minimum_should_match": 2,
                }
            },
            ["2"],
        ),
        ({"match": {"n.c": {"query": "x y", "operator": "and"}}}, ["2"]),
        (
            {"constant_score": {"filter": {"bool": {"must_not": {"exists": {"field": "n.a"}}}}}},
            ["1"],
        ),
    ],
)
def test_nested_conditions_must_hold_on_one_object(
    nested: Elasticsearch, inner: dict[str, Any], ids: list[str]
) -> None:
    """Each nested object is a document of its own: a conjunction or a negation must be met by
    one object (document 1 meets each half of them on a different object, 2 on one)."""
    nested.index(
        index="t", id="1", document={"n": [{"a": 1, "c": "x"}, {"b": 2, "c": "y"}]}, refresh=True
    )
    nested.index(index="t", id="2", document={"n": [{"a": 1, "b": 2, "c": "x y"}]}, refresh=True)
    found = nested.search(index="t", query={"nested": {"path": "n", "query": inner}})
    assert sorted(hit["_id"] for hit in found["hits"]["hits"]) == ids


@pytest.mark.parametrize(
    "inner",
    [
        {"term": {"n.a": 1}},
        {"bool": {"should": [{"term": {"n.a": 1}}, {"term": {"n.a": 5}}]}},
        {"bool": {"filter": {"range": {"n.a": {"gte": 1}}}, "should": {"term": {"n.a": 2}}}},
        {"dis_max": {"queries": [{"term": {"n.a": 1}}, {"exists": {"field": "n.b"}}]}},
        {"constant_score": {"filter": {"term": {"n.a": 1}}}},
    ],
)
def test_nested_conditions_one_object_can_answer_are_served(
    nested: Elasticsearch, inner: dict[str, Any]
) -> None:
    found = nested.search(index="t", query={"nested": {"path": "n", "query": inner}})
    assert [hit["_id"] for hit in found["hits"]["hits"]] == ["1"]


#: A body of each query the engine serves, with an unknown key where Elasticsearch reads its
#: options, and Elasticsearch's answer to it.
UNKNOWN_KEY = {
    "match_all": ({"foo": 1}, "[match_all] query does not support [foo]"),
    "match_none": ({"foo": 1}, "[match_none] query does not support [foo]"),
    "term": ({"k": {"value": "a", "foo": 1}}, "[term] query does not support [foo]"),
    "terms": ({"k": ["a"], "foo": {}}, "[terms] query does not support"),
    "ids": ({"values": ["1"], "foo": 1}, "[ids] unknown field [foo]"),
    "exists": ({"field": "k", "foo": 1}, "[exists] query does not support [foo]"),
    "range": ({"n": {"gte": 1, "foo": 1}}, "[range] query does not support [foo]"),
    "prefix": ({"k": {"value": "a", "foo": 1}}, "[prefix] query does not support [foo]"),
    "wildcard": ({"k": {"value": "a*", "foo": 1}}, "[wildcard] query does not support [foo]"),
    "regexp": ({"k": {"value": "a", "foo": 1}}, "[regexp] query does not support [foo]"),
    "fuzzy": ({"k": {"value": "a", "foo": 1}}, "[fuzzy] query does not support [foo]"),
    "match": ({"t": {"query": "x", "foo": 1}}, "[match] query does not support [foo]"),
    "match_phrase": ({"t": {"query": "x", "foo": 1}}, "[match_phrase] query does not support"),
    "match_phrase_prefix": (
        {"t": {"query": "x", "foo": 1}},
        "[match_phrase_prefix] query does not support [foo]",
    ),
    "match_bool_prefix": (
        {"t": {"query": "x", "foo": 1}},
        "[match_bool_prefix] query does not support [foo]",
    ),
    "multi_match": ({"query": "x", "fields": ["t"], "foo": 1}, "[multi_match] query does not"),
    "combined_fields": ({"query": "x", "fields": ["t"], "foo": 1}, "[combined_fields] unknown"),
    "query_string": ({"query": "x", "foo": 1}, "[query_string] query does not support [foo]"),
    "simple_query_string": ({"query": "x", "foo": 1}, "[simple_query_string] unsupported field"),
    "bool": ({"foo": 1}, "[bool] query does not support [foo]"),
    "constant_score": (
        {"filter": {"match_all": {}}, "foo": 1},
        "[constant_score] query does not support [foo]",
    ),
    "dis_max": ({"queries": [{"match_all": {}}], "foo": 1}, "[dis_max] query does not support"),
    "more_like_this": ({"fields": ["t"], "like": "x", "foo": 1}, "[mlt] query does not support"),
    "knn": ({"field": "v", "query_vector": [1.0], "foo": 1}, "[knn] unknown field [foo]"),
    "script_score": (
        {"query": {"match_all": {}}, "script": "1", "foo": 1},
        "[script_score] query does not support [foo]",
    ),
    "boosting": (
        {
            "positive": {"match_all": {}},
            "negative": {"match_all": {}},
            "negative_boost": 0.5,
            "x": 1,
        },
        "[boosting] query does not support [x]",
    ),
    "nested": ({"path": "o", "query": {"match_all": {}}, "foo": 1}, "[nested] query does not"),
    "wrapper": ({"query": "e30=", "foo": 1}, "query malformed, empty clause found"),
    "has_child": (
        {"type": "a", "query": {"match_all": {}}, "foo": 1},
        "[has_child] query does not support [foo]",
    ),
    "has_parent": (
        {"parent_type": "q", "query": {"match_all": {}}, "foo": 1},
        "[has_parent] query does not support [foo]",
    ),
    "parent_id": ({"type": "a", "id": "1", "foo": 1}, "[parent_id] query does not support [foo]"),
    "geo_distance": (
        {"distance": "1km", "k": [0, 0], "foo": 1},
        "failed to parse [geo_distance] query. unexpected field [foo]",
    ),
    "geo_bounding_box": (
        {"k": {"top": 1, "left": 0, "bottom": 0, "right": 1}, "foo": 1},
        "failed to parse [geo_bounding_box] query. unexpected field [foo]",
    ),
    "percolate": ({"field": "q", "document": {}, "foo": 1}, "[percolate] unknown field [foo]"),
}


@pytest.fixture
def fields(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="f",
        mappings={
            "properties": {
                "k": {"type": "keyword"},
                "n": {"type": "long"},
                "t": {"type": "text"},
                "o": {"type": "nested"},
            }
        },
    )
    any_es.index(index="f", id="1", document={"k": "a", "n": 1, "t": "x y"}, refresh=True)
    return any_es


def test_every_served_query_is_in_the_table() -> None:
    from djangoes_engine.query.context import QUERIES

    served = set()
    for kind, build in QUERIES.items():
        if build.__qualname__.startswith("q_unsupported"):
            continue
        served.add(kind)
    assert served == set(UNKNOWN_KEY)


@pytest.mark.parametrize("kind", sorted(UNKNOWN_KEY))
def test_an_unknown_key_of_a_query_is_refused(fields: Elasticsearch, kind: str) -> None:
    body, reason = UNKNOWN_KEY[kind]
    with pytest.raises(BadRequestError) as exc:
        fields.search(index="f", query={kind: body})
    assert reason_of(exc).startswith(reason)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (
            {"match_bool_prefix": {"t": {"query": "x", "fuzziness": 1}}},
            "[fuzziness] in a [match_bool_prefix] query",
        ),
        ({"regexp": {"k": {"value": "a", "flags": "NONE"}}}, "[flags] other than ALL"),
    ],
)
def test_options_the_engine_does_not_apply_are_refused(
    fields: Elasticsearch, query: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        fields.search(index="f", query=query)
    assert reason_of(exc).startswith(reason) and UNSUPPORTED in reason_of(exc)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"highlight": {"fields": {"k": {}}, "foo": 1}}, "[highlight] unknown field [foo]"),
        ({"highlight": {"fields": {"k": {"foo": 1}}}}, "[highlight_field] unknown field [foo]"),
        (
            {"highlight": {"fields": {"k": {}}, "highlight_query": {"match_all": {}}}},
            f"[highlight_query] in a highlight {UNSUPPORTED}",
        ),
        (
            {"highlight": {"fields": {"k": {}}, "encoder": "html"}},
            f"a highlight [encoder] other than default {UNSUPPORTED}",
        ),
        ({"_source": {"includes": ["k"], "foo": 1}}, "Unknown key for a VALUE_NUMBER in [foo]."),
    ],
)
def test_unknown_or_unapplied_search_options_are_refused_even_without_hits(
    any_es: Elasticsearch, body: dict[str, Any], reason: str
) -> None:
    any_es.indices.create(index="empty")
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="empty", body=body)
    assert reason_of(exc) == reason


def test_source_include_is_a_deprecated_spelling_of_includes(fields: Elasticsearch) -> None:
    with pytest.warns(ElasticsearchWarning, match=r"Deprecated field \[include\] used"):
        found = fields.search(index="f", source={"include": ["k"]})
    assert found["hits"]["hits"][0]["_source"] == {"k": "a"}


def test_source_exclude_vectors_leaves_the_vector_fields_out(any_es: Elasticsearch) -> None:
    """Elasticsearch 9.1's ``_source.exclude_vectors``, which elasticsearch.dsl 9 sends."""
    any_es.indices.create(
        index="v",
        mappings={
            "properties": {
                "v": {"type": "dense_vector", "dims": 2},
                "o": {"properties": {"w": {"type": "dense_vector", "dims": 2}}},
            }
        },
    )
    any_es.index(index="v", id="1", document={"v": [1, 2], "o": {"w": [3, 4], "k": "a"}, "t": "x"})
    any_es.indices.refresh(index="v")

    def source(spec: dict[str, Any]) -> dict[str, Any]:
        return dict(any_es.search(index="v", source=spec)["hits"]["hits"][0]["_source"])

    assert source({"exclude_vectors": True}) == {"o": {"k": "a"}, "t": "x"}
    assert source({"exclude_vectors": True, "excludes": ["t"]}) == {"o": {"k": "a"}}
    assert source({"exclude_vectors": False})["v"] == [1, 2]


def test_aggregating_the_id_field_is_refused_not_empty(any_es: Elasticsearch) -> None:
    """Elasticsearch 8+ refuses fielddata on ``_id``; the engine answered no buckets."""
    any_es.index(index="ids", id="1", document={"a": 1}, refresh=True)
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="ids", size=0, aggs={"x": {"terms": {"field": "_id"}}})
    assert reason_of(exc) == (
        "Fielddata access on the _id field is disallowed, you can re-enable it by updating the "
        "dynamic cluster setting: indices.id_field_data.enabled"
    )


#: A valid body of every served aggregation, to which the test adds a key none of them reads.
AGGREGATION_BODIES: dict[str, dict[str, Any]] = {
    "avg": {"field": "n"},
    "cardinality": {"field": "k"},
    "children": {"type": "a"},
    "composite": {"sources": [{"k": {"terms": {"field": "k"}}}]},
    "date_histogram": {"field": "d", "calendar_interval": "day"},
    "date_range": {"field": "d", "ranges": [{"to": "now"}]},
    "extended_stats": {"field": "n"},
    "filter": None,  # its body is a query: an unknown key is an unknown query
    "filters": {"filters": {"a": {"match_all": {}}}},
    "geo_bounds": {"field": "g"},
    "geo_centroid": {"field": "g"},
    "geo_distance": {"field": "g", "origin": "0,0", "ranges": [{"to": 1}]},
    "geohash_grid": {"field": "g"},
    "global": {},
    "histogram": {"field": "n", "interval": 1},
    "max": {"field": "n"},
    "min": {"field": "n"},
    "missing": {"field": "k"},
    "nested": {"path": "o"},
    "parent": {"type": "a"},
    "percentiles": {"field": "n"},
    "range": {"field": "n", "ranges": [{"to": 1}]},
    "reverse_nested": None,  # only under nested: see test_nested
    "stats": {"field": "n"},
    "sum": {"field": "n"},
    "terms": {"field": "k"},
    "top_hits": {"size": 1},
    "value_count": {"field": "k"},
}


def test_every_served_aggregation_is_in_the_table() -> None:
    from djangoes_engine.aggs import REGISTRY

    assert set(REGISTRY) == set(AGGREGATION_BODIES)


@pytest.mark.parametrize(
    "kind", sorted(k for k, body in AGGREGATION_BODIES.items() if body is not None)
)
def test_an_unknown_key_of_an_aggregation_is_refused(fields: Elasticsearch, kind: str) -> None:
    """Every aggregation the engine serves refuses a key it does not read, in Elasticsearch's
    words, rather than ignoring it."""
    body = {**AGGREGATION_BODIES[kind], "nonsense_key": 1}
    with pytest.raises(BadRequestError) as exc:
        fields.search(index="f", size=0, aggs={"x": {kind: body}})
    assert f"[{kind}] unknown field [nonsense_key]" in reason_of(exc)
