"""The search body's ``suggest``: the term suggester, as Elasticsearch (Lucene's
DirectSpellChecker) answers it (the phrase suggester is tested in test_phrase_suggester.py).

Scores are ``1 - edits / min(len(token), len(term))`` with Damerau-Levenshtein edits, as Java
floats; options are sorted by score, then document frequency, then term.
"""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch

TEXTS = [
    "structure of the book",
    "struct in python",
    "structural engineering",
    "the quick brown fox",
    "structured data",
    "a structure",
]


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="books",
        mappings={"properties": {"body": {"type": "text"}, "tag": {"type": "keyword"}}},
    )
    for n, text in enumerate(TEXTS):
        any_es.index(index="books", id=str(n), document={"body": text, "tag": text.split()[-1]})
    any_es.indices.refresh(index="books")
    return any_es


def _suggest(es: Elasticsearch, index: str = "books", **suggest: dict) -> dict:
    return es.search(index=index, size=0, suggest=suggest).body["suggest"]


def test_term_suggestions_for_each_token_of_the_text(books: Elasticsearch) -> None:
    found = _suggest(books, text="structur quikc", s={"term": {"field": "body"}})
    assert found == {
        "s": [
            {
                "text": "structur",
                "offset": 0,
                "length": 8,
                "options": [
                    {"text": "structure", "score": 0.875, "freq": 2},
                    {"text": "structural", "score": 0.75, "freq": 1},
                    {"text": "structured", "score": 0.75, "freq": 1},
                    {"text": "struct", "score": 0.6666666, "freq": 1},
                ],
            },
            # A transposition is one edit.
            {
                "text": "quikc",
                "offset": 9,
                "length": 5,
                "options": [{"text": "quick", "score": 0.8, "freq": 1}],
            },
        ]
    }


def test_a_token_in_the_index_gets_no_suggestion_unless_asked(books: Elasticsearch) -> None:
    missing = _suggest(books, s={"text": "structure", "term": {"field": "body"}})
    assert missing["s"][0]["options"] == []
    always = {"field": "body", "suggest_mode": "always"}
    # A token in more than max_term_freq (1% of the documents, rounded up) gets none at all.
    common = _suggest(books, s={"text": "structure", "term": always})
    assert common["s"][0]["options"] == []
    found = _suggest(books, s={"text": "structure", "term": {**always, "max_term_freq": 3}})
    assert found["s"][0]["options"] == [
        {"text": "structured", "score": 0.8888889, "freq": 1},
        {"text": "structural", "score": 0.7777778, "freq": 1},
    ]


def test_size_sort_accuracy_and_short_tokens(books: Elasticsearch) -> None:
    one = _suggest(books, s={"text": "structur", "term": {"field": "body", "size": 1}})
    assert [o["text"] for o in one["s"][0]["options"]] == ["structure"]
    strict = _suggest(books, s={"text": "structur", "term": {"field": "body", "accuracy": 0.8}})
    assert [o["text"] for o in strict["s"][0]["options"]] == ["structure"]
    by_freq = _suggest(
        books, s={"text": "structurx", "term": {"field": "body", "sort": "frequency"}}
    )
    assert by_freq["s"][0]["options"][0] == {"text": "structure", "score": 0.8888889, "freq": 2}
    # Tokens shorter than min_word_length (4) get none; the prefix (1) must match.
    short = _suggest(books, s={"text": "fox boox xtructure", "term": {"field": "body"}})
    assert [(e["text"], e["options"]) for e in short["s"]] == [
        ("fox", []),
        ("boox", [{"text": "book", "score": 0.75, "freq": 1}]),
        ("xtructure", []),
    ]


def test_a_keyword_field_suggests_whole_values(books: Elasticsearch) -> None:
    found = _suggest(books, s={"text": "pythn", "term": {"field": "tag"}})
    assert found["s"] == [
        {
            "text": "pythn",
            "offset": 0,
            "length": 5,
            "options": [{"text": "python", "score": 0.8, "freq": 1}],
        }
    ]


def test_suggestions_come_with_the_hits(books: Elasticsearch) -> None:
    found = books.search(
        index="books",
        query={"match": {"body": "structure"}},
        suggest={"s": {"text": "structure boook", "term": {"field": "body"}}},
    )
    assert found["hits"]["total"]["value"] == 2
    assert [e["text"] for e in found["suggest"]["s"]] == ["structure", "boook"]
    assert found["suggest"]["s"][1]["options"][0]["text"] == "book"


def test_suggest_errors_in_elasticsearch_words(books: Elasticsearch) -> None:
    cases = [
        ({"s": {"term": {"field": "body"}}}, "The required text option is missing"),
        ({"s": {"text": "x", "term": {}}}, "the required field option [field] is missing"),
        (
            {"s": {"text": "x", "term": {"field": "body", "bogus": 1}}},
            "suggester[term] doesn't support field [bogus]",
        ),
        ({"s": {"text": "x", "term": {"field": "nope"}}}, "no mapping found for field [nope]"),
        (
            {"s": {"text": "x", "phrase": {"field": "body", "bogus": 1}}},
            "suggester[phrase] doesn't support field [bogus]",
        ),
        (
            {"s": {"text": "x", "term": {"field": "body", "string_distance": "ngram"}}},
            "[string_distance] [ngram] in the [term] suggester is not supported",
        ),
    ]
    for suggest, reason in cases:
        with pytest.raises(BadRequestError) as error:
            books.search(index="books", suggest=suggest)
        assert reason in str(error.value.body["error"]["reason"])


def test_suggestions_merge_across_indices(books: Elasticsearch) -> None:
    books.index(index="more", id="1", document={"body": "structure again"}, refresh=True)
    found = _suggest(books, index="books,more", s={"text": "structur", "term": {"field": "body"}})
    assert found["s"][0]["options"][0] == {"text": "structure", "score": 0.875, "freq": 3}


def test_a_refresh_brings_new_terms(books: Elasticsearch) -> None:
    before = _suggest(books, s={"text": "pythom", "term": {"field": "body"}})
    assert [o["text"] for o in before["s"][0]["options"]] == ["python"]
    books.index(index="books", id="9", document={"body": "pythons"}, refresh=True)
    after = _suggest(books, s={"text": "pythom", "term": {"field": "body"}})
    assert [o["text"] for o in after["s"][0]["options"]] == ["python", "pythons"]
