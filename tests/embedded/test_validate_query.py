"""The validate query API: Elasticsearch's answers, ``valid`` true or false with status 200."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

SHARDS = {"total": 1, "successful": 1, "failed": 0}


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="books",
        mappings={"properties": {"pages": {"type": "integer"}, "title": {"type": "text"}}},
    )
    return any_es


def test_a_valid_query(books: Elasticsearch) -> None:
    valid = books.indices.validate_query(index="books", query={"match": {"title": "dune"}})
    assert valid.body == {"_shards": SHARDS, "valid": True}
    assert books.indices.validate_query(index="books", q="pages:5")["valid"] is True
    assert books.indices.validate_query()["valid"] is True  # every index, no query


def test_a_query_the_shard_cannot_build_is_invalid_with_the_shard_header(
    books: Elasticsearch,
) -> None:
    bad_number = books.indices.validate_query(
        index="books", query={"range": {"pages": {"gte": "many"}}}
    )
    assert bad_number.body == {"_shards": SHARDS, "valid": False}
    # q is parsed on the shards too.
    assert books.indices.validate_query(index="books", q="title:(dune").body == {
        "_shards": SHARDS,
        "valid": False,
    }


def test_a_body_elasticsearch_cannot_read_is_invalid_without_shards(
    books: Elasticsearch,
) -> None:
    assert books.indices.validate_query(index="books", query={"no_such_query": {}}).body == {
        "valid": False
    }
    extra = books.indices.validate_query(
        index="books", body={"query": {"match_all": {}}, "size": 1}
    )
    assert extra.body == {"valid": False}


def test_errors(books: Elasticsearch) -> None:
    with pytest.raises(NotFoundError):
        books.indices.validate_query(index="missing", q="x")
    # explain and rewrite show Lucene's query, which the engine does not have.
    with pytest.raises(BadRequestError, match=r"\[explain\] of the validate query API"):
        books.indices.validate_query(index="books", q="pages:5", explain=True)
    with pytest.raises(BadRequestError, match=r"\[rewrite\] of the validate query API"):
        books.indices.validate_query(index="books", q="pages:5", rewrite=True)
    # A query the engine does not serve is refused, not called invalid.
    with pytest.raises(BadRequestError, match="not supported"):
        books.indices.validate_query(index="books", query={"span_term": {"title": "dune"}})
