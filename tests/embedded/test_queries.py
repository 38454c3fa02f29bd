"""The query DSL through the stock elasticsearch-py 9 client, against Elasticsearch 8/9 semantics.

A small corpus with an explicit mapping (text with a keyword multi-field, a text field whose
analyzer removes stopwords, keyword, long, double, date, boolean, object, stored fields); where
a query's answer can be worked out from the documents themselves, the test does so rather than
writing the ids down.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

INDEX = "books"

MAPPING: dict[str, Any] = {
    "properties": {
        "title": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        # The "stop" analyzer: lowercase letters, English stopwords removed (leaving gaps).
        "body": {"type": "text", "analyzer": "stop"},
        "tags": {"type": "keyword"},
        "category": {"type": "keyword"},
        "price": {"type": "double"},
        "stock": {"type": "long"},
        "published": {"type": "date"},
        "available": {"type": "boolean"},
        "author": {
            "properties": {
                "name": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
                "country": {"type": "keyword"},
            }
        },
        "sku": {"type": "keyword", "store": True},
        "note": {"type": "text", "store": True},
    }
}

DOCS: dict[str, dict[str, Any]] = {
    "1": {
        "title": "The quick brown fox",
        "body": "The quick brown fox jumps over the lazy dog",
        "tags": ["animal", "classic"],
        "category": "fiction",
        "price": 10.5,
        "stock": 3,
        "published": "2020-01-15",
        "available": True,
        "author": {"name": "Alice Walker", "country": "us"},
        "sku": "A-1",
        "note": "first edition",
    },
    "2": {
        "title": "Lazy dogs sleep all day",
        "body": "A dog in the garden sleeps",
        "tags": ["animal"],
        "category": "fiction",
        "price": 7.0,
        "stock": 12,
        "published": "2021-06-01",
        "available": False,
        "author": {"name": "Bob Stone", "country": "uk"},
        "sku": "B-2",
    },
    "3": {
        "title": "Python programming",
        "body": "Learning python the hard way",
        "tags": ["code"],
        "category": "tech",
        "price": 39.99,
        "stock": 0,
        "published": "2019-03-10",
        "available": True,
        "author": {"name": "Carol Python", "country": "us"},
        "sku": "C-3",
    },
    "4": {
        "title": "Brown bear",
        "body": "Bears in the forest of the north",
        "tags": ["animal", "nature"],
        "category": "nature",
        "price": 25.0,
        "stock": 5,
        "published": "2022-11-30",
        "available": True,
        "sku": "D-4",
    },
    "5": {
        "title": "Elasticsearch in action",
        "body": "Search engines and the quick search",
        "category": "tech",
        "price": 45.0,
        "published": "2023-02-01",
        "author": {"name": "Dan Brown", "country": "fr"},
        "sku": "E-5",
    },
    "6": {
        "title": "Polar bears",
        "body": "Bears of the arctic ice",
        "tags": ["animal", "nature"],
        "category": "nature",
        "price": 19.0,
        "stock": 8,
        "published": "2018-07-04",
        "available": False,
        "author": {"name": "Eve Frost", "country": "ca"},
        "sku": "F-6",
    },
    "7": {
        "title": "Cooking for programmers",
        "body": "Recipes with python and coffee",
        "tags": ["food", "code"],
        "category": "food",
        "price": 15.25,
        "stock": 3,
        "published": "2024-05-20",
        "available": True,
        "author": {"name": "Frank Brown", "country": "us"},
        "sku": "G-7",
    },
    "8": {"title": "Untitled draft", "category": "draft", "sku": "H-8"},
}

#: Lucene's English stopwords, which the "stop" analyzer removes.
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
})  # fmt: skip


def body_terms(text: str) -> list[str]:
    """The terms the "stop" analyzer makes of a text: lowercase letter runs minus stopwords."""
    return [t for t in re.findall(r"[a-z]+", text.lower()) if t not in STOPWORDS]


def title_terms(text: str) -> list[str]:
    """The terms the standard analyzer makes of our (plain ASCII) titles."""
    return re.findall(r"\w+", text.lower())


def get(doc: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def where(predicate: Callable[[dict[str, Any]], bool]) -> list[str]:
    """The ids of the corpus documents a predicate holds for, sorted."""
    return sorted(i for i, doc in DOCS.items() if predicate(doc))


def load(
    es: Elasticsearch,
    index: str,
    docs: dict[str, dict[str, Any]],
    mapping: dict[str, Any] | None = None,
) -> None:
    es.indices.create(index=index, mappings=mapping or MAPPING)
    for doc_id, doc in docs.items():
        es.index(index=index, id=doc_id, document=doc)
    es.indices.refresh(index=index)


@pytest.fixture
def books(es: Elasticsearch) -> Elasticsearch:
    load(es, INDEX, DOCS)
    return es


@pytest.fixture
def any_books(any_es: Elasticsearch) -> Elasticsearch:
    load(any_es, INDEX, DOCS)
    return any_es


def search(es: Elasticsearch, query: dict[str, Any], **options: Any) -> list[dict[str, Any]]:
    options.setdefault("size", 100)
    return es.search(index=INDEX, query=query, **options)["hits"]["hits"]


def ids(es: Elasticsearch, query: dict[str, Any], **options: Any) -> list[str]:
    """The ids a query finds, sorted (for set-like comparisons)."""
    return sorted(h["_id"] for h in search(es, query, **options))


def ranked(es: Elasticsearch, query: dict[str, Any], **options: Any) -> list[str]:
    """The ids a query finds, best first."""
    return [h["_id"] for h in search(es, query, **options)]


def scores(es: Elasticsearch, query: dict[str, Any], **options: Any) -> dict[str, float]:
    return {h["_id"]: h["_score"] for h in search(es, query, **options)}


def bad_request(es: Elasticsearch, query: dict[str, Any]) -> BadRequestError:
    with pytest.raises(BadRequestError) as caught:
        es.search(index=INDEX, query=query)
    assert caught.value.meta.status == 400
    return caught.value


def reasons(error: BadRequestError) -> str:
    """Every reason in an error body, root causes included, for matching."""
    body = error.body["error"]
    parts = [body.get("reason", "")]
    parts += [cause.get("reason", "") for cause in body.get("root_cause", [])]
    caused = body.get("caused_by")
    while caused:
        parts.append(caused.get("reason", ""))
        caused = caused.get("caused_by")
    return " | ".join(p for p in parts if p)


# match_all


def test_match_all_finds_every_document_with_score_one(any_books: Elasticsearch) -> None:
    hits = search(any_books, {"match_all": {}})
    assert sorted(h["_id"] for h in hits) == sorted(DOCS)
    assert {h["_score"] for h in hits} == {1.0}


def test_match_all_boost_is_its_score(books: Elasticsearch) -> None:
    assert set(scores(books, {"match_all": {"boost": 2.5}}).values()) == {2.5}


def test_match_all_next_to_a_filter_keeps_score_one(books: Elasticsearch) -> None:
    # A scoring match_all combined with a filter still scores 1 (the filter adds nothing).
    query = {"bool": {"must": [{"match_all": {}}], "filter": [{"term": {"category": "tech"}}]}}
    assert scores(books, query) == {"3": 1.0, "5": 1.0}
    hits = books.search(
        index=INDEX, query={"match_all": {}}, post_filter={"term": {"category": "tech"}}
    )["hits"]["hits"]
    assert {h["_id"]: h["_score"] for h in hits} == {"3": 1.0, "5": 1.0}


# match


def test_match_or_is_the_default_operator(books: Elasticsearch) -> None:
    terms = {"quick", "bear"}
    assert ids(books, {"match": {"title": "quick bear"}}) == where(
        lambda d: bool(terms & set(title_terms(d["title"])))
    )


def test_match_and_operator_needs_every_term(books: Elasticsearch) -> None:
    query = {"match": {"title": {"query": "brown fox", "operator": "and"}}}
    assert ids(books, query) == where(lambda d: {"brown", "fox"} <= set(title_terms(d["title"])))
    assert ids(books, query) == ["1"]


@pytest.mark.parametrize(
    ("spec", "needed"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("-1", 4),
        ("30%", 1),
        ("60%", 3),
        ("75%", 3),
        ("-40%", 3),
        ("-60%", 2),
        ("3<90%", 4),
        ("5<90%", 5),
    ],
)
def test_match_minimum_should_match(books: Elasticsearch, spec: str, needed: int) -> None:
    # Five query terms: percentages round down, negative ones count what may be missing.
    text = "python quick brown hard way"
    wanted = set(body_terms(text))
    assert len(wanted) == 5
    query = {"match": {"body": {"query": text, "minimum_should_match": spec}}}
    expected = where(lambda d: len(wanted & set(body_terms(d.get("body", "")))) >= needed)
    assert ids(books, query) == expected


def test_match_minimum_should_match_finds_something(books: Elasticsearch) -> None:
    # The expectations above are not all empty: 2 of 5 terms finds two books, 3 finds one.
    text = "python quick brown hard way"
    assert ids(books, {"match": {"body": {"query": text, "minimum_should_match": "2"}}}) == [
        "1",
        "3",
    ]
    assert ids(books, {"match": {"body": {"query": text, "minimum_should_match": "60%"}}}) == ["3"]


@pytest.mark.parametrize(
    ("text", "fuzziness", "expected"),
    [
        ("pyhton", "AUTO", ["3"]),  # a transposition: one edit, allowed for 6 letters
        ("bruwn", 1, ["1", "4"]),
        ("bruwn", 0, []),
        ("brzwx", 1, []),
        ("brzwx", 2, ["1", "4"]),
        ("fxo", "AUTO", ["1"]),  # 3 letters: one edit
        ("ox", "AUTO", []),  # 2 letters: exact only
    ],
)
def test_match_fuzziness_finds_misspellings(
    books: Elasticsearch, text: str, fuzziness: Any, expected: list[str]
) -> None:
    assert ids(books, {"match": {"title": {"query": text, "fuzziness": fuzziness}}}) == expected


def test_fuzziness_prefix_length(books: Elasticsearch) -> None:
    # "rbown" is one transposition from "brown", but its first letter differs.
    assert ids(books, {"match": {"title": {"query": "rbown", "fuzziness": 1}}}) == ["1", "4"]
    query = {"match": {"title": {"query": "rbown", "fuzziness": 1, "prefix_length": 1}}}
    assert ids(books, query) == []
    query = {"fuzzy": {"title": {"value": "brwn", "prefix_length": 2}}}
    assert ids(books, query) == ["1", "4"]
    query = {"fuzzy": {"title": {"value": "bwn", "fuzziness": 2, "prefix_length": 2}}}
    assert ids(books, query) == []


def test_match_fuzziness_ranks_the_exact_term_first(books: Elasticsearch) -> None:
    # "bear" (doc 4) is exact, "bears" (doc 6) one edit away; both titles are two words long.
    query = {"match": {"title": {"query": "bear", "fuzziness": "AUTO"}}}
    hits = search(books, query)
    assert [h["_id"] for h in hits] == ["4", "6"]
    assert hits[0]["_score"] > hits[1]["_score"]


def test_match_with_an_analyzer(books: Elasticsearch) -> None:
    # The keyword analyzer keeps "QUICK" whole and uppercase: no indexed term equals it.
    assert ids(books, {"match": {"title": {"query": "QUICK", "analyzer": "keyword"}}}) == []
    assert ids(books, {"match": {"title": {"query": "QUICK", "analyzer": "standard"}}}) == ["1"]
    assert ids(books, {"match": {"title": "QUICK"}}) == ["1"]


def test_match_on_a_keyword_field_is_exact(books: Elasticsearch) -> None:
    assert ids(books, {"match": {"category": "tech"}}) == where(lambda d: d["category"] == "tech")
    assert ids(books, {"match": {"category": "Tech"}}) == []
    assert ids(books, {"match": {"title.raw": "Polar bears"}}) == ["6"]
    assert ids(books, {"match": {"title.raw": "polar bears"}}) == []


def test_match_on_numbers_dates_and_booleans(books: Elasticsearch) -> None:
    assert ids(books, {"match": {"price": 7}}) == where(lambda d: d.get("price") == 7)
    assert ids(books, {"match": {"price": "39.99"}}) == ["3"]
    assert ids(books, {"match": {"stock": "3"}}) == where(lambda d: d.get("stock") == 3)
    assert ids(books, {"match": {"published": "2020-01-15"}}) == ["1"]
    assert ids(books, {"match": {"available": "false"}}) == where(
        lambda d: d.get("available") is False
    )


def test_match_on_a_number_with_text_is_a_400(books: Elasticsearch) -> None:
    error = bad_request(books, {"match": {"price": "cheap"}})
    assert "cheap" in reasons(error)
    # lenient: the unparsable value matches nothing instead.
    assert ids(books, {"match": {"price": {"query": "cheap", "lenient": True}}}) == []


def test_match_on_an_unmapped_field_finds_nothing(books: Elasticsearch) -> None:
    assert ids(books, {"match": {"nope": "brown"}}) == []


# match_phrase, match_phrase_prefix


def test_match_phrase_needs_the_words_in_order(books: Elasticsearch) -> None:
    assert ids(books, {"match_phrase": {"title": "quick brown"}}) == ["1"]
    assert ids(books, {"match_phrase": {"title": "brown quick"}}) == []
    assert ids(books, {"match_phrase": {"title": "quick fox"}}) == []


def test_match_phrase_slop(books: Elasticsearch) -> None:
    assert ids(books, {"match_phrase": {"title": {"query": "quick fox", "slop": 1}}}) == ["1"]
    # Swapping two words takes a slop of 2.
    assert ids(books, {"match_phrase": {"title": {"query": "brown quick", "slop": 1}}}) == []
    assert ids(books, {"match_phrase": {"title": {"query": "brown quick", "slop": 2}}}) == ["1"]


def test_match_phrase_keeps_the_gaps_of_removed_stopwords(books: Elasticsearch) -> None:
    # Body of doc 4: "Bears in the forest of the north" -> forest@3, north@6.
    # "forest of the north" -> forest@0, north@3: the same gap, so it matches.
    assert ids(books, {"match_phrase": {"body": "forest of the north"}}) == ["4"]
    # Fewer (or no) stopwords between them make a different gap.
    assert ids(books, {"match_phrase": {"body": "forest the north"}}) == []
    assert ids(books, {"match_phrase": {"body": "forest north"}}) == []
    assert ids(books, {"match_phrase": {"body": {"query": "forest north", "slop": 2}}}) == ["4"]


def test_match_phrase_prefix(books: Elasticsearch) -> None:
    assert ids(books, {"match_phrase_prefix": {"title": "quick bro"}}) == ["1"]
    assert ids(books, {"match_phrase_prefix": {"title": "lazy d"}}) == ["2"]
    assert ids(books, {"match_phrase_prefix": {"title": "programm"}}) == where(
        lambda d: any(t.startswith("programm") for t in title_terms(d["title"]))
    )
    assert ids(books, {"match_phrase_prefix": {"title": "bro quick"}}) == []


# multi_match

TIE_MAPPING = {"properties": {"a": {"type": "text"}, "b": {"type": "text"}}}
TIE_DOCS = {
    "x": {"a": "fox fox fox", "b": "cat"},
    "y": {"a": "fox and cat", "b": "fox and dog"},
    "z": {"a": "dog", "b": "fox cat dog bird"},
    "w": {"a": "bird", "b": "bird"},
}


@pytest.fixture
def fields_index(es: Elasticsearch) -> Elasticsearch:
    load(es, "pair", TIE_DOCS, TIE_MAPPING)
    return es


def pair_scores(es: Elasticsearch, query: dict[str, Any]) -> dict[str, float]:
    hits = es.search(index="pair", query=query)["hits"]["hits"]
    return {h["_id"]: h["_score"] for h in hits}


def test_multi_match_best_fields_tie_breaker(fields_index: Elasticsearch) -> None:
    a = pair_scores(fields_index, {"match": {"a": "fox"}})
    b = pair_scores(fields_index, {"match": {"b": "fox"}})
    for tie in (0.0, 0.3, 1.0):
        got = pair_scores(
            fields_index,
            {"multi_match": {"query": "fox", "fields": ["a", "b"], "tie_breaker": tie}},
        )
        for doc_id, score in got.items():
            per_field = [s for s in (a.get(doc_id), b.get(doc_id)) if s is not None]
            best = max(per_field)
            assert score == pytest.approx(best + tie * (sum(per_field) - best), rel=1e-5)

    # x is best in one field, y good in both: the tie breaker decides which comes first.
    def ranking(tie: float) -> list[str]:
        query = {"multi_match": {"query": "fox", "fields": ["a", "b"], "tie_breaker": tie}}
        return list(pair_scores(fields_index, query))

    assert ranking(0.0)[:2] == ["x", "y"]
    assert ranking(1.0)[:2] == ["y", "x"]


def test_multi_match_field_boost_changes_the_ranking(fields_index: Elasticsearch) -> None:
    plain = pair_scores(fields_index, {"multi_match": {"query": "fox", "fields": ["a", "b"]}})
    boosted = pair_scores(fields_index, {"multi_match": {"query": "fox", "fields": ["a", "b^3"]}})
    assert next(iter(plain)) == "x"
    assert next(iter(boosted)) == "y"
    b = pair_scores(fields_index, {"match": {"b": "fox"}})
    assert boosted["z"] == pytest.approx(3 * b["z"], rel=1e-5)


def test_multi_match_most_fields_sums_the_fields(fields_index: Elasticsearch) -> None:
    a = pair_scores(fields_index, {"match": {"a": "fox"}})
    b = pair_scores(fields_index, {"match": {"b": "fox"}})
    got = pair_scores(
        fields_index, {"multi_match": {"query": "fox", "fields": ["a", "b"], "type": "most_fields"}}
    )
    assert set(got) == set(a) | set(b)
    for doc_id, score in got.items():
        assert score == pytest.approx(a.get(doc_id, 0) + b.get(doc_id, 0), rel=1e-5)


def test_multi_match_cross_fields_matches_terms_across_fields(books: Elasticsearch) -> None:
    # "alice" is in an author name, "fox" in a title: no single field has both.
    fields = ["title", "author.name"]
    best = {"multi_match": {"query": "alice fox", "fields": fields, "operator": "and"}}
    cross = {
        "multi_match": {
            "query": "alice fox",
            "fields": fields,
            "operator": "and",
            "type": "cross_fields",
        }
    }
    assert ids(books, best) == []
    assert ids(books, cross) == ["1"]


def test_multi_match_phrase(books: Elasticsearch) -> None:
    query = {"multi_match": {"query": "quick brown", "fields": ["title", "body"], "type": "phrase"}}
    assert ids(books, query) == ["1"]
    query = {
        "multi_match": {"query": "the quick search", "fields": ["title", "body"], "type": "phrase"}
    }
    assert ids(books, query) == ["5"]


def test_multi_match_fields_with_wildcards(books: Elasticsearch) -> None:
    # author.* covers author.name (text), author.name.raw and author.country (keywords).
    assert ids(books, {"multi_match": {"query": "brown", "fields": ["author.*"]}}) == where(
        lambda d: "brown" in title_terms(get(d, "author.name") or "")
    )
    assert ids(books, {"multi_match": {"query": "fr", "fields": ["author.*"]}}) == ["5"]
    both = ids(books, {"multi_match": {"query": "brown", "fields": ["title", "auth*.name"]}})
    assert both == where(
        lambda d: (
            "brown" in title_terms(d["title"])
            or "brown" in title_terms(get(d, "author.name") or "")
        )
    )


# term, terms, ids


def test_term_is_not_analysed(books: Elasticsearch) -> None:
    assert ids(books, {"term": {"title": "quick"}}) == ["1"]
    assert ids(books, {"term": {"title": "Quick"}}) == []
    assert ids(books, {"term": {"title.raw": "Polar bears"}}) == ["6"]
    assert ids(books, {"term": {"category": {"value": "nature"}}}) == where(
        lambda d: d["category"] == "nature"
    )


def test_term_case_insensitive_on_keywords(books: Elasticsearch) -> None:
    query = {"term": {"category": {"value": "NATURE", "case_insensitive": True}}}
    assert ids(books, query) == where(lambda d: d["category"] == "nature")
    assert ids(books, {"term": {"category": "NATURE"}}) == []


def test_term_on_numbers_dates_booleans_and_arrays(books: Elasticsearch) -> None:
    assert ids(books, {"term": {"stock": 3}}) == where(lambda d: d.get("stock") == 3)
    assert ids(books, {"term": {"price": 19.0}}) == ["6"]
    assert ids(books, {"term": {"published": "2023-02-01"}}) == ["5"]
    assert ids(books, {"term": {"available": True}}) == where(lambda d: d.get("available") is True)
    # A document with several values matches any one of them.
    assert ids(books, {"term": {"tags": "nature"}}) == where(
        lambda d: "nature" in d.get("tags", [])
    )


def test_terms_on_keywords_numbers_and_ids(books: Elasticsearch) -> None:
    assert ids(books, {"terms": {"category": ["food", "draft"]}}) == where(
        lambda d: d["category"] in ("food", "draft")
    )
    assert ids(books, {"terms": {"stock": [3, 5]}}) == where(lambda d: d.get("stock") in (3, 5))
    assert ids(books, {"terms": {"price": [7, 45.0]}}) == ["2", "5"]
    assert ids(books, {"terms": {"_id": ["1", "3", "99"]}}) == ["1", "3"]
    assert set(scores(books, {"terms": {"tags": ["code", "food"]}}).values()) == {1.0}


def test_terms_lookup_takes_the_values_from_a_document(books: Elasticsearch) -> None:
    books.index(
        index="lists",
        id="wanted",
        document={"cats": ["food", "nature"], "who": {"countries": ["uk", "ca"]}},
        refresh=True,
    )
    lookup = {"index": "lists", "id": "wanted", "path": "cats"}
    assert ids(books, {"terms": {"category": lookup}}) == where(
        lambda d: d["category"] in ("food", "nature")
    )
    lookup = {"index": "lists", "id": "wanted", "path": "who.countries"}
    assert ids(books, {"terms": {"author.country": lookup}}) == ["2", "6"]
    # The lookup may read the searched index itself: books tagged like book 4.
    lookup = {"index": INDEX, "id": "4", "path": "tags"}
    assert ids(books, {"terms": {"tags": lookup}}) == where(
        lambda d: bool({"animal", "nature"} & set(d.get("tags", [])))
    )


def test_terms_lookup_of_a_missing_document_finds_nothing(books: Elasticsearch) -> None:
    books.indices.create(index="lists")
    assert ids(books, {"terms": {"category": {"index": "lists", "id": "x", "path": "p"}}}) == []


def test_ids(books: Elasticsearch) -> None:
    assert ids(books, {"ids": {"values": ["2", "4", "99"]}}) == ["2", "4"]
    assert ids(books, {"ids": {"values": []}}) == []


# range


@pytest.mark.parametrize(
    ("bounds", "check"),
    [
        ({"gt": 10.5, "lte": 25}, lambda v: 10.5 < v <= 25),
        ({"gte": 10.5, "lt": 25}, lambda v: 10.5 <= v < 25),
        ({"gt": 39.99}, lambda v: v > 39.99),
        ({"lte": 7}, lambda v: v <= 7),
        ({"gte": "15.25", "lte": "19"}, lambda v: 15.25 <= v <= 19),
    ],
)
def test_range_on_a_double(
    books: Elasticsearch, bounds: dict[str, Any], check: Callable[[float], bool]
) -> None:
    assert ids(books, {"range": {"price": bounds}}) == where(
        lambda d: "price" in d and check(d["price"])
    )


@pytest.mark.parametrize(
    ("bounds", "check"),
    [
        ({"gte": 3, "lt": 8}, lambda v: 3 <= v < 8),
        ({"gt": 3}, lambda v: v > 3),
        ({"gt": 2.5, "lt": 5.5}, lambda v: 2.5 < v < 5.5),  # decimals on a long field
        ({"lte": 0}, lambda v: v <= 0),
    ],
)
def test_range_on_a_long(
    books: Elasticsearch, bounds: dict[str, Any], check: Callable[[int], bool]
) -> None:
    assert ids(books, {"range": {"stock": bounds}}) == where(
        lambda d: "stock" in d and check(d["stock"])
    )


def test_range_scores_are_constant(books: Elasticsearch) -> None:
    assert set(scores(books, {"range": {"stock": {"gte": 0}}}).values()) == {1.0}


def test_range_on_dates(books: Elasticsearch) -> None:
    query = {"range": {"published": {"gte": "2020-01-01", "lt": "2022-01-01"}}}
    assert ids(books, query) == where(
        lambda d: "2020-01-01" <= d.get("published", "") < "2022-01-01"
    )
    # Rounding with date math: lte rounds up to the end of the month, gt past the end of it.
    assert ids(books, {"range": {"published": {"lte": "2020-01||/M"}}}) == where(
        lambda d: "published" in d and d["published"] < "2020-02"
    )
    assert ids(books, {"range": {"published": {"gt": "2021-06-01||/M"}}}) == where(
        lambda d: d.get("published", "") >= "2021-07"
    )
    # A date missing its day is the 1st, and lte/gt fill in the end of that day.
    assert ids(books, {"range": {"published": {"lte": "2020-01"}}}) == where(
        lambda d: "published" in d and d["published"] <= "2020-01-01"
    )
    assert ids(books, {"range": {"published": {"gt": "2021-06"}}}) == where(
        lambda d: d.get("published", "") > "2021-06-01"
    )


def test_range_on_dates_with_an_explicit_format(books: Elasticsearch) -> None:
    query = {
        "range": {"published": {"gte": "15/01/2020", "lt": "01/01/2022", "format": "dd/MM/yyyy"}}
    }
    assert ids(books, query) == where(
        lambda d: "2020-01-15" <= d.get("published", "") < "2022-01-01"
    )
    error = bad_request(
        books, {"range": {"published": {"gte": "2020-01-15", "format": "dd/MM/yyyy"}}}
    )
    assert "2020-01-15" in reasons(error)


def test_range_with_date_math_rounding(es: Elasticsearch) -> None:
    es.indices.create(index="events", mappings={"properties": {"at": {"type": "date"}}})
    for _ in range(3):  # a day boundary passing mid-test changes "now/d": try again
        today = dt.datetime.now(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
        for days in range(5):
            at = (today - dt.timedelta(days=days)).isoformat()
            es.index(index="events", id=str(days), document={"at": at})
        es.indices.refresh(index="events")

        def found(bounds: dict[str, Any]) -> list[str]:
            hits = es.search(index="events", query={"range": {"at": bounds}})["hits"]["hits"]
            return sorted(h["_id"] for h in hits)

        got = {
            # gte and lt round down to the start of the day, lte and gt up to its end.
            "gte": found({"gte": "now-1d/d"}),
            "day": found({"gte": "now-1d/d", "lt": "now/d"}),
            "lt": found({"lt": "now-2d/d"}),
            "lte": found({"lte": "now-2d/d"}),
            "gt": found({"gt": "now-2d/d"}),
        }
        if dt.datetime.now(dt.UTC).date() == today.date():
            break
    assert got == {
        "gte": ["0", "1"],
        "day": ["1"],
        "lt": ["3", "4"],
        "lte": ["2", "3", "4"],
        "gt": ["0", "1"],
    }


@pytest.mark.parametrize(
    ("bounds", "check"),
    [
        ({"gte": True}, lambda v: v),
        ({"lt": True}, lambda v: not v),
        ({"gt": False}, lambda v: v),
        ({"gte": "false", "lte": "true"}, lambda v: True),
        ({"gt": True}, lambda v: False),
    ],
)
def test_range_on_booleans(
    books: Elasticsearch, bounds: dict[str, Any], check: Callable[[bool], bool]
) -> None:
    # false sorts before true.
    assert ids(books, {"range": {"available": bounds}}) == where(
        lambda d: "available" in d and check(d["available"])
    )


def test_range_on_keywords(books: Elasticsearch) -> None:
    assert ids(books, {"range": {"sku": {"gte": "B", "lt": "E"}}}) == where(
        lambda d: "B" <= d["sku"] < "E"
    )
    assert ids(books, {"range": {"sku": {"gt": "B-2", "lte": "E-5"}}}) == where(
        lambda d: "B-2" < d["sku"] <= "E-5"
    )
    assert ids(books, {"range": {"category": {"gte": "food"}}}) == where(
        lambda d: d["category"] >= "food"
    )
    assert ids(books, {"range": {"category": {"lt": "food"}}}) == where(
        lambda d: d["category"] < "food"
    )
    assert ids(books, {"range": {"title.raw": {"gte": "P", "lt": "Q"}}}) == ["3", "6"]
    assert ids(books, {"range": {"sku": {"gt": "Z"}}}) == []


# bool


def test_bool_must_should_filter_must_not(books: Elasticsearch) -> None:
    query = {
        "bool": {
            "must": [{"match": {"body": "bears"}}],
            "filter": [{"range": {"price": {"lt": 30}}}],
            "must_not": [{"term": {"available": False}}],
            "should": [{"match": {"title": "polar"}}],
        }
    }
    expected = where(
        lambda d: (
            "bears" in body_terms(d.get("body", ""))
            and d.get("price", 1e9) < 30
            and d.get("available") is not False
        )
    )
    assert ids(books, query) == expected == ["4"]


def test_bool_should_alone_needs_one_match(books: Elasticsearch) -> None:
    query = {"bool": {"should": [{"term": {"category": "food"}}, {"term": {"tags": "classic"}}]}}
    assert ids(books, query) == where(
        lambda d: d["category"] == "food" or "classic" in d.get("tags", [])
    )


def test_bool_should_next_to_must_only_adds_score(books: Elasticsearch) -> None:
    query = {
        "bool": {
            "must": [{"term": {"category": "fiction"}}],
            "should": [{"match": {"title": "lazy"}}],
        }
    }
    assert ranked(books, query) == ["2", "1"]


def test_bool_minimum_should_match(books: Elasticsearch) -> None:
    clauses = [
        {"term": {"tags": "animal"}},
        {"term": {"tags": "nature"}},
        {"term": {"available": True}},
    ]
    checks = [
        lambda d: "animal" in d.get("tags", []),
        lambda d: "nature" in d.get("tags", []),
        lambda d: d.get("available") is True,
    ]
    for spec, needed in (("2", 2), (3, 3), ("-1", 2), ("34%", 1), ("100%", 3)):
        query = {"bool": {"should": clauses, "minimum_should_match": spec}}
        assert ids(books, query) == where(
            lambda d, n=needed: sum(check(d) for check in checks) >= n
        ), spec
    # With a must clause the should clauses become optional, unless asked for.
    query = {
        "bool": {
            "must": [{"term": {"category": "nature"}}],
            "should": clauses[2:],
            "minimum_should_match": 1,
        }
    }
    assert ids(books, query) == ["4"]


def test_bool_filter_does_not_change_scores(books: Elasticsearch) -> None:
    scored = scores(books, {"match": {"title": "brown"}})
    query = {
        "bool": {
            "must": [{"match": {"title": "brown"}}],
            "filter": [{"term": {"category": "nature"}}],
        }
    }
    filtered = scores(books, query)
    assert list(filtered) == ["4"]
    assert filtered["4"] == pytest.approx(scored["4"])
    # Only filters: every hit scores 0.
    assert set(scores(books, {"bool": {"filter": [{"term": {"tags": "animal"}}]}}).values()) == {
        0.0
    }


def test_bool_purely_negative_matches_everything_else(books: Elasticsearch) -> None:
    hits = search(
        books,
        {
            "bool": {
                "must_not": [{"term": {"category": "fiction"}}, {"exists": {"field": "author"}}]
            }
        },
    )
    assert sorted(h["_id"] for h in hits) == where(
        lambda d: d["category"] != "fiction" and "author" not in d
    )
    assert {h["_score"] for h in hits} == {0.0}


def test_bool_nested_in_bool(books: Elasticsearch) -> None:
    query = {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [{"term": {"category": "tech"}}, {"term": {"category": "food"}}]
                    }
                }
            ],
            "must_not": [{"bool": {"filter": [{"range": {"price": {"gt": 40}}}]}}],
        }
    }
    assert ids(books, query) == where(
        lambda d: d["category"] in ("tech", "food") and not d.get("price", 0) > 40
    )


# exists, prefix, wildcard, regexp, fuzzy


@pytest.mark.parametrize(
    "field",
    [
        "author",
        "author.country",
        "author.name.raw",
        "tags",
        "stock",
        "available",
        "published",
        "title",
    ],
)
def test_exists(books: Elasticsearch, field: str) -> None:
    source_path = field.removesuffix(".raw")
    assert ids(books, {"exists": {"field": field}}) == where(
        lambda d: get(d, source_path) not in (None, [])
    )


def test_exists_on_an_unmapped_field_finds_nothing(books: Elasticsearch) -> None:
    assert ids(books, {"exists": {"field": "nope"}}) == []


def test_prefix(books: Elasticsearch) -> None:
    assert ids(books, {"prefix": {"title": "program"}}) == where(
        lambda d: any(t.startswith("program") for t in title_terms(d["title"]))
    )
    assert ids(books, {"prefix": {"title.raw": "P"}}) == where(lambda d: d["title"][0] == "P")
    assert ids(books, {"prefix": {"title.raw": "p"}}) == []
    assert ids(books, {"prefix": {"title.raw": {"value": "p", "case_insensitive": True}}}) == (
        where(lambda d: d["title"][0] == "P")
    )
    assert ids(books, {"prefix": {"_id": "1"}}) == ["1"]


def test_wildcard(books: Elasticsearch) -> None:
    assert ids(books, {"wildcard": {"sku": "*-1"}}) == ["1"]
    assert ids(books, {"wildcard": {"sku": "?-?"}}) == sorted(DOCS)
    assert ids(books, {"wildcard": {"title": "b*r*"}}) == where(
        lambda d: any(re.fullmatch("b.*r.*", t) for t in title_terms(d["title"]))
    )
    assert ids(books, {"wildcard": {"sku": "a-*"}}) == []
    assert ids(books, {"wildcard": {"sku": {"value": "a-*", "case_insensitive": True}}}) == ["1"]
    assert set(scores(books, {"wildcard": {"sku": "*"}}).values()) == {1.0}


def test_regexp(books: Elasticsearch) -> None:
    assert ids(books, {"regexp": {"sku": "[A-C]-[0-9]"}}) == ["1", "2", "3"]
    assert ids(books, {"regexp": {"title": "bears?"}}) == ["4", "6"]
    assert ids(books, {"regexp": {"category": "f.*"}}) == where(lambda d: d["category"][0] == "f")
    assert ids(books, {"regexp": {"category": {"value": "F.*", "case_insensitive": True}}}) == (
        where(lambda d: d["category"][0] == "f")
    )


def test_fuzzy(books: Elasticsearch) -> None:
    assert ids(books, {"fuzzy": {"title": "pythn"}}) == ["3"]
    assert ids(books, {"fuzzy": {"title": {"value": "brzwx", "fuzziness": 2}}}) == ["1", "4"]
    assert ids(books, {"fuzzy": {"title": {"value": "brzwx", "fuzziness": 1}}}) == []
    assert ids(books, {"fuzzy": {"category": "fod"}}) == ["7"]


# query_string, simple_query_string, URI search


def test_query_string_boolean_syntax(books: Elasticsearch) -> None:
    query = {"query_string": {"query": "title:brown AND NOT bear"}}
    assert ids(books, query) == where(
        lambda d: "brown" in title_terms(d["title"]) and "bear" not in title_terms(d["title"])
    )
    query = {"query_string": {"query": "title:(brown OR python) AND category:nature"}}
    assert ids(books, query) == ["4"]


def test_query_string_phrase_and_default_field(books: Elasticsearch) -> None:
    assert ids(books, {"query_string": {"query": '"lazy dog"', "default_field": "body"}}) == ["1"]
    assert ids(books, {"query_string": {"query": "bears", "default_field": "body"}}) == ["4", "6"]
    # Without a default field, every field is searched.
    assert ids(books, {"query_string": {"query": "python"}}) == ["3", "7"]


def test_uri_search_q(books: Elasticsearch) -> None:
    def q(text: str, **params: Any) -> list[str]:
        hits = books.search(index=INDEX, q=text, **params)["hits"]["hits"]
        return sorted(h["_id"] for h in hits)

    assert q("title:brown AND NOT bear") == ["1"]
    assert q("category:tech") == where(lambda d: d["category"] == "tech")
    assert q("python", df="body") == ["3", "7"]
    assert q("brown fox", df="title", default_operator="AND") == ["1"]
    assert q("stock:[3 TO 5]") == where(lambda d: 3 <= d.get("stock", -1) <= 5)


def test_simple_query_string(books: Elasticsearch) -> None:
    def sqs(text: str, **options: Any) -> list[str]:
        return ids(books, {"simple_query_string": {"query": text, **options}})

    assert sqs('"quick brown" | python', fields=["title"]) == ["1", "3"]
    assert sqs("bear*", fields=["title"]) == ["4", "6"]
    assert sqs("bear* -polar", fields=["title"], default_operator="and") == ["4"]
    assert sqs("brown +bear", fields=["title", "author.name"]) == ["4"]
    # Syntax errors do not fail a simple_query_string.
    assert sqs('"unclosed AND (', fields=["title"]) == []


# constant_score, dis_max, boosting, nested


def test_constant_score_scores_are_the_boost(books: Elasticsearch) -> None:
    query = {"constant_score": {"filter": {"match": {"body": "bears"}}, "boost": 1.7}}
    got = scores(books, query)
    assert sorted(got) == ["4", "6"]
    assert all(score == pytest.approx(1.7) for score in got.values())
    assert set(
        scores(books, {"constant_score": {"filter": {"term": {"tags": "code"}}}}).values()
    ) == {1.0}


def test_dis_max_takes_the_best_clause_plus_tie_breaker(books: Elasticsearch) -> None:
    clauses = [{"match": {"title": "python"}}, {"match": {"body": "python"}}]
    per_clause = [scores(books, clause) for clause in clauses]
    for tie in (0.0, 0.5):
        got = scores(books, {"dis_max": {"queries": clauses, "tie_breaker": tie}})
        assert sorted(got) == ["3", "7"]
        for doc_id, score in got.items():
            matched = [s[doc_id] for s in per_clause if doc_id in s]
            best = max(matched)
            assert score == pytest.approx(best + tie * (sum(matched) - best), rel=1e-5)


def test_boosting_demotes_negative_matches(books: Elasticsearch) -> None:
    positive = {"match": {"body": "bears"}}
    plain = scores(books, positive)
    query = {
        "boosting": {
            "positive": positive,
            "negative": {"term": {"title": "polar"}},
            "negative_boost": 0.2,
        }
    }
    demoted = scores(books, query)
    assert set(demoted) == set(plain) == {"4", "6"}
    assert demoted["4"] == pytest.approx(plain["4"])
    assert demoted["6"] == pytest.approx(plain["6"] * 0.2, rel=1e-5)
    assert list(demoted) == ["4", "6"]


def test_nested_query_on_an_object_field_is_refused(books: Elasticsearch) -> None:
    """As in Elasticsearch 9: the path must be mapped ``nested`` (see test_strictness)."""
    query = {"nested": {"path": "author", "query": {"match": {"author.name": "brown"}}}}
    assert "[nested] failed to find nested object under path [author]" in reasons(
        bad_request(books, query)
    )
    error = bad_request(books, {"nested": {"path": "nope", "query": {"match_all": {}}}})
    assert "nope" in reasons(error)
    query = {"nested": {"path": "nope", "query": {"match_all": {}}, "ignore_unmapped": True}}
    assert ids(books, query) == []


# Errors


@pytest.mark.parametrize(
    "query",
    [
        {"function_score": {"query": {"match_all": {}}, "functions": []}},
        {"intervals": {"title": {"match": {"query": "brown"}}}},
        {"geo_shape": {"loc": {"shape": {"type": "point", "coordinates": [0, 0]}}}},
        {"span_term": {"title": "brown"}},
    ],
)
def test_unsupported_queries_are_a_400_naming_the_query(
    books: Elasticsearch, query: dict[str, Any]
) -> None:
    error = bad_request(books, query)
    assert next(iter(query)) in reasons(error)
    assert "not supported" in reasons(error)


def test_unknown_and_malformed_queries_are_400(books: Elasticsearch) -> None:
    error = bad_request(books, {"no_such_query": {}})
    assert error.error == "parsing_exception"
    assert "unknown query [no_such_query]" in reasons(error)
    error = bad_request(books, {"match": {"title": "a", "body": "b"}})
    assert error.error == "parsing_exception"
    error = bad_request(books, {"range": {"price": {"gte": "cheap"}}})
    assert "cheap" in reasons(error)
    error = bad_request(books, {"bool": {"must": [{"term": {"category": "x"}}], "nope": 1}})
    assert "nope" in reasons(error)
