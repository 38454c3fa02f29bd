"""The more_like_this query through the client: the terms Elasticsearch's XMoreLikeThis would
pick (term frequency in the liked text or documents at least min_term_freq, document frequency
in the index at least min_doc_freq, the best max_query_terms by tf * idf), the liked documents
left out, and Elasticsearch's errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch, ElasticsearchWarning

DOCS = {
    "1": "red apple red apple pie",
    "2": "green apple tart",
    "3": "red wine",
    "4": "blue sky",
    "5": "red apple juice",
    "6": "apple tree",
    "7": "red car",
}


@pytest.fixture
def es(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="posts",
        mappings={
            "properties": {
                "t": {"type": "text"},
                "tag": {"type": "keyword"},
                "n": {"type": "integer"},
            }
        },
    )
    for doc_id, text in DOCS.items():
        any_es.index(index="posts", id=doc_id, document={"t": text, "tag": text.split()[0]})
    any_es.indices.refresh(index="posts")
    return any_es


def ids(es: Elasticsearch, **mlt: Any) -> list[str]:
    found = es.search(index="posts", query={"more_like_this": mlt}, size=20)
    return sorted(hit["_id"] for hit in found["hits"]["hits"])


LOOSE = {"min_term_freq": 1, "min_doc_freq": 1}


def test_like_text_with_loose_frequencies(es: Elasticsearch) -> None:
    # "red" is in 4 documents, "apple" in 4, "pie" in 1: all qualify; 30% of 3 clauses is 0
    # required, so any of them matches.
    assert ids(es, fields=["t"], like="red apple pie", **LOOSE) == ["1", "2", "3", "5", "6", "7"]
    # minimum_should_match counts the selected terms: all three here.
    assert ids(es, fields=["t"], like="red apple pie", minimum_should_match="100%", **LOOSE) == [
        "1"
    ]


def test_the_default_frequencies_select_nothing_in_a_small_index(es: Elasticsearch) -> None:
    # min_term_freq 2: a word said once in the liked text is not a term; min_doc_freq 5: no
    # word is in five documents here.
    assert ids(es, fields=["t"], like="red apple") == []
    assert ids(es, fields=["t"], like="red red apple apple") == []
    assert ids(es, fields=["t"], like="red red apple apple", min_doc_freq=4) == [
        "1", "2", "3", "5", "6", "7"
    ]  # fmt: skip


def test_max_query_terms_keeps_the_best_by_tf_idf(es: Elasticsearch) -> None:
    # "pie" (df 1) has the highest idf; "red" and "apple" (df 4) tie below it.
    assert ids(es, fields=["t"], like="red apple pie", max_query_terms=1, **LOOSE) == ["1"]
    # term frequency outweighs: "red" said three times beats "pie" once.
    assert ids(es, fields=["t"], like="red red red pie", max_query_terms=1, **LOOSE) == [
        "1", "3", "5", "7"
    ]  # fmt: skip


def test_max_doc_freq_leaves_out_common_words(es: Elasticsearch) -> None:
    # red and apple are in 4 documents each: above max_doc_freq 3, only pie (df 1) is left
    assert ids(es, fields=["t"], like="red apple pie", max_doc_freq=3, **LOOSE) == ["1"]
    assert ids(es, fields=["t"], like="red apple pie", max_doc_freq=4, **LOOSE) == [
        "1", "2", "3", "5", "6", "7"
    ]  # fmt: skip


def scores(es: Elasticsearch, **mlt: Any) -> dict[str, float]:
    found = es.search(index="posts", query={"more_like_this": mlt}, size=20)
    return {hit["_id"]: hit["_score"] for hit in found["hits"]["hits"]}


def test_boost_terms_weighs_each_term_by_its_score(es: Elasticsearch) -> None:
    # tf-idf: red and apple 1 + ln(8/5), pie 1 + ln(8/2). Each clause is boosted by
    # boost_terms * score / lowest score, so red's clause gets exactly boost_terms and pie's more.
    plain = scores(es, fields=["t"], like="red apple pie", **LOOSE)
    boosted = scores(es, fields=["t"], like="red apple pie", boost_terms=2, **LOOSE)
    assert boosted["3"] == pytest.approx(2 * plain["3"], rel=1e-5)  # "red wine": red only
    assert boosted["1"] > 2 * plain["1"] * 1.05  # pie's clause is boosted beyond 2
    # the whole query's boost multiplies every score
    doubled = scores(es, fields=["t"], like="red apple pie", boost=2, **LOOSE)
    assert doubled == pytest.approx({k: 2 * v for k, v in plain.items()}, rel=1e-5)


def test_liked_documents_are_left_out_unless_included(es: Elasticsearch) -> None:
    like = [{"_index": "posts", "_id": "1"}]
    # doc 1's terms: red (tf 2), apple (tf 2), pie (tf 1)
    assert ids(es, fields=["t"], like=like, **LOOSE) == ["2", "3", "5", "6", "7"]
    assert ids(es, fields=["t"], like=like, include=True, **LOOSE) == ["1", "2", "3", "5", "6", "7"]
    # with the default min_term_freq (2) pie drops out; red and apple tie (tf 2, df 4) and the
    # first offered to Lucene's queue keeps the place: Java's HashMap iterates "red" (bucket 0)
    # before "apple" (bucket 1), so red is the one term.
    assert ids(es, fields=["t"], like=like, min_doc_freq=1, max_query_terms=1) == ["3", "5", "7"]
    # a document that does not exist is skipped: nothing to like
    assert ids(es, fields=["t"], like=[{"_index": "posts", "_id": "404"}], **LOOSE) == []
    # so is one in an index that does not exist (a failed fetch); Elasticsearch still leaves
    # its _id out of the hits, whatever the index
    assert ids(es, fields=["t"], like=[{"_index": "nope", "_id": "1"}, "red apple"], **LOOSE) == [
        "2", "3", "5", "6", "7"
    ]  # fmt: skip


def test_artificial_documents_unlike_and_noise_words(es: Elasticsearch) -> None:
    artificial = [{"doc": {"t": "blue wine"}}]
    assert ids(es, fields=["t"], like=artificial, **LOOSE) == ["3", "4"]
    assert ids(es, fields=["t"], like="red apple", unlike="apple", **LOOSE) == ["1", "3", "5", "7"]
    assert ids(es, fields=["t"], like="red apple", stop_words=["red"], **LOOSE) == [
        "1", "2", "5", "6"
    ]  # fmt: skip
    assert ids(es, fields=["t"], like="red apple", min_word_length=4, **LOOSE) == [
        "1", "2", "5", "6"
    ]  # fmt: skip


def test_keyword_fields_match_whole_values(es: Elasticsearch) -> None:
    assert ids(es, fields=["tag"], like="red", **LOOSE) == ["1", "3", "5", "7"]


def test_errors(es: Elasticsearch) -> None:
    def reason(**mlt: Any) -> str:
        with pytest.raises(BadRequestError) as exc:
            es.search(index="posts", query={"more_like_this": mlt})
        error = exc.value.body["error"]
        return str(error.get("root_cause", [error])[0]["reason"])

    assert reason(fields=["t"]) == "more_like_this requires 'like' to be specified"
    assert reason(fields=["n"], like="x") == "more_like_this only supports text/keyword fields: [n]"
    assert reason(like="x").startswith(
        "[more_like_this] query cannot infer the field to analyze the free text"
    )
    assert reason(fields=["t"], like="x", nope=1) == "[mlt] query does not support [nope]"
    assert "per_field_analyzer" in reason(
        fields=["t"], like=[{"_id": "1", "per_field_analyzer": {"t": "keyword"}}]
    )
    # an unsupported field is skipped when asked to
    assert ids(es, fields=["n", "t"], like="red apple", fail_on_unsupported_field=False, **LOOSE)


def test_the_deprecated_word_length_spellings(es: Elasticsearch) -> None:
    with pytest.warns(ElasticsearchWarning, match=r"Deprecated field \[min_word_len\]"):
        found = ids(es, fields=["t"], like="red apple", min_word_len=4, **LOOSE)
    assert found == ["1", "2", "5", "6"]
