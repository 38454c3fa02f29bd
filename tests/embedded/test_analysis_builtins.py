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


# -- stemmers and normalizers ----------------------------------------------------------------


def test_keyword_repeat_documented_examples(any_es):
    text = "fox running and jumping"
    repeated = any_es.indices.analyze(tokenizer="whitespace", filter=["keyword_repeat"], text=text)
    assert [(t["token"], t["position"]) for t in repeated["tokens"]] == [
        ("fox", 0),
        ("fox", 0),
        ("running", 1),
        ("running", 1),
        ("and", 2),
        ("and", 2),
        ("jumping", 3),
        ("jumping", 3),
    ]
    stemmed = ["keyword_repeat", "stemmer"]
    assert terms(any_es, tokenizer="whitespace", filter=stemmed, text=text) == [
        "fox",
        "fox",
        "running",
        "run",
        "and",
        "and",
        "jumping",
        "jump",
    ]
    deduplicated = [*stemmed, "remove_duplicates"]
    assert terms(any_es, tokenizer="whitespace", filter=deduplicated, text=text) == [
        "fox",
        "running",
        "run",
        "and",
        "jumping",
        "jump",
    ]
    unique = {"type": "unique", "only_on_same_position": True}
    chain = ["lowercase", "keyword_repeat", "porter_stem", unique]
    assert terms(any_es, tokenizer="standard", filter=chain, text="I like cats") == [
        "i",
        "like",
        "cats",
        "cat",
    ]


def test_keyword_repeat_indexes_stemmed_and_unstemmed_forms(any_es):
    any_es.indices.create(
        index="both",
        settings={
            "analysis": {
                "analyzer": {
                    "both": {
                        "tokenizer": "standard",
                        "filter": ["lowercase", "keyword_repeat", "stemmer", "remove_duplicates"],
                    }
                }
            }
        },
        mappings={"properties": {"body": {"type": "text", "analyzer": "both"}}},
    )
    any_es.index(index="both", id="1", document={"body": "running"}, refresh=True)
    query = {"match": {"body": {"query": "running", "analyzer": "keyword"}}}
    assert ids(any_es, "both", query) == ["1"]
    assert ids(any_es, "both", {"match": {"body": {"query": "run", "analyzer": "keyword"}}}) == [
        "1"
    ]


@pytest.mark.parametrize(
    ("filters", "text", "expected"),
    [
        # Snowball stemmers under the names Elasticsearch gives them.
        (["dutch_stem"], "fietsen aangenomen", ["fiets", "aangenom"]),
        (["french_stem"], "chevaux", ["cheval"]),
        (["russian_stem"], "книги", ["книг"]),
        ([{"type": "french_stem", "stem_exclusion": ["chevaux"]}], "chevaux", ["chevaux"]),
        ([{"type": "dutch_stem", "stem_exclusion": "fietsen"}], "fietsen", ["fietsen"]),
        # `stemmer` languages that are Snowball algorithms tantivy does not have.
        ([{"type": "stemmer", "language": "catalan"}], "gats", ["gat"]),
        ([{"type": "stemmer", "language": "basque"}], "etxeak", ["etxe"]),
        ([{"type": "stemmer", "language": "dutch"}], "aangenomen", ["aangenom"]),
        # German normalization: umlauts, ß, and ae/oe/ue except ue after a vowel or q.
        (
            ["german_normalization"],
            "schaltflächen schaltflaechen weißbier dauer quelle",
            ["schaltflachen", "schaltflachen", "weissbier", "dauer", "quelle"],
        ),
        # Serbian: Cyrillic to Latin, then Latin without diacritics (đ is dj).
        (["serbian_normalization"], "ђак чаша džak đak", ["djak", "casa", "dzak", "djak"]),
        # Lucene's documented Scandinavian examples.
        (
            ["scandinavian_normalization"],
            "blåbärsyltetöj blaabaersyltetöj räksmörgås raeksmoergaas raksmorgas",
            ["blåbærsyltetøj", "blåbærsyltetøj", "ræksmørgås", "ræksmørgås", "raksmorgas"],
        ),
        (
            ["scandinavian_folding"],
            "blåbærsyltetøj blaabaarsyltetoej räksmörgås ræksmörgaos",
            ["blabarsyltetoj", "blabarsyltetoj", "raksmorgas", "raksmorgas"],
        ),
    ],
)
def test_stemmer_and_normalization_filters(any_es, filters, text, expected):
    assert terms(any_es, tokenizer="whitespace", filter=filters, text=text) == expected


def test_normalization_filters_serve_keyword_normalizers(any_es):
    any_es.indices.create(
        index="names",
        settings={
            "analysis": {
                "normalizer": {
                    "nordic": {"filter": ["lowercase", "scandinavian_folding"]},
                    "german": {"filter": ["lowercase", "german_normalization"]},
                }
            }
        },
        mappings={
            "properties": {
                "nordic": {"type": "keyword", "normalizer": "nordic"},
                "german": {"type": "keyword", "normalizer": "german"},
            }
        },
    )
    any_es.index(index="names", id="1", document={"nordic": "Räksmörgås", "german": "Müller"})
    any_es.indices.refresh(index="names")
    assert ids(any_es, "names", {"term": {"nordic": "raksmorgas"}}) == ["1"]
    assert ids(any_es, "names", {"term": {"german": "MUELLER"}}) == ["1"]


# -- language analyzers with Snowball stemmers -----------------------------------------------


@pytest.mark.parametrize(
    ("settings", "text", "expected"),
    [
        # Catalan elides its articles first (whatever their case).
        ({"type": "catalan", "stopwords": ["i", "els"]}, "L'home i els gats", ["hom", "gat"]),
        # Irish: t-prothesis and n-eclipsis (nAthair is n-athair), the h/n/t hyphenations.
        ({"type": "irish", "stopwords": ["an"]}, "nAthair an t-uisce", ["athair", "uisce"]),
        ({"type": "lithuanian", "stopwords": "_none_"}, "namai namuose", ["nam", "nam"]),
        ({"type": "basque", "stopwords": ["eta"]}, "etxeak eta", ["etxe"]),
        ({"type": "armenian", "stopwords": "_none_"}, "Քաղաքներ", ["քաղ"]),
        # Serbian stems, then writes "bald" Latin (Lucene's own examples).
        (
            {"type": "serbian", "stopwords": ["ili"]},
            "abdiciraće decimalnim đubrište ili",
            ["abdicirac", "decimaln", "djubrist"],
        ),
        (
            {"type": "armenian", "stopwords": "_none_", "stem_exclusion": ["քաղաքներ"]},
            "Քաղաքներ տներում",
            ["քաղաքներ", "տներ"],
        ),
    ],
)
def test_snowball_language_analyzers_with_explicit_stop_words(any_es, settings, text, expected):
    any_es.indices.create(index="lang", settings={"analysis": {"analyzer": {"a": settings}}})
    assert terms(any_es, index="lang", analyzer="a", text=text) == expected


@pytest.mark.parametrize(
    "language", ["armenian", "basque", "catalan", "estonian", "irish", "lithuanian", "serbian"]
)
def test_language_analyzers_without_their_default_stop_words_are_refused(any_es, language):
    reason = refusal(any_es, analyzer=language, text="x")
    assert f"the default stop words of [{language}]" in reason
    assert "not supported" in reason
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(
            index="lang", mappings={"properties": {"body": {"type": "text", "analyzer": language}}}
        )
    assert f"the default stop words of [{language}]" in error_of(exc)["reason"]
    # Nor through the named stop word list.
    analysis = {"analyzer": {"a": {"type": language, "stopwords": f"_{language}_"}}}
    assert f"the [_{language}_] stop word list is not supported" in index_refusal(any_es, analysis)


# -- refusals by name ------------------------------------------------------------------------


@pytest.mark.parametrize("analyzer", ["galician", "thai"])
def test_other_language_analyzers_are_refused_by_name(any_es, analyzer):
    reason = refusal(any_es, analyzer=analyzer, text="x")
    assert reason == f"the [{analyzer}] analyzer is not supported by the djangoes embedded engine"
    assert f"[{analyzer}] analyzer" in index_refusal(
        any_es, {"analyzer": {"a": {"type": analyzer, "stopwords": "_none_"}}}
    )


@pytest.mark.parametrize(
    ("filters", "reason"),
    [
        ([{"type": "stemmer", "language": "galician"}], "stemmer language [galician]"),
        ([{"type": "stemmer", "language": "lovins"}], "stemmer language [lovins]"),
        ([{"type": "stemmer", "language": "dutch_kp"}], "stemmer language [dutch_kp]"),
    ],
)
def test_stemmers_the_engine_lacks_are_refused_by_name(any_es, filters, reason):
    found = refusal(any_es, tokenizer="standard", filter=filters, text="x")
    assert reason in found and "not supported" in found
