"""Words the analysis removes leave the query, as Lucene's parsers leave out a clause of no terms.

Elasticsearch builds ``query_string`` and ``simple_query_string`` with
``ZeroTermsQueryOption.NULL``: a word that analyses to nothing (a stopword) yields no clause at
all, so under ``default_operator: and`` it does not take the whole query down, and a query left
with no clause matches nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import Elasticsearch

DOCS = {
    "1": {"title": "The lantern", "tag": "the"},
    "2": {"title": "A quiet river", "tag": "river"},
    "3": {"title": "Quick fox by the river", "tag": "fox"},
    "4": {"title": "A quick brown dog", "tag": "dog"},
}


@pytest.fixture
def words(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="words",
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "english"},
                "tag": {"type": "keyword"},
            }
        },
    )
    for doc_id, doc in DOCS.items():
        any_es.index(index="words", id=doc_id, document=doc)
    any_es.indices.refresh(index="words")
    return any_es


def found(es: Elasticsearch, kind: str, text: str, **options: Any) -> list[str]:
    body = {"query": text, "fields": ["title"], **options}
    hits = es.search(index="words", query={kind: body})["hits"]["hits"]
    return sorted(hit["_id"] for hit in hits)


BOTH = pytest.mark.parametrize("kind", ["simple_query_string", "query_string"])


@BOTH
def test_a_stopword_does_not_take_an_and_query_down(words: Elasticsearch, kind: str) -> None:
    assert found(words, kind, "the lantern", default_operator="and") == ["1"]
    assert found(words, kind, "lantern the", default_operator="and") == ["1"]
    assert found(words, kind, "a quiet river", default_operator="and") == ["2"]


@BOTH
def test_a_query_of_stopwords_only_matches_nothing(words: Elasticsearch, kind: str) -> None:
    assert found(words, kind, "the") == []
    assert found(words, kind, "-the") == []  # no clause is left to negate
    assert found(words, kind, "river -the") == ["2", "3"]


def test_explicit_operators_keep_their_other_clauses(words: Elasticsearch) -> None:
    assert found(words, "query_string", "river AND the") == ["2", "3"]
    assert found(words, "query_string", "+the +quick") == ["3", "4"]
    assert found(words, "simple_query_string", "the + quick") == ["3", "4"]
    assert found(words, "simple_query_string", "the | dog") == ["4"]


def test_a_phrase_of_stopwords_is_left_out(words: Elasticsearch) -> None:
    assert found(words, "simple_query_string", '"the a" + fox') == ["3"]


@BOTH
def test_elasticsearchs_own_case_the_stop_analyzer(words: Elasticsearch, kind: str) -> None:
    """SimpleQueryStringBuilderTests.testWithStopWords: ``the quick fox`` is ``quick fox``."""
    assert found(words, kind, "the quick fox", analyzer="stop") == ["3", "4"]
    assert found(words, kind, "the quick fox", analyzer="stop", default_operator="and") == ["3"]


def test_a_keyword_field_keeps_the_word(words: Elasticsearch) -> None:
    """Only the fields a word means nothing to drop it: a keyword field still looks it up."""
    assert found(words, "simple_query_string", "the", fields=["title", "tag"]) == ["1"]
    both = found(words, "query_string", "the lantern", fields=["title", "tag"])
    assert both == ["1"]
