"""The ``join`` field and its queries and aggregations, through the real client.

Expected scores are derived from the engine's own answers to plain searches (a parent's
``has_child`` score is its matching children's scores combined by ``score_mode``), so each
assertion checks the join, not a number copied from a run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from djangoes_backends_embedded import client as embedded_client
from djangoes_engine.engines import close_engine

RELATIONS = {"question": ["answer", "comment"], "answer": "vote"}


def load(es: Elasticsearch, index: str = "qa") -> Elasticsearch:
    es.indices.create(
        index=index,
        mappings={
            "properties": {
                "rel": {"type": "join", "relations": RELATIONS},
                "text": {"type": "text"},
                "tag": {"type": "keyword"},
            }
        },
    )
    docs: list[tuple[str, str | None, dict[str, Any]]] = [
        ("q1", None, {"rel": "question", "text": "how to search", "tag": "search"}),
        ("q2", None, {"rel": {"name": "question"}, "text": "how to index", "tag": "index"}),
        ("q3", None, {"rel": "question", "text": "no answers yet", "tag": "search"}),
        ("a1", "q1", {"rel": {"name": "answer", "parent": "q1"}, "text": "use search search"}),
        ("a2", "q1", {"rel": {"name": "answer", "parent": "q1"}, "text": "use solr"}),
        ("a3", "q2", {"rel": {"name": "answer", "parent": "q2"}, "text": "use solr solr"}),
        ("c1", "q2", {"rel": {"name": "comment", "parent": "q2"}, "text": "solr is fine"}),
        ("v1", "q1", {"rel": {"name": "vote", "parent": "a1"}, "text": "up"}),
    ]
    for doc_id, routing, doc in docs:
        es.index(index=index, id=doc_id, routing=routing, document=doc)
    es.indices.refresh(index=index)
    return es


@pytest.fixture
def qa(any_es: Elasticsearch) -> Elasticsearch:
    return load(any_es)


def ids(response: Any) -> list[str]:
    return sorted(hit["_id"] for hit in response["hits"]["hits"])


def scores(response: Any) -> dict[str, float]:
    return {hit["_id"]: hit["_score"] for hit in response["hits"]["hits"]}


def reason(exc: pytest.ExceptionInfo[BadRequestError]) -> str:
    error = exc.value.body["error"]
    return str((error.get("root_cause") or [error])[0]["reason"])


# The field


def test_the_mapping_reads_back_as_elasticsearch_shows_it(qa: Elasticsearch) -> None:
    field = qa.indices.get_mapping(index="qa")["qa"]["mappings"]["properties"]["rel"]
    assert field == {"type": "join", "eager_global_ordinals": True, "relations": RELATIONS}


@pytest.mark.parametrize(
    ("mappings", "message"),
    [
        (
            {"a": {"type": "join", "relations": {"x": "y"}}, "b": {"type": "join"}},
            "Only one [parent-join] field can be defined per index, got [a, b]",
        ),
        (
            {"o": {"properties": {"j": {"type": "join", "relations": {"x": "y"}}}}},
            "join field [o.j] cannot be added inside an object or in a multi-field",
        ),
        (
            {"j": {"type": "join", "relations": {"x": "y", "z": "y"}}},
            "[y] cannot have multiple parents",
        ),
    ],
)
def test_invalid_join_mappings_are_refused(
    any_es: Elasticsearch, mappings: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="bad", mappings={"properties": mappings})
    assert message in reason(exc)


@pytest.mark.parametrize(
    ("routing", "value", "message"),
    [
        (None, {"name": "answer", "parent": "q1"}, "[routing] is missing for join field [rel]"),
        ("q1", {"name": "answer"}, "[parent] is missing for join field [rel]"),
        (None, "nope", "unknown join name [nope] for field [rel]"),
        (None, {"name": "question", "other": "x"}, "unknown field name [other] in join field"),
        (None, 5, "[rel] expected START_OBJECT or VALUE_STRING but was: VALUE_NUMBER"),
    ],
)
def test_invalid_join_values_are_refused_and_nothing_is_written(
    qa: Elasticsearch, routing: str | None, value: Any, message: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        qa.index(index="qa", id="bad", routing=routing, document={"rel": value}, refresh=True)
    assert exc.value.body["error"]["type"] == "document_parsing_exception"
    assert message in reason(exc)
    assert not qa.exists(index="qa", id="bad")


def test_term_queries_and_terms_aggregations_see_relations_and_parent_ids(
    qa: Elasticsearch,
) -> None:
    assert ids(qa.search(index="qa", query={"term": {"rel": "answer"}})) == ["a1", "a2", "a3"]
    # rel#question holds each question's own id and its children's parent id
    found = qa.search(index="qa", query={"term": {"rel#question": "q2"}})
    assert ids(found) == ["a3", "c1", "q2"]
    aggs = qa.search(
        index="qa",
        size=0,
        aggs={"rels": {"terms": {"field": "rel"}}, "parents": {"terms": {"field": "rel#answer"}}},
    )["aggregations"]
    assert {b["key"]: b["doc_count"] for b in aggs["rels"]["buckets"]} == {
        "question": 3,
        "answer": 3,
        "comment": 1,
        "vote": 1,
    }
    # every answer is a parent (of votes): its own id, and a1's also in its vote
    assert {b["key"]: b["doc_count"] for b in aggs["parents"]["buckets"]} == {
        "a1": 2,
        "a2": 1,
        "a3": 1,
    }


# has_child


def test_has_child_finds_the_parents_of_matching_children(qa: Elasticsearch) -> None:
    query = {"has_child": {"type": "answer", "query": {"match": {"text": "solr"}}}}
    found = qa.search(index="qa", query=query)
    assert ids(found) == ["q1", "q2"]
    assert set(scores(found).values()) == {1.0}  # score_mode none: a constant score
    boosted = qa.search(index="qa", query={"has_child": {**query["has_child"], "boost": 3}})
    assert set(scores(boosted).values()) == {3.0}
    comments = {"has_child": {"type": "comment", "query": {"match": {"text": "solr"}}}}
    assert ids(qa.search(index="qa", query=comments)) == ["q2"]
    votes = {"has_child": {"type": "vote", "query": {"match_all": {}}}}
    assert ids(qa.search(index="qa", query=votes)) == ["a1"]


@pytest.mark.parametrize("mode", ["avg", "max", "min", "sum"])
def test_has_child_score_modes_combine_the_childrens_scores(qa: Elasticsearch, mode: str) -> None:
    inner = {"match": {"text": "use search solr"}}
    children = qa.search(
        index="qa", query={"bool": {"must": inner, "filter": {"term": {"rel": "answer"}}}}
    )
    by_parent: dict[str, list[float]] = {}
    for hit in children["hits"]["hits"]:
        by_parent.setdefault(hit["_source"]["rel"]["parent"], []).append(hit["_score"])
    combine = {"avg": lambda s: sum(s) / len(s), "max": max, "min": min, "sum": sum}[mode]
    query = {"has_child": {"type": "answer", "query": inner, "score_mode": mode}}
    found = scores(qa.search(index="qa", query=query))
    assert set(found) == set(by_parent)
    for parent, values in by_parent.items():
        assert found[parent] == pytest.approx(combine(values), rel=1e-6)


def test_min_and_max_children_bound_the_matching_children(qa: Elasticsearch) -> None:
    base = {"type": "answer", "query": {"match": {"text": "use"}}}
    assert ids(qa.search(index="qa", query={"has_child": base})) == ["q1", "q2"]
    two = {"has_child": {**base, "min_children": 2}}
    assert ids(qa.search(index="qa", query=two)) == ["q1"]
    one = {"has_child": {**base, "max_children": 1}}
    assert ids(qa.search(index="qa", query=one)) == ["q2"]
    with pytest.raises(BadRequestError) as exc:
        qa.search(index="qa", query={"has_child": {**base, "min_children": 3, "max_children": 1}})
    assert reason(exc) == "[has_child] 'max_children' is less than 'min_children'"


def test_has_child_inner_hits_list_the_matching_children(qa: Elasticsearch) -> None:
    query = {
        "has_child": {
            "type": "answer",
            "query": {"match": {"text": "use"}},
            "inner_hits": {"sort": [{"_seq_no": "desc"}], "_source": False},
        }
    }
    found = qa.search(index="qa", query=query)
    inner = {h["_id"]: h["inner_hits"]["answer"]["hits"] for h in found["hits"]["hits"]}
    assert [h["_id"] for h in inner["q1"]["hits"]] == ["a2", "a1"]
    assert inner["q1"]["total"] == {"value": 2, "relation": "eq"}
    assert inner["q1"]["hits"][0]["_routing"] == "q1"
    assert "_source" not in inner["q1"]["hits"][0]
    assert [h["_id"] for h in inner["q2"]["hits"]] == ["a3"]
    named = {"has_child": {**query["has_child"], "inner_hits": {"name": "best", "size": 1}}}
    hits = qa.search(index="qa", query=named)["hits"]["hits"]
    q1 = next(h for h in hits if h["_id"] == "q1")
    assert list(q1["inner_hits"]) == ["best"]
    assert len(q1["inner_hits"]["best"]["hits"]["hits"]) == 1
    assert q1["inner_hits"]["best"]["hits"]["hits"][0]["_source"]["rel"]["parent"] == "q1"


# has_parent and parent_id


def test_has_parent_finds_the_children_of_matching_parents(qa: Elasticsearch) -> None:
    query = {"has_parent": {"parent_type": "question", "query": {"match": {"text": "index"}}}}
    found = qa.search(index="qa", query=query)
    assert ids(found) == ["a3", "c1"]
    assert set(scores(found).values()) == {1.0}
    votes = {"has_parent": {"parent_type": "answer", "query": {"ids": {"values": ["a1"]}}}}
    assert ids(qa.search(index="qa", query=votes)) == ["v1"]


def test_has_parent_with_score_takes_the_parents_score(qa: Elasticsearch) -> None:
    inner = {"match": {"text": "how search"}}
    parents = scores(qa.search(index="qa", query=inner))
    query = {"has_parent": {"parent_type": "question", "query": inner, "score": True}}
    found = qa.search(index="qa", query=query)
    for hit in found["hits"]["hits"]:
        parent = hit["_source"]["rel"]["parent"]
        assert hit["_score"] == pytest.approx(parents[parent], rel=1e-6)
    assert ids(found) == ["a1", "a2", "a3", "c1"]


def test_has_parent_inner_hits_show_the_parent(qa: Elasticsearch) -> None:
    query = {
        "has_parent": {
            "parent_type": "question",
            "query": {"match": {"text": "index"}},
            "inner_hits": {},
        }
    }
    for hit in qa.search(index="qa", query=query)["hits"]["hits"]:
        parents = hit["inner_hits"]["question"]["hits"]
        assert [p["_id"] for p in parents["hits"]] == ["q2"]
        assert parents["hits"][0]["_source"]["tag"] == "index"


def test_parent_id_finds_the_children_of_one_relation(qa: Elasticsearch) -> None:
    answers = {"parent_id": {"type": "answer", "id": "q2"}}
    assert ids(qa.search(index="qa", query=answers)) == ["a3"]
    comments = {"parent_id": {"type": "comment", "id": "q2"}}
    assert ids(qa.search(index="qa", query=comments)) == ["c1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"has_child": {"type": "question", "query": {"match_all": {}}}},
            "[has_child] join field [rel] doesn't hold [question] as a child",
        ),
        (
            {"has_parent": {"parent_type": "vote", "query": {"match_all": {}}}},
            "[has_parent] join field [rel] doesn't hold [vote] as a parent",
        ),
        (
            {"parent_id": {"type": "question", "id": "q1"}},
            "[parent_id] join field [rel] doesn't hold [question] as a child",
        ),
        ({"has_child": {"query": {"match_all": {}}}}, "[has_child] requires 'type' field"),
        ({"has_parent": {"parent_type": "question"}}, "[has_parent] requires 'query' field"),
        ({"parent_id": {"type": "answer"}}, "[parent_id] requires 'id' field"),
        (
            {"has_child": {"type": "answer", "query": {"match_all": {}}, "score_mode": "best"}},
            "illegal score_mode for nested query [best]",
        ),
        (
            {"has_child": {"type": "answer", "query": {"match_all": {}}, "min_children": -1}},
            "[has_child] requires non-negative 'min_children' field",
        ),
        (
            {"has_child": {"type": "answer", "query": {"match_all": {}}, "depth": 1}},
            "[has_child] query does not support [depth]",
        ),
    ],
)
def test_join_query_errors(qa: Elasticsearch, query: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequestError) as exc:
        qa.search(index="qa", query=query)
    assert reason(exc) == message


def test_an_index_without_a_join_field(any_es: Elasticsearch) -> None:
    any_es.index(index="plain", id="1", document={"a": 1}, refresh=True)
    query: dict[str, Any] = {"has_child": {"type": "x", "query": {"match_all": {}}}}
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="plain", query=query)
    assert reason(exc) == "[has_child] no join field has been configured"
    query["has_child"]["ignore_unmapped"] = True
    assert any_es.search(index="plain", query=query)["hits"]["total"]["value"] == 0
    unknown = {"has_parent": {"parent_type": "x", "query": {"match_all": {}}}}
    unknown["has_parent"]["ignore_unmapped"] = True
    assert any_es.search(index="plain", query=unknown)["hits"]["total"]["value"] == 0


def test_inner_hits_errors(qa: Elasticsearch) -> None:
    twice = {
        "bool": {
            "should": [
                {"has_child": {"type": "answer", "query": {"match_all": {}}, "inner_hits": {}}},
                {"has_child": {"type": "answer", "query": {"match_all": {}}, "inner_hits": {}}},
            ]
        }
    }
    with pytest.raises(BadRequestError) as exc:
        qa.search(index="qa", query=twice)
    assert reason(exc) == "[inner_hits] already contains an entry for key [answer]"
    wide = {"has_child": {"type": "answer", "query": {"match_all": {}}, "inner_hits": {}}}
    wide["has_child"]["inner_hits"] = {"from": 90, "size": 11}
    with pytest.raises(BadRequestError) as exc:
        qa.search(index="qa", query=wide)
    assert (
        "the inner hit definition's [answer]'s from + size must be less than or equal to: "
        "[100] but was [101]" in reason(exc)
    )


# Changes


def test_moving_and_deleting_documents_changes_the_joins(qa: Elasticsearch) -> None:
    query = {"has_child": {"type": "answer", "query": {"match": {"text": "solr"}}}}
    assert ids(qa.search(index="qa", query=query)) == ["q1", "q2"]
    qa.index(
        index="qa",
        id="a2",
        routing="q3",
        document={"rel": {"name": "answer", "parent": "q3"}, "text": "use solr"},
    )
    qa.delete(index="qa", id="a3", refresh=True)
    assert ids(qa.search(index="qa", query=query)) == ["q3"]


# Aggregations


def test_children_and_parent_aggregations(qa: Elasticsearch) -> None:
    aggs = {
        "tags": {
            "terms": {"field": "tag"},
            "aggs": {"answers": {"children": {"type": "answer"}}},
        },
        "comments": {"children": {"type": "comment"}},
        "unknown": {"children": {"type": "nothing"}},
    }
    found = qa.search(index="qa", size=0, query={"term": {"rel": "question"}}, aggs=aggs)
    result = found["aggregations"]
    by_tag = {b["key"]: b["answers"]["doc_count"] for b in result["tags"]["buckets"]}
    assert by_tag == {"search": 2, "index": 1}  # q1's two answers; q3 has none
    assert result["comments"] == {"doc_count": 1}
    assert result["unknown"] == {"doc_count": 0}
    parents = qa.search(
        index="qa",
        size=0,
        query={"match": {"text": "solr"}},
        aggs={"q": {"parent": {"type": "answer"}, "aggs": {"t": {"terms": {"field": "tag"}}}}},
    )["aggregations"]["q"]
    assert parents["doc_count"] == 2  # answers a2 and a3 have parents q1 and q2
    assert {b["key"] for b in parents["t"]["buckets"]} == {"search", "index"}
    with pytest.raises(BadRequestError) as exc:
        qa.search(index="qa", size=0, aggs={"p": {"parent": {}}})
    assert reason(exc) == "Missing [type] field for parent aggregation [p]"


def test_joins_survive_a_restart(tmp_path: Path) -> None:
    es = load(embedded_client(str(tmp_path)))
    es.indices.flush(index="qa")
    es.close()
    close_engine(str(tmp_path))
    reopened = embedded_client(str(tmp_path))
    try:
        query = {"has_child": {"type": "answer", "query": {"match": {"text": "solr"}}}}
        assert ids(reopened.search(index="qa", query=query)) == ["q1", "q2"]
        parents = {"has_parent": {"parent_type": "question", "query": {"term": {"tag": "index"}}}}
        assert ids(reopened.search(index="qa", query=parents)) == ["a3", "c1"]
    finally:
        reopened.close()
        close_engine(str(tmp_path))


def test_an_index_from_an_engine_that_did_not_index_joins_is_indexed_again(
    tmp_path: Path,
) -> None:
    """An index written when join fields were kept in ``_source`` only has no slot for them:
    opened, its documents are indexed again, so that the join queries find them."""
    import json

    es = load(embedded_client(str(tmp_path)))
    es.indices.flush(index="qa")
    es.close()
    close_engine(str(tmp_path))
    (layout_file,) = tmp_path.glob("indices/*/layout.json")
    layout = json.loads(layout_file.read_text())
    for path in ("rel", "rel#question", "rel#answer"):  # as the older engine saved it:
        layout["spares"].append(layout["slots"].pop(path))  # no slot, same tantivy schema
    layout_file.write_text(json.dumps(layout))
    reopened = embedded_client(str(tmp_path))
    try:
        query = {"has_child": {"type": "answer", "query": {"match": {"text": "solr"}}}}
        assert ids(reopened.search(index="qa", query=query)) == ["q1", "q2"]
    finally:
        reopened.close()
        close_engine(str(tmp_path))
