"""Lucene's own stemmers for German (german_stem), Czech, Bulgarian, Latvian and Indonesian, and
the analyzers built on them, through the client.

Expectations come from Lucene's tests of the classes Elasticsearch runs: TestGermanStemFilter's
data, TestCzechStemmer, TestBulgarianStemmer, TestLatvianStemmer, TestIndonesianStemmer.
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
        ("czech", "Ženy a páni", ["žn", "pán"]),
        ("bulgarian", "Градове и компютри", ["град", "компютр"]),
        ("latvian", "Tēvs un tēviem", ["tēv", "tēv"]),
        ("indonesian", "Mengukur dan membaca", ["ukur", "baca"]),
    ],
)
def test_the_analyzers_given_stop_words(
    any_es: Elasticsearch, language: str, text: str, expected: list[str]
) -> None:
    stop = {"czech": ["a"], "bulgarian": ["и"], "latvian": ["un"], "indonesian": ["dan"]}
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
