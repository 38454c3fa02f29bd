"""What other Django libraries' Elasticsearch backends send, as Elasticsearch answers it.

Each test stands for a gap that running such a library's own integration suite against the
engine found (wagtail's Elasticsearch 8 backend, ...): the request is the one the library sends,
the answer the one Elasticsearch gives.
"""

from __future__ import annotations

import time

import pytest
from elasticsearch import Elasticsearch, ElasticsearchWarning


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="books", mappings={"properties": {"title": {"type": "keyword"}}})
    for n, title in enumerate(["Dune", "Emma", "Ulysses"]):
        any_es.index(index="books", id=str(n), document={"title": title})
    any_es.indices.refresh(index="books")
    return any_es


def _titles(found: dict) -> list[str]:
    return sorted(hit["_source"]["title"] for hit in found["hits"]["hits"])


def test_bool_takes_the_deprecated_mustnot_spelling(books: Elasticsearch) -> None:
    """Wagtail's backends negate with ``{"bool": {"mustNot": ...}}``: Elasticsearch's bool
    parser still reads it as ``must_not``, with a deprecation warning."""
    with pytest.warns(ElasticsearchWarning, match=r"Deprecated field \[mustNot\] used"):
        found = books.search(
            index="books", query={"bool": {"mustNot": {"term": {"title": "Emma"}}}}
        )
    assert _titles(found) == ["Dune", "Ulysses"]
    with pytest.warns(ElasticsearchWarning):
        both = books.search(
            index="books",
            query={
                "bool": {
                    "must_not": [{"term": {"title": "Dune"}}],
                    "mustNot": [{"term": {"title": "Emma"}}],
                }
            },
        )
    assert _titles(both) == ["Ulysses"]


def test_mustnot_inside_a_nested_query_negates_on_each_object(any_es: Elasticsearch) -> None:
    """Wagtail's ``mustNot`` inside a nested query: a document matches when one of its
    objects lacks the term, as with ``must_not``."""
    any_es.indices.create(
        index="n", mappings={"properties": {"tags": {"type": "nested", "properties": {}}}}
    )
    any_es.index(index="n", id="1", document={"tags": [{"t": "x"}]})
    any_es.index(index="n", id="2", document={"tags": [{"t": "x"}, {"t": "y"}]}, refresh=True)
    query = {"nested": {"path": "tags", "query": {"bool": {"mustNot": {"term": {"tags.t": "x"}}}}}}
    with pytest.warns(ElasticsearchWarning, match=r"Deprecated field \[mustNot\] used"):
        found = any_es.search(index="n", query=query)
    assert [hit["_id"] for hit in found["hits"]["hits"]] == ["2"]


def test_an_explicit_source_comes_back_beside_stored_fields(any_es: Elasticsearch) -> None:
    """django-haystack asks for ``stored_fields`` in the body and ``_source=true`` in the URL,
    and reads ``_source``: Elasticsearch leaves the source out for stored_fields only when
    _source was not asked for."""
    any_es.index(index="h", id="1", document={"a": 1}, refresh=True)
    headers = {"content-type": "application/json", "accept": "application/json"}

    def hit(params: dict, body: dict) -> dict:
        found = any_es.perform_request(
            "POST", "/h/_search", params=params, headers=headers, body=body
        )
        return found.body["hits"]["hits"][0]

    assert hit({"_source": "true"}, {"stored_fields": "a b"})["_source"] == {"a": 1}
    assert hit({}, {"stored_fields": ["a"], "_source": True})["_source"] == {"a": 1}
    assert "_source" not in hit({}, {"stored_fields": ["a"]})
    assert "_source" not in hit({"_source": "false"}, {"stored_fields": ["a"]})
    assert "_source" not in hit({"_source": "false"}, {})


def test_writes_are_searchable_once_a_new_index_has_waited_out_its_interval(
    any_es: Elasticsearch,
) -> None:
    """django-opensearch-dsl's test_index_not_refresh: create, bulk without refresh, nothing
    found; sleep the refresh interval, everything found. Elasticsearch's schedule starts before
    it answers the create request; the engine's refresh at the interval's end takes a few ms,
    which a search arriving meanwhile waits for rather than reading the view before it."""
    any_es.indices.create(index="events", settings={"refresh_interval": "200ms"})
    operations: list[dict] = []
    for n in range(3):
        operations += [{"index": {"_index": "events", "_id": str(n)}}, {"n": n}]
    assert any_es.bulk(operations=operations)["errors"] is False
    assert any_es.count(index="events")["count"] == 0
    time.sleep(0.2)
    assert any_es.count(index="events")["count"] == 3
