"""Lucene's own stemmers for German (german_stem), Brazilian Portuguese, Czech, Bulgarian, Latvian,
Indonesian and (minimal) Galician, the analyzers built on them, and the refusal of those that need
Lucene's data, through the client.

Expectations come from Lucene's tests of the classes Elasticsearch runs: TestGermanStemFilter's
data and TestGermanAnalyzer, TestBrazilianAnalyzer, TestCzechStemmer, TestBulgarianStemmer,
TestLatvianStemmer, TestIndonesianStemmer, TestGalicianMinimalStemFilter.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch


def terms(es: Elasticsearch, text: str, *filters: Any, **body: Any) -> list[str]:
    if filters:
        body = {"tokenizer": "standard", "filter": list(filters), **body}
    return [t["token"] for t in es.indices.analyze(text=text, **body)["tokens"]]


def stemmer(language: str) -> dict[str, str]:
    return {"type": "stemmer", "language": language}


def test_german_stem(any_es: Elasticsearch) -> None:
    words = "abschließen abschließender Tisch Tischen Häusern hauen Dramen Ausmaß"
    assert terms(any_es, words, "german_stem") == [
        "abschliess", "abschliess", "tisch", "tisch", "hau", "hau", "dram", "ausmass"
    ]  # fmt: skip
    # A keyword is left alone; a word with a digit is only lowercased.
    marker = {"type": "keyword_marker", "keywords": ["Tischen"]}
    assert terms(any_es, "Tischen A4", marker, "german_stem") == ["Tischen", "a4"]


def test_german_stem_skips_its_stem_exclusion(any_es: Elasticsearch) -> None:
    # Elasticsearch's GermanStemTokenFilterFactory marks `stem_exclusion` as keywords first;
    # TestGermanAnalyzer: "tischen" excluded stays, and "Fischen Trinken" -> fischen, trink.
    german = {"type": "german_stem", "stem_exclusion": ["fischen", "tischen"]}
    assert terms(any_es, "Fischen Trinken tischen", "lowercase", german) == [
        "fischen", "trink", "tischen"
    ]  # fmt: skip


# TestBrazilianAnalyzer.testWithSnowballExamples and testNormalization (a sample): the accents
# are folded, words under three letters are left alone, a word with a digit is only folded.
BRAZILIAN = {
    "boataria": "boat", "boates": "boat", "bobagens": "bobagens", "bobalhões": "bobalho",
    "bobeira": "bobeir", "bocadas": "boc", "bocaiúva": "bocaiuv", "boçal": "bocal",
    "bodoque": "bodoqu", "boêmio": "boemi", "bóia": "boi", "boiando": "boi",
    "quicaram": "quic", "quilométricas": "quilometr", "quimioterapia": "quimioterap",
    "quinhão": "quinha", "quintessência": "quintessente", "quintuplicou": "quintuplic",
    "quiosque": "quiosqu", "Brasília": "brasil", "quimio5terápicos": "quimio5terapicos",
    "áá": "áá", "ááá": "aaa",
}  # fmt: skip


def test_brazilian(any_es: Elasticsearch) -> None:
    words = " ".join(BRAZILIAN)
    assert terms(any_es, words, "brazilian_stem") == list(BRAZILIAN.values())
    assert terms(any_es, words, stemmer("brazilian")) == list(BRAZILIAN.values())
    # testWithKeywordAttribute: a keyword is left alone.
    marker = {"type": "keyword_marker", "keywords": ["Brasília"], "ignore_case": True}
    assert terms(any_es, "Brasília Brasilia", "lowercase", marker, "brazilian_stem") == [
        "brasília", "brasil"
    ]  # fmt: skip
    # Elasticsearch's BrazilianStemTokenFilterFactory reads `stem_exclusion`.
    brazilian = {"type": "brazilian_stem", "stem_exclusion": ["quintessência"]}
    assert terms(any_es, "quintessência quintão", brazilian) == ["quintessência", "quinta"]


def test_minimal_galician(any_es: Elasticsearch) -> None:
    # TestGalicianMinimalStemFilter, then the examples of the published plural rules
    # ("Regras do lematizador para o galego").
    words = "elefantes elefante kalóres kalór mas barcelonês"
    assert terms(any_es, words, stemmer("minimal_galician")) == [
        "elefante", "elefante", "kalór", "kalór", "mas", "barcelonês"
    ]  # fmt: skip
    words = "bons xamós balões capitães normais papéis posíbeis espanhóis caracois cadrís"
    assert terms(any_es, words, stemmer("minimal_galician")) == [
        "bon", "xamón", "balón", "capitão", "normal", "papel", "posíbel", "espanhol", "caracol",
        "cadril"
    ]  # fmt: skip
    words = "cadris males luces luzes animás gases casas"
    assert terms(any_es, words, stemmer("minimal_galician")) == [
        "cadril", "mal", "luz", "luz", "animal", "gas", "casa"
    ]  # fmt: skip
    # TestGalicianMinimalStemFilter.testKeyword: a keyword is left alone.
    marker = {"type": "keyword_marker", "keywords": ["elefantes"]}
    assert terms(any_es, "elefantes", marker, stemmer("minimal_galician")) == ["elefantes"]


def test_czech(any_es: Elasticsearch) -> None:
    words = "žena ženy ženou ženách pán pánovi pánové"
    assert terms(any_es, words, "czech_stem") == ["žn"] * 4 + ["pán"] * 3
    assert terms(any_es, words, stemmer("czech")) == ["žn"] * 4 + ["pán"] * 3


def test_bulgarian(any_es: Elasticsearch) -> None:
    assert terms(any_es, "компютри компютър градове вестниците", stemmer("bulgarian")) == [
        "компютр", "компютр", "град", "вестник"
    ]  # fmt: skip


def test_latvian(any_es: Elasticsearch) -> None:
    assert terms(any_es, "tēvs tēvu tēvam tēviem", stemmer("latvian")) == ["tēv"] * 4
    # an ending that palatalized the stem: ļ back to l
    assert terms(any_es, "ceļa", stemmer("latvian")) == ["cel"]


def test_indonesian(any_es: Elasticsearch) -> None:
    words = "bukukah bukunya mengukur menyapu penarik dibaca berlari belajar kelapangan"
    assert terms(any_es, words, stemmer("indonesian")) == [
        "buku", "buku", "ukur", "sapu", "tarik", "baca", "lari", "ajar", "lapang"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("brazilian", "Quilômetros e bocadas", ["quilometr", "boc"]),
        ("czech", "Ženy a páni", ["žn", "pán"]),
        ("bulgarian", "Градове и компютри", ["град", "компютр"]),
        ("latvian", "Tēvs un tēviem", ["tēv", "tēv"]),
        ("indonesian", "Mengukur dan membaca", ["ukur", "baca"]),
    ],
)
def test_the_analyzers_given_stop_words(
    any_es: Elasticsearch, language: str, text: str, expected: list[str]
) -> None:
    stop = {
        "brazilian": ["e"],
        "czech": ["a"],
        "bulgarian": ["и"],
        "latvian": ["un"],
        "indonesian": ["dan"],
    }
    any_es.indices.create(
        index="docs",
        settings={"analysis": {"analyzer": {"a": {"type": language, "stopwords": stop[language]}}}},
        mappings={"properties": {"t": {"type": "text", "analyzer": "a"}}},
    )
    assert terms(any_es, text, index="docs", analyzer="a") == expected
    any_es.index(index="docs", id="1", document={"t": text}, refresh=True)
    hits = any_es.search(index="docs", query={"match": {"t": text.split()[0]}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["1"]
    # Without stop words of its own the analyzer would keep words Elasticsearch drops.
    with pytest.raises(
        BadRequestError, match=rf"the \[{language}\] analyzer without \[stopwords\]"
    ):
        any_es.indices.analyze(analyzer=language, text=text)


@pytest.mark.parametrize(
    ("language", "excluded", "text", "expected"),
    [
        # TestBrazilianAnalyzer.testStemExclusionTable: excluded words are completely unchanged.
        ("brazilian", "quintessência", "quintessência quintos", ["quintessência", "quint"]),
        # TestCzechStemmer.testWithKeywordAttribute, through CzechAnalyzer's own marker.
        ("czech", "hole", "hole desek", ["hole", "desk"]),
    ],
)
def test_the_analyzers_keep_their_stem_exclusion(
    any_es: Elasticsearch, language: str, excluded: str, text: str, expected: list[str]
) -> None:
    conf = {"type": language, "stopwords": "_none_", "stem_exclusion": [excluded]}
    any_es.indices.create(index="docs", settings={"analysis": {"analyzer": {"a": conf}}})
    assert terms(any_es, text, index="docs", analyzer="a") == expected


@pytest.mark.parametrize(
    ("language", "why"),
    [
        ("galician", "its rules are Lucene's galician.rslp file"),
        ("spanish_plural", "its exceptions are Lucene's list of invariant Spanish words"),
    ],
)
def test_stemmers_on_lucene_data_are_refused_by_name(
    any_es: Elasticsearch, language: str, why: str
) -> None:
    with pytest.raises(BadRequestError) as refused:
        terms(any_es, "casas", stemmer(language))
    reason = refused.value.body["error"]["reason"]
    assert reason == (
        f"stemmer language [{language}] ({why}) is not supported by the djangoes embedded engine"
    )


def test_the_galician_analyzer_is_refused_by_name(any_es: Elasticsearch) -> None:
    # Its stemmer is the galician one above: even given stop words it cannot run.
    with pytest.raises(BadRequestError, match=r"the \[galician\] analyzer is not supported"):
        any_es.indices.create(
            index="docs",
            settings={"analysis": {"analyzer": {"a": {"type": "galician", "stopwords": "_none_"}}}},
        )
