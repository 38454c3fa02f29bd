"""Named queries (``_name``): each hit lists the named queries it matches in
``matched_queries``, as Elasticsearch's fetch phase does; a hit that matches none has no key."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    any_es.index(index="books", id="1", document={"title": "Dune sand", "pages": 400})
    any_es.index(index="books", id="2", document={"title": "Emma", "pages": 200})
    any_es.index(index="books", id="3", document={"title": "Ulysses", "pages": 700})
    any_es.indices.refresh(index="books")
    return any_es


def matched(found: dict) -> dict[str, set[str] | None]:
    return {
        hit["_id"]: (set(hit["matched_queries"]) if "matched_queries" in hit else None)
        for hit in found["hits"]["hits"]
    }


def test_each_hit_lists_the_named_queries_it_matches(books: Elasticsearch) -> None:
    found = books.search(
        index="books",
        query={
            "bool": {
                "should": [
                    {"match": {"title": {"query": "dune", "_name": "by_title"}}},
                    {"range": {"pages": {"gte": 300, "_name": "long"}}},
                    {"terms": {"pages": [200, 400], "_name": "listed"}},
                ]
            }
        },
    )
    assert matched(found) == {
        "1": {"by_title", "long", "listed"},
        "2": {"listed"},
        "3": {"long"},
    }


def test_a_hit_matching_no_named_query_has_no_key(books: Elasticsearch) -> None:
    found = books.search(
        index="books",
        query={
            "bool": {
                "must": {"match_all": {}},
                "should": {"term": {"pages": {"value": 700, "_name": "seven"}}},
            }
        },
    )
    assert matched(found) == {"1": None, "2": None, "3": {"seven"}}


def test_names_on_compound_queries_and_in_post_filter(books: Elasticsearch) -> None:
    found = books.search(
        index="books",
        query={"bool": {"filter": {"range": {"pages": {"lte": 400}}}, "_name": "short"}},
        post_filter={"match": {"title": {"query": "emma", "_name": "emma"}}},
    )
    assert matched(found) == {"2": {"short", "emma"}}


def test_named_query_scores_are_refused_by_name(books: Elasticsearch) -> None:
    with pytest.raises(BadRequestError, match=r"\[include_named_queries_score\]"):
        books.search(
            index="books",
            query={"match": {"title": {"query": "dune", "_name": "n"}}},
            include_named_queries_score=True,
        )
