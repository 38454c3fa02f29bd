"""``fielddata: true`` on text fields: aggregations and sorting on the analyzed terms.

Elasticsearch uninverts the index: a document's values for a fielddata text field are the
distinct terms its analyzer made. Expected values are computed here from the documents (a
path-hierarchy split, a lowercase word split), independently of the engine.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch, helpers

PATH_ANALYSIS = {
    "analysis": {
        "analyzer": {
            "file_path": {"type": "custom", "tokenizer": "path_hierarchy", "filter": ["lowercase"]}
        }
    }
}
MAPPINGS = {
    "properties": {
        "files": {"type": "text", "analyzer": "file_path", "fielddata": True},
        "body": {"type": "text", "fielddata": True},
        "plain": {"type": "text"},
        "size": {"type": "long"},
    }
}
DOCS: list[dict[str, Any]] = [
    {"files": ["src/app.py", "src/lib/util.py"], "body": "Hello hello World", "size": 3},
    {"files": ["SRC/App.py"], "body": "the world is big", "size": 10},
    {"files": ["docs/index.md", "src/lib/io.py"], "body": "Big big data", "size": 7},
    {"files": "README", "body": "hello again", "size": 1},
    {"body": "world", "size": 4},
    {"files": [], "plain": "nothing here", "size": 2},
]


def path_terms(doc: dict[str, Any]) -> set[str]:
    """What path_hierarchy + lowercase make of a document's files: every leading path."""
    found = set()
    files = doc.get("files") or []
    for path in [files] if isinstance(files, str) else files:
        parts = path.lower().split("/")
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return found


def word_terms(doc: dict[str, Any]) -> set[str]:
    return set(re.findall(r"\w+", doc.get("body", "").lower()))


def counts(terms_of: Any, docs: list[dict[str, Any]]) -> Counter:
    return Counter(term for doc in docs for term in terms_of(doc))


@pytest.fixture
def client(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="repo", settings=PATH_ANALYSIS, mappings=MAPPINGS)
    half = len(DOCS) // 2
    for start, end in ((0, half), (half, len(DOCS))):  # two segments
        helpers.bulk(
            any_es,
            [{"_index": "repo", "_id": str(i), "_source": DOCS[i]} for i in range(start, end)],
        )
        any_es.indices.refresh(index="repo")
    return any_es


def aggs(es: Elasticsearch, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return es.search(index="repo", size=0, aggs=body, **kwargs)["aggregations"]


def buckets(result: dict[str, Any]) -> list[tuple[Any, int]]:
    return [(b["key"], b["doc_count"]) for b in result["buckets"]]


def test_terms_count_each_analyzed_term_once_per_document(client: Elasticsearch) -> None:
    expected = counts(path_terms, DOCS)
    top = sorted(expected.items(), key=lambda item: (-item[1], item[0]))
    found = aggs(client, {"t": {"terms": {"field": "files", "size": 4}}})["t"]
    assert buckets(found) == top[:4]
    assert found["sum_other_doc_count"] == sum(count for _, count in top[4:])
    words = counts(word_terms, DOCS)
    by_key = aggs(
        client, {"w": {"terms": {"field": "body", "size": 100, "order": {"_key": "asc"}}}}
    )
    assert buckets(by_key["w"]) == sorted(words.items())
    assert dict(buckets(by_key["w"]))["hello"] == 2  # "Hello hello" counts one document


def test_terms_filters_query_and_sub_aggregations(client: Elasticsearch) -> None:
    matching = [doc for doc in DOCS if doc["size"] >= 3]
    body = {
        "t": {
            "terms": {"field": "files", "include": "src/.*", "size": 10},
            "aggs": {"biggest": {"max": {"field": "size"}}},
        }
    }
    found = aggs(client, body, query={"range": {"size": {"gte": 3}}})["t"]
    expected = {t: c for t, c in counts(path_terms, matching).items() if t.startswith("src/")}
    assert dict(buckets(found)) == expected
    for bucket in found["buckets"]:
        sizes = [doc["size"] for doc in matching if bucket["key"] in path_terms(doc)]
        assert bucket["biggest"]["value"] == max(sizes)


def test_min_doc_count_zero_lists_the_other_terms(client: Elasticsearch) -> None:
    found = aggs(
        client,
        {"t": {"terms": {"field": "body", "min_doc_count": 0, "size": 100}}},
        query={"term": {"size": 1}},
    )["t"]
    everything = counts(word_terms, DOCS)
    assert {key for key, _ in buckets(found)} == set(everything)
    assert dict(buckets(found)) == {t: int(t in {"hello", "again"}) for t in everything}


def test_cardinality_value_count_and_missing(client: Elasticsearch) -> None:
    found = aggs(
        client,
        {
            "distinct": {"cardinality": {"field": "files"}},
            "values": {"value_count": {"field": "body"}},
            "without": {"missing": {"field": "files"}},
        },
    )
    assert found["distinct"]["value"] == len(counts(path_terms, DOCS))
    assert found["values"]["value"] == sum(len(word_terms(doc)) for doc in DOCS)
    assert found["without"]["doc_count"] == sum(1 for doc in DOCS if not path_terms(doc))


def test_sort_by_smallest_or_largest_term(client: Elasticsearch) -> None:
    with_body = [(str(i), word_terms(doc)) for i, doc in enumerate(DOCS) if word_terms(doc)]
    hits = client.search(index="repo", sort=[{"body": "asc"}, "size"], size=10)["hits"]["hits"]
    shown = [(hit["_id"], hit["sort"][0]) for hit in hits[: len(with_body)]]
    ascending = sorted(with_body, key=lambda item: (min(item[1]), DOCS[int(item[0])]["size"]))
    assert shown == [(i, min(terms)) for i, terms in ascending]
    hits = client.search(index="repo", sort=[{"body": "desc"}, "size"], size=10)["hits"]["hits"]
    shown = [(hit["_id"], hit["sort"][0]) for hit in hits[: len(with_body)]]
    descending = sorted(
        with_body, key=lambda item: (_reverse(max(item[1])), DOCS[int(item[0])]["size"])
    )
    assert shown == [(i, max(terms)) for i, terms in descending]


def _reverse(text: str) -> list[int]:
    return [-ord(char) for char in text] + [1]


def test_text_without_fielddata_keeps_elasticsearch_refusal(client: Elasticsearch) -> None:
    expected = (
        "Fielddata is disabled on [plain] in [repo]. Text fields are not optimised for "
        "operations that require per-document field data like aggregations and sorting, so "
        "these operations are disabled by default. Please use a keyword field instead. "
        "Alternatively, set fielddata=true on [plain] in order to load field data by "
        "uninverting the inverted index. Note that this can use significant memory."
    )
    with pytest.raises(BadRequestError) as agg_error:
        aggs(client, {"t": {"terms": {"field": "plain"}}})
    assert agg_error.value.body["error"]["root_cause"][0]["reason"] == expected
    with pytest.raises(BadRequestError) as sort_error:
        client.search(index="repo", sort=[{"plain": "asc"}])
    assert sort_error.value.body["error"]["root_cause"][0]["reason"] == expected


def test_numeric_aggregations_refuse_text(client: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as error:
        aggs(client, {"a": {"avg": {"field": "body"}}})
    assert error.value.body["error"]["root_cause"][0]["reason"] == (
        "Field [body] of type [text] is not supported for aggregation [avg]"
    )


def test_enabling_fielddata_later_uninverts_existing_documents(client: Elasticsearch) -> None:
    client.indices.put_mapping(
        index="repo", properties={"plain": {"type": "text", "fielddata": True}}
    )
    found = aggs(client, {"t": {"terms": {"field": "plain"}}})["t"]
    assert buckets(found) == [("here", 1), ("nothing", 1)]


def test_frequency_filter_is_refused_by_name(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="freq",
        mappings={
            "properties": {
                "t": {
                    "type": "text",
                    "fielddata": True,
                    "fielddata_frequency_filter": {"min": 0.1, "max": 1.0},
                }
            }
        },
    )
    any_es.index(index="freq", document={"t": "a b"}, refresh=True)
    for call in (
        lambda: any_es.search(index="freq", aggs={"t": {"terms": {"field": "t"}}}),
        lambda: any_es.search(index="freq", sort=[{"t": "asc"}]),
    ):
        with pytest.raises(BadRequestError) as error:
            call()
        assert "[fielddata_frequency_filter]" in str(error.value)
        assert "not supported" in str(error.value)


def test_fielddata_needs_an_indexed_field(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as error:
        any_es.indices.create(
            index="bad",
            mappings={"properties": {"t": {"type": "text", "index": False, "fielddata": True}}},
        )
    assert error.value.body["error"]["type"] == "mapper_parsing_exception"
    assert error.value.body["error"]["reason"] == (
        "Failed to parse mapping: Cannot enable fielddata on a [text] field that is not "
        "indexed: [t]"
    )


def test_docvalue_fields_are_the_sorted_distinct_terms(client: Elasticsearch) -> None:
    hits = client.search(
        index="repo", docvalue_fields=["files", "body"], sort=["size"], source=False, size=10
    )["hits"]["hits"]
    by_size = sorted(DOCS, key=lambda doc: doc["size"])
    for hit, doc in zip(hits, by_size, strict=True):
        expected = {"files": sorted(path_terms(doc)), "body": sorted(word_terms(doc))}
        assert hit.get("fields", {}) == {k: v for k, v in expected.items() if v}
    with pytest.raises(BadRequestError) as error:
        client.search(index="repo", docvalue_fields=["plain"])
    assert error.value.body["error"]["root_cause"][0]["reason"].startswith(
        "Fielddata is disabled on [plain] in [repo]."
    )
