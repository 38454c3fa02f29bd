"""The ``percolator`` field and the ``percolate`` query, as Elasticsearch answers them: stored
queries parsed against the mapping at index time, run against the given documents parsed
with the same mapping, hits carrying the slots of the documents they matched.
"""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

MAPPINGS = {
    "properties": {
        "query": {"type": "percolator"},
        "content": {"type": "text"},
        "tag": {"type": "keyword"},
        "price": {"type": "long"},
        "kind": {"type": "keyword"},
    }
}
QUERIES = {
    "python": {"query": {"match": {"content": "python"}}, "kind": "topic"},
    "cheap": {"query": {"range": {"price": {"lt": 10}}}, "kind": "price"},
    "named": {
        "query": {
            "bool": {
                "should": [
                    {"match": {"content": {"query": "snake", "_name": "snake"}}},
                    {"term": {"tag": {"value": "pets", "_name": "pets"}}},
                ]
            }
        },
        "kind": "topic",
    },
}


@pytest.fixture
def stored(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="queries", mappings=MAPPINGS)
    for doc_id, doc in QUERIES.items():
        any_es.index(index="queries", id=doc_id, document=doc)
    any_es.indices.refresh(index="queries")
    return any_es


def _percolate(es: Elasticsearch, **percolate: object) -> list[dict]:
    query = {"percolate": {"field": "query", **percolate}}
    return es.search(index="queries", query=query).body["hits"]["hits"]


def test_a_document_finds_the_queries_it_matches(stored: Elasticsearch) -> None:
    hits = _percolate(stored, document={"content": "All about Python", "price": 30})
    assert [(h["_id"], h["fields"]) for h in hits] == [
        ("python", {"_percolator_document_slot": [0]})
    ]
    # BM25 over the one document, as Lucene's MemoryIndex scores it.
    assert hits[0]["_score"] == pytest.approx(0.2876821)
    assert hits[0]["_source"] == QUERIES["python"]


def test_the_document_is_parsed_with_the_index_mapping(stored: Elasticsearch) -> None:
    hits = _percolate(stored, document={"price": "5"})
    assert [h["_id"] for h in hits] == ["cheap"]
    assert _percolate(stored, document={"tag": "Pets"}) == []  # keyword: exact
    assert [h["_id"] for h in _percolate(stored, document={"tag": "pets"})] == ["named"]


def test_several_documents_and_named_parts(stored: Elasticsearch) -> None:
    documents = [
        {"content": "snakes"},
        {"content": "a snake and python", "tag": "pets"},
        {"content": "python", "price": 3},
        {"content": "a snake"},
    ]
    hits = {h["_id"]: h["fields"] for h in _percolate(stored, documents=documents)}
    assert hits == {
        "python": {"_percolator_document_slot": [1, 2]},
        "cheap": {"_percolator_document_slot": [2]},
        "named": {
            "_percolator_document_slot": [1, 3],
            "_percolator_document_slot_1_matched_queries": ["snake", "pets"],
            "_percolator_document_slot_3_matched_queries": ["snake"],
        },
    }


def test_an_indexed_document(stored: Elasticsearch) -> None:
    stored.index(index="posts", id="1", document={"content": "python snakes"}, refresh=True)
    hits = _percolate(stored, index="posts", id="1")
    assert [h["_id"] for h in hits] == ["python"]
    with pytest.raises(NotFoundError) as error:
        _percolate(stored, index="posts", id="2")
    assert "indexed document [posts/2] couldn't be found" in str(error.value.body["error"])


def test_percolate_combines_with_other_clauses(stored: Elasticsearch) -> None:
    percolate = {"percolate": {"field": "query", "document": {"content": "python", "price": 1}}}
    hits = stored.search(
        index="queries",
        query={"bool": {"must": [percolate], "filter": [{"term": {"kind": "price"}}]}},
    ).body["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["cheap"]


def test_several_percolate_queries_name_their_slot_fields(stored: Elasticsearch) -> None:
    should = [
        {"percolate": {"field": "query", "document": {"content": "python"}, "name": "a"}},
        {"percolate": {"field": "query", "documents": [{"price": 1}, {"content": "python"}]}},
    ]
    hits = stored.search(index="queries", query={"bool": {"should": should}}).body["hits"]["hits"]
    fields = {h["_id"]: h["fields"] for h in hits}
    assert fields == {
        "python": {"_percolator_document_slot_a": [0], "_percolator_document_slot_query": [1]},
        "cheap": {"_percolator_document_slot_query": [0]},
    }


def test_stored_queries_are_checked_at_index_time(stored: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as error:
        stored.index(index="queries", id="x", document={"query": {"match": {"nope": "x"}}})
    body = error.value.body["error"]
    assert body["type"] == "document_parsing_exception"
    assert body["reason"].startswith("failed to parse field [query] of type [percolator]")
    assert body["caused_by"]["type"] == "query_shard_exception"
    assert (
        body["caused_by"]["reason"]
        == "No field mapping can be found for the field with name [nope]"
    )
    cases = [
        ({"query": {"bogus": {}}}, "unknown query [bogus]"),
        ({"query": "text"}, "query malformed, must start with start_object"),
        (
            {"query": {"has_child": {"type": "c", "query": {"match_all": {}}}}},
            "the [has_child] query is unsupported inside a percolator query",
        ),
    ]
    for document, reason in cases:
        with pytest.raises(BadRequestError) as error:
            stored.index(index="queries", id="x", document=document)
        assert reason in str(error.value.body["error"]), document
    assert not stored.exists(index="queries", id="x")


def test_percolate_errors(stored: Elasticsearch) -> None:
    cases = [
        ({"field": "nope", "document": {}}, "field [nope] does not exist"),
        (
            {"field": "tag", "document": {}},
            "expected field [tag] to be of type [percolator], but is of type [keyword]",
        ),
        ({"field": "query"}, "Required one of fields [document, documents, id]"),
        (
            {"field": "query", "document": {}, "documents": [{}]},
            "The following fields are not allowed together",
        ),
        ({"field": "query", "id": "1"}, "[index] is a required argument"),
        (
            {"field": "query", "index": "queries", "id": "python", "version": 1},
            "[version] of the indexed document in a [percolate] query is not supported",
        ),
        ({"field": "query", "document": {}, "bogus": 1}, "[percolate] unknown field [bogus]"),
    ]
    for body, reason in cases:
        with pytest.raises(BadRequestError) as error:
            stored.search(index="queries", query={"percolate": body})
        assert reason in str(error.value.body["error"]), body


def test_percolator_fields_are_not_searched_directly(stored: Elasticsearch) -> None:
    hits = stored.search(index="queries", query={"term": {"kind": "topic"}}).body["hits"]["hits"]
    assert sorted(h["_id"] for h in hits) == ["named", "python"]
    assert all("fields" not in h for h in hits)


def test_mapping_unmapped_fields_as_text_is_refused(any_es: Elasticsearch) -> None:
    name = "index.percolator.map_unmapped_fields_as_text"
    with pytest.raises(BadRequestError) as error:
        any_es.indices.create(index="loose", settings={name: True})
    assert f"index setting [{name}] with value [true] is not supported" in str(error.value.body)
    any_es.indices.create(index="strict", settings={name: False})


def test_highlighting_shows_the_percolated_documents(stored: Elasticsearch) -> None:
    highlight = {"fields": {"content": {}}}
    one = {"percolate": {"field": "query", "document": {"content": "python and a snake"}}}
    hits = stored.search(index="queries", query=one, highlight=highlight).body["hits"]["hits"]
    assert {h["_id"]: h["highlight"] for h in hits} == {
        "python": {"content": ["<em>python</em> and a snake"]},
        "named": {"content": ["python and a <em>snake</em>"]},
    }
    documents = [{"content": "python"}, {"content": "big python"}]
    several = {"percolate": {"field": "query", "documents": documents, "name": "p"}}
    hits = stored.search(index="queries", query=several, highlight=highlight).body["hits"]["hits"]
    assert hits[0]["highlight"] == {
        "0_content": ["<em>python</em>"],
        "1_content": ["big <em>python</em>"],
    }
    two = {"bool": {"should": [one, several]}}
    hits = stored.search(index="queries", query=two, highlight=highlight).body["hits"]["hits"]
    assert {h["_id"]: h["highlight"] for h in hits} == {
        "python": {
            "query_content": ["<em>python</em> and a snake"],
            "p_0_content": ["<em>python</em>"],
            "p_1_content": ["big <em>python</em>"],
        },
        "named": {"query_content": ["python and a <em>snake</em>"]},
    }


def test_named_parts_come_in_lucene_clause_order(any_es: Elasticsearch) -> None:
    """Breadth first, a bool's should clauses before its filter (findNamedMatches)."""
    any_es.indices.create(
        index="houses",
        mappings={
            "dynamic": "strict",
            "properties": {
                "my_query": {"type": "percolator"},
                "description": {"type": "text"},
                "rooms": {"type": "integer"},
                "type": {"type": "keyword"},
            },
        },
    )
    should = [
        {"match": {"description": {"query": "fireplace"}}},
        {"match": {"type": {"query": "detached", "_name": "detached"}}},
        {"query_string": {"query": "fire*", "fields": ["description"], "_name": "fire"}},
    ]
    rooms = {"match": {"rooms": {"query": 3, "_name": "three"}}}
    query = {"bool": {"filter": rooms, "should": should, "_name": "all"}}
    any_es.index(index="houses", id="q", document={"my_query": query})
    house = {"description": "a fireplace", "rooms": 3, "type": "detached"}
    any_es.index(index="houses", id="house", document=house, refresh=True)
    percolate = {"percolate": {"field": "my_query", "index": "houses", "id": "house"}}
    hits = any_es.search(index="houses", query=percolate).body["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["q"]
    assert hits[0]["fields"] == {
        "_percolator_document_slot": [0],
        "_percolator_document_slot_0_matched_queries": ["all", "detached", "fire", "three"],
    }
