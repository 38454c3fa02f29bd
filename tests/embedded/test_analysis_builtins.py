"""Elasticsearch's built-in analysis components through a real client: the snowball analyzer
and token filter, the Snowball-backed stemmers, and the refusals, by name, of the built-ins
the engine does not implement."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def terms(es: Elasticsearch, **body: Any) -> list[str]:
    return [token["token"] for token in es.indices.analyze(**body)["tokens"]]


def ids(es: Elasticsearch, index: str, query: dict[str, Any]) -> list[str]:
    hits = es.search(index=index, query=query)["hits"]["hits"]
    return sorted(hit["_id"] for hit in hits)


def refusal(es: Elasticsearch, **body: Any) -> str:
    """The reason of the 400 ``_analyze`` answers ``body`` with."""
    with pytest.raises(BadRequestError) as exc:
        es.indices.analyze(**body)
    error = error_of(exc)
    assert error["type"] == "illegal_argument_exception"
    return str(error["reason"])


def index_refusal(es: Elasticsearch, analysis: dict[str, Any]) -> str:
    """The reason of the 400 creating an index with ``analysis`` gets."""
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="refused", settings={"analysis": analysis})
    assert not es.indices.exists(index="refused")
    return str(error_of(exc)["reason"])


# -- the snowball analyzer -------------------------------------------------------------------


def test_snowball_analyzer_stems_english_and_drops_english_stop_words(any_es):
    text = "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone."
    tokens = any_es.indices.analyze(analyzer="snowball", text=text)["tokens"]
    assert [(t["token"], t["position"], t["start_offset"], t["end_offset"]) for t in tokens] == [
        ("2", 1, 4, 5),
        ("quick", 2, 6, 11),
        ("brown", 3, 12, 17),
        ("fox", 4, 18, 23),
        ("jump", 5, 24, 30),
        ("over", 6, 31, 35),
        ("lazi", 8, 40, 44),
        ("dog", 9, 45, 50),
        ("bone", 10, 51, 55),
    ]
    # The possessive goes before the stop filter looks: "it's" is the stop word "it".
    assert terms(any_es, analyzer="snowball", text="it's John's") == ["john"]


def test_snowball_analyzer_in_a_mapping_matches_stemmed_words(any_es):
    any_es.indices.create(
        index="repos",
        mappings={
            "properties": {
                "description": {
                    "type": "text",
                    "analyzer": "snowball",
                    "fields": {"raw": {"type": "keyword"}},
                }
            }
        },
    )
    any_es.index(index="repos", id="1", document={"description": "Running the tests"})
    any_es.index(index="repos", id="2", document={"description": "A runner of jobs"})
    any_es.indices.refresh(index="repos")

    assert ids(any_es, "repos", {"match": {"description": "run"}}) == ["1"]
    assert ids(any_es, "repos", {"match": {"description": "runners"}}) == ["2"]
    assert ids(any_es, "repos", {"match": {"description": "test"}}) == ["1"]
    assert ids(any_es, "repos", {"match": {"description": "the"}}) == []
    assert ids(any_es, "repos", {"term": {"description.raw": "A runner of jobs"}}) == ["2"]
    mapping = any_es.indices.get_mapping(index="repos")["repos"]["mappings"]
    assert mapping["properties"]["description"]["analyzer"] == "snowball"


@pytest.mark.parametrize(
    ("settings", "text", "expected"),
    [
        # Dutch, German(2) and French come with their stop words ...
        ({"language": "Dutch"}, "De fietsen", ["fiets"]),
        ({"language": "German"}, "Die Bücher und Häuser", ["buch", "haus"]),
        ({"language": "German2"}, "Die Buecher", ["buch"]),
        ({"language": "French"}, "Les chevaux et le chat", ["cheval", "chat"]),
        # ... the other languages with none, unless given.
        ({"language": "Swedish"}, "och hundarna", ["och", "hund"]),
        ({"language": "Swedish", "stopwords": ["och"]}, "och hundarna", ["hund"]),
        ({"language": "English", "stopwords": "_none_"}, "The cats", ["the", "cat"]),
        ({"stopwords": ["cats"]}, "The cats", ["the"]),
        ({"stopwords": ["The"], "stopwords_case": True}, "The cats", ["cat"]),
        # Porter is the original algorithm, English Porter2; both drop possessives.
        ({"language": "Porter"}, "generalizations Mary's", ["gener", "mari"]),
        ({"language": "English"}, "generalizations Mary's", ["general", "mari"]),
        # Stemmers the snowballstemmer package runs.
        ({"language": "Catalan"}, "gats cantaven", ["gat", "cant"]),
        ({"language": "Lithuanian"}, "namai namuose", ["nam", "nam"]),
    ],
)
def test_snowball_analyzer_languages(any_es, settings, text, expected):
    any_es.indices.create(
        index="snow", settings={"analysis": {"analyzer": {"a": {"type": "snowball", **settings}}}}
    )
    assert terms(any_es, index="snow", analyzer="a", text=text) == expected


def test_snowball_analyzer_refuses_languages_lucene_does_not_have(any_es):
    # The analyzer names Lucene's stemmer class as given: "english" is no class.
    reason = index_refusal(any_es, {"analyzer": {"a": {"type": "snowball", "language": "english"}}})
    assert reason == "Invalid stemmer class specified: english"
    reason = index_refusal(any_es, {"analyzer": {"a": {"type": "snowball", "language": "Lovins"}}})
    assert "[Lovins]" in reason and "not supported" in reason


# -- the snowball token filter ---------------------------------------------------------------


def test_snowball_filter_documented_example(any_es):
    any_es.indices.create(
        index="snow",
        settings={
            "analysis": {
                "filter": {"my_snow": {"type": "snowball", "language": "English"}},
                "analyzer": {
                    "my_analyzer": {"tokenizer": "standard", "filter": ["lowercase", "my_snow"]}
                },
            }
        },
    )
    response = any_es.indices.analyze(index="snow", analyzer="my_analyzer", text="running runners")
    tokens = response["tokens"]
    assert [(t["token"], t["start_offset"], t["end_offset"], t["position"]) for t in tokens] == [
        ("run", 0, 7, 0),
        ("runner", 8, 15, 1),
    ]


@pytest.mark.parametrize(
    ("snowball", "text", "expected"),
    [
        ("snowball", "running runners", ["run", "runner"]),  # the built-in: English
        ({"type": "snowball"}, "running runners", ["run", "runner"]),
        ({"type": "snowball", "language": "english"}, "running", ["run"]),  # capitalized
        ({"type": "snowball", "language": "Porter"}, "generalizations", ["gener"]),
        ({"type": "snowball", "language": "German2"}, "häuser haeuser", ["haus", "haus"]),
        ({"type": "snowball", "language": "Russian"}, "книги", ["книг"]),
        ({"type": "snowball", "language": "Dutch"}, "aangenomen", ["aangenom"]),
        ({"type": "snowball", "language": "Basque"}, "etxeak", ["etxe"]),
        ({"type": "snowball", "language": "Irish"}, "athair", ["athair"]),
    ],
)
def test_snowball_filter_languages(any_es, snowball, text, expected):
    assert terms(any_es, tokenizer="standard", filter=["lowercase", snowball], text=text) == (
        expected
    )


def test_snowball_filter_leaves_keywords_alone(any_es):
    marker = {"type": "keyword_marker", "keywords": ["runners"]}
    for language in ("English", "Catalan"):
        snowball = {"type": "snowball", "language": language}
        assert terms(any_es, tokenizer="whitespace", filter=[marker, snowball], text="runners") == [
            "runners"
        ]


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("Kp", "[Kp] snowball stemmer (removed in Lucene 10) is not supported"),
        ("Lovins", "[Lovins] snowball stemmer (removed in Lucene 10) is not supported"),
        ("Klingon", "Invalid stemmer class specified: Klingon"),
    ],
)
def test_snowball_filter_refusals(any_es, language, reason):
    snowball = {"type": "snowball", "language": language}
    assert reason in refusal(any_es, tokenizer="standard", filter=[snowball], text="x")
    assert reason in index_refusal(any_es, {"filter": {"f": snowball}})
