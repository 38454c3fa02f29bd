"""Arabic, Persian, Sorani and Hindi normalization and light stemming, through the client.

Expectations come from Lucene's own tests of the classes Elasticsearch runs (TestArabicStemFilter,
TestArabicNormalizationFilter, TestPersianNormalizationFilter, TestSoraniStemFilter,
TestHindiNormalizer, TestHindiStemmer); the analyzers are Lucene's ArabicAnalyzer,
PersianAnalyzer and SoraniAnalyzer, whose default stop words the engine does not ship.
"""

# ruff: noqa: RUF001 (the letters of these scripts are the point)
from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch


def terms(es: Elasticsearch, text: str, *filters: Any, **body: Any) -> list[str]:
    if filters:
        body = {"tokenizer": "standard", "filter": list(filters), **body}
    return [t["token"] for t in es.indices.analyze(text=text, **body)["tokens"]]


def test_arabic_normalization(any_es: Elasticsearch) -> None:
    # alef with madda or hamza, tatweel, harakat, teh marbuta, alef maksura
    assert terms(any_es, "آجن أحمد إسلام ـكتاب مُدَرِّسة ليلى", "arabic_normalization") == [
        "اجن", "احمد", "اسلام", "كتاب", "مدرسه", "ليلي"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("الحسن", "حسن"),  # al-
        ("والحسن", "حسن"),  # wal-
        ("بالحسن", "حسن"),
        ("كالحسن", "حسن"),
        ("فالحسن", "حسن"),
        ("للاخر", "اخر"),
        ("وحسن", "حسن"),  # wa- on a word of four letters
        ("وحد", "وحد"),  # ... but not of three
        ("زوجها", "زوج"),
        ("ساهدان", "ساهد"),
        ("ساهدات", "ساهد"),
        ("ساهدون", "ساهد"),
        ("ساهدين", "ساهد"),
        ("ساهديه", "ساهد"),
        ("ساهدية", "ساهد"),
        ("ساهده", "ساهد"),
        ("ساهدة", "ساهد"),
        ("ساهدي", "ساهد"),
        ("وساهدون", "ساهد"),  # prefix and suffix
        ("سه", "سه"),  # too short to lose anything
    ],
)
def test_arabic_stem(any_es: Elasticsearch, word: str, stem: str) -> None:
    assert terms(any_es, word, "arabic_stem") == [stem]
    assert terms(any_es, word, {"type": "stemmer", "language": "arabic"}) == [stem]


def test_persian_normalization_and_stem(any_es: Elasticsearch) -> None:
    # farsi yeh and yeh barree -> yeh, keheh -> kaf, heh goal and heh yeh -> heh
    assert terms(any_es, "کتابی كتابے", "persian_normalization") == ["كتابي", "كتابي"]
    assert terms(any_es, "كتابها دوستان بزرگترين", "persian_stem") == ["كتاب", "دوست", "بزرگ"]


def test_sorani_normalization_and_stem(any_es: Elasticsearch) -> None:
    stem = {"type": "stemmer", "language": "sorani"}
    assert terms(any_es, "پیاوەکان پیاوێک پیاوەکە", "sorani_normalization", stem) == [
        "پیاو", "پیاو", "پیاو"
    ]  # fmt: skip
    # yeh -> farsi yeh, kaf -> keheh, word-final heh -> ae, word-initial reh -> rreh
    assert terms(any_es, "يك ره", "sorani_normalization") == ["یک", "ڕە"]


def test_hindi_normalization_and_stem(any_es: Elasticsearch) -> None:
    assert terms(any_es, "अँगरेज़ी अंगरेजी", "hindi_normalization") == ["अंगरेजि", "अंगरेजि"]
    stem = {"type": "stemmer", "language": "hindi"}
    assert terms(any_es, "लडका लडके लडकों", stem) == ["लडक", "लडक", "लडक"]
    assert terms(any_es, "किताबें", stem) == ["किताब"]


def test_the_analyzers_given_stop_words(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="docs",
        settings={
            "analysis": {
                "analyzer": {
                    "ar": {"type": "arabic", "stopwords": ["في"]},
                    "fa": {"type": "persian", "stopwords": ["و"], "stem_exclusion": ["كتابها"]},
                    "ckb": {"type": "sorani", "stopwords": "_none_"},
                }
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "ar"}}},
    )
    # lowercase, decimal digits, stop words, normalization, then the stemmer
    assert terms(any_es, "في الكتاب ١٢٣ زوجها", index="docs", analyzer="ar") == [
        "كتاب", "123", "زوج"
    ]  # fmt: skip
    # the zero-width non-joiner separates words; Elasticsearch's persian analyzer takes no
    # stem_exclusion (its PersianAnalyzerProvider passes Lucene the stop words only)
    assert terms(any_es, "كتاب\u200cها و كتابها دوستان", index="docs", analyzer="fa") == [
        "كتاب", "ها", "كتاب", "دوست"
    ]  # fmt: skip
    assert terms(any_es, "پیاوەکان", index="docs", analyzer="ckb") == ["پیاو"]
    any_es.index(index="docs", id="1", document={"t": "والكتاب"}, refresh=True)
    found = any_es.search(index="docs", query={"match": {"t": "كتابها"}})["hits"]["hits"]
    assert [h["_id"] for h in found] == ["1"]


@pytest.mark.parametrize("language", ["arabic", "persian", "sorani", "turkish", "greek"])
def test_the_analyzers_need_stop_words_the_engine_does_not_ship(
    any_es: Elasticsearch, language: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.analyze(analyzer=language, text="x")
    assert exc.value.body["error"]["reason"] == (
        f"the [{language}] analyzer without [stopwords] (the default stop words of "
        f"[{language}]) is not supported by the djangoes embedded engine"
    )
