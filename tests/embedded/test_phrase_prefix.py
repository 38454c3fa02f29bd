"""``match_phrase_prefix`` and ``multi_match`` of type ``phrase_prefix``, as Elasticsearch answers.

Elasticsearch builds a ``MultiPhrasePrefixQuery`` from the analysed text: every word at the
position the analyzer gave it, the last word standing for the first ``max_expansions`` terms
that start with it. A stopword the analyzer removes leaves a gap the document must have too,
and ``slop`` loosens the phrase as it does a ``match_phrase``. django-elasticsearch-dsl-drf's
suite found the gap before the prefix ignored: a silent 200 without the hit.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

#: Positions with the ``stop`` analyzer: 1 alpha0 beta1 gamma3 delta4; 2 alpha0 beta1 gamma2
#: delta3; 3 alpha0 beta1 gamma4 delta5; 4 alpha0 beta2 gamma3.
TEXTS = {
    "1": "alpha beta the gamma delta",
    "2": "alpha beta gamma delta",
    "3": "alpha beta the a gamma delta",
    "4": "alpha the beta gamma",
}


@pytest.fixture
def stopped(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="p", mappings={"properties": {"t": {"type": "text", "analyzer": "stop"}}}
    )
    for doc_id, text in TEXTS.items():
        any_es.index(index="p", id=doc_id, document={"t": text})
    any_es.indices.refresh(index="p")
    return any_es


def ids(es: Elasticsearch, query: dict[str, Any], index: str = "p") -> list[str]:
    return sorted(hit["_id"] for hit in es.search(index=index, query=query)["hits"]["hits"])


def prefix(text: str, **options: Any) -> dict[str, Any]:
    return {"match_phrase_prefix": {"t": {"query": text, **options}}}


def test_a_stopword_before_the_prefix_leaves_its_gap(stopped: Elasticsearch) -> None:
    """The reported case: alpha@0 beta@1 gamma*@3, which document 1 has (and 2, whose gamma
    follows beta, has not), as the same text as a ``match_phrase`` finds."""
    assert ids(stopped, {"match_phrase": {"t": "alpha beta the gamma"}}) == ["1"]
    assert ids(stopped, prefix("alpha beta the gamma")) == ["1"]
    assert ids(stopped, prefix("alpha beta the gam")) == ["1"]
    assert ids(stopped, prefix("alpha beta the gamma delta")) == ["1"]
    assert ids(stopped, prefix("alpha beta gam")) == ["2"]
    assert ids(stopped, prefix("beta the gamma")) == ["1"]


def test_stopwords_removed_in_a_row_add_up(stopped: Elasticsearch) -> None:
    """Two stopwords removed before the prefix put it two positions further: gamma*@4."""
    assert ids(stopped, prefix("alpha beta the an gam")) == ["3"]
    assert ids(stopped, prefix("alpha beta the the gamma delta")) == ["3"]


def test_stopwords_in_the_middle_and_before_the_first_word(stopped: Elasticsearch) -> None:
    """A gap between two words is kept too; stopwords before the first word change nothing
    (positions count from it), and a prefix left alone after them is a plain prefix."""
    assert ids(stopped, prefix("alpha the beta gam")) == ["4"]
    assert ids(stopped, prefix("alpha an the beta gam")) == []
    assert ids(stopped, prefix("the alpha beta the gam")) == ["1"]
    assert ids(stopped, prefix("the beta the gam")) == ["1"]
    assert ids(stopped, prefix("the gam")) == ["1", "2", "3", "4"]
    assert ids(stopped, prefix("the an gam")) == ["1", "2", "3", "4"]


def test_slop_loosens_the_phrase_with_its_gaps(stopped: Elasticsearch) -> None:
    """``slop`` as in ``match_phrase``: the words' positions (gaps included) may be off by
    up to ``slop`` in all; two words swapped cost 2."""
    assert ids(stopped, prefix("alpha beta gam", slop=1)) == ["1", "2", "4"]
    assert ids(stopped, prefix("alpha beta the the gam", slop=1)) == ["1", "3"]
    assert ids(stopped, prefix("alpha the beta", slop=1)) == ["1", "2", "3", "4"]
    assert ids(stopped, prefix("beta alph", slop=1)) == []
    assert ids(stopped, prefix("beta alph", slop=2)) == ["1", "2", "3"]


def test_the_prefix_expands_to_the_first_max_expansions_terms(any_es: Elasticsearch) -> None:
    """The prefix stands for the first ``max_expansions`` terms in the dictionary's order."""
    any_es.indices.create(index="x", mappings={"properties": {"t": {"type": "text"}}})
    for doc_id, text in {"1": "alpha betb", "2": "alpha beta", "3": "alpha betc"}.items():
        any_es.index(index="x", id=doc_id, document={"t": text})
    any_es.indices.refresh(index="x")

    def found(**options: Any) -> list[str]:
        return ids(any_es, prefix("alpha bet", **options), index="x")

    assert found() == ["1", "2", "3"]
    assert found(max_expansions=1) == ["2"]
    assert found(max_expansions=2) == ["1", "2"]


def test_a_phrase_needs_the_positions_of_the_field(any_es: Elasticsearch) -> None:
    """Several words on a field indexed without positions: refused as a ``match_phrase`` is
    (without naming the engine's internal field); one word is a prefix query."""
    mapping = {"properties": {"t": {"type": "text", "index_options": "freqs"}}}
    any_es.indices.create(index="n", mappings=mapping)
    any_es.index(index="n", id="1", document={"t": "alpha beta"}, refresh=True)
    assert ids(any_es, prefix("alph"), index="n") == ["1"]
    with pytest.raises(BadRequestError) as caught:
        any_es.search(index="n", query=prefix("alpha bet"))
    assert caught.value.meta.status == 400
    assert "field:[t] was indexed without position data; cannot run PhraseQuery" in str(
        caught.value
    )


def test_multi_match_phrase_prefix_keeps_the_gap_on_each_field(any_es: Elasticsearch) -> None:
    """django-elasticsearch-dsl-drf's search: a ``phrase_prefix`` multi_match over boosted
    fields, the title's analyzer dropping "the" (who@0 stole@1 tart*@3)."""
    any_es.indices.create(
        index="books",
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "english"},
                "summary": {"type": "text"},
                "description": {"type": "text"},
            }
        },
    )
    books = {
        "1": {"title": "Who Stole the Tarts?", "summary": "A trial", "description": "Cards"},
        "2": {"title": "Who Stole Tarts", "summary": "Another", "description": "Jam"},
        "3": {"title": "Alice", "summary": "who stole the tarts", "description": "Cards"},
    }
    for doc_id, book in books.items():
        any_es.index(index="books", id=doc_id, document=book)
    any_es.indices.refresh(index="books")

    def found(text: str) -> list[str]:
        query = {
            "multi_match": {
                "query": text,
                "type": "phrase_prefix",
                "fields": ["title^4", "summary^2", "description"],
            }
        }
        return ids(any_es, query, index="books")

    assert found("Who Stole the Tarts") == ["1", "3"]
    assert found("who stole the tar") == ["1", "3"]
    assert found("Who Stole Tar") == ["2"]
