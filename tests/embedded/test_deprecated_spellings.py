"""Spellings Elasticsearch 9 still accepts with a deprecation ``Warning`` (its ParseField's
deprecated names), answered the same way; and the spellings it reads in any case."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch, ElasticsearchWarning


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    for doc_id, (title, body) in enumerate([("Dune", "sand worms"), ("Emma", "dune buggy")]):
        any_es.index(index="books", id=str(doc_id), document={"title": title, "body": body})
    any_es.indices.refresh(index="books")
    return any_es


def ids(found: dict) -> list[str]:
    return sorted(hit["_id"] for hit in found["hits"]["hits"])


def test_multi_match_type_boolean_is_best_fields(books: Elasticsearch) -> None:
    query = {"query": "dune", "fields": ["title", "body"]}
    expected = books.search(index="books", query={"multi_match": query})
    with pytest.warns(
        ElasticsearchWarning,
        match=r"Deprecated field \[boolean\] used, expected \[best_fields\] instead",
    ):
        old = books.search(index="books", query={"multi_match": {**query, "type": "boolean"}})
    assert ids(old) == ids(expected) == ["0", "1"]
    assert [h["_score"] for h in old["hits"]["hits"]] == [
        h["_score"] for h in expected["hits"]["hits"]
    ]


def test_multi_match_type_is_read_in_any_case(books: Elasticsearch) -> None:
    found = books.search(
        index="books",
        query={"multi_match": {"query": "dune", "fields": ["title"], "type": "PHRASE"}},
    )
    assert ids(found) == ["0"]
    with pytest.raises(BadRequestError) as exc:
        books.search(
            index="books",
            query={"multi_match": {"query": "x", "fields": ["title"], "type": "nope"}},
        )
    cause = exc.value.body["error"]["root_cause"][0]
    assert cause["type"] == "parse_exception"
    assert cause["reason"] == "failed to parse [multi_match] query type [nope]. unknown type."
