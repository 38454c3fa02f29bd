"""Indic and Bengali normalization, the bengali stemmer, and the hindi and bengali analyzers,
through the client; the Arabic-script and Hindi filters have theirs in
test_analysis_arabic_script.py.

Expectations come from Lucene's tests of the classes Elasticsearch runs: TestIndicNormalizer,
TestBengaliNormalizer, TestBengaliStemmer, TestBengaliAnalyzer, TestHindiAnalyzer and
TestPersianStemFilterFactory (Elasticsearch's StemmerTokenFilterFactory maps the bengali,
persian and arabic languages to Lucene's BengaliStemFilter, PersianStemFilter and the light
ArabicStemFilter). The analyzers' default stop words are Lucene lists the engine does not ship.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

# Written as escapes where a letter has a precomposed and a decomposed form.
_RRA = "\u09dc"  # Bengali rra, precomposed
_YYA = "\u09df"  # Bengali yya, precomposed
_ZWJ = "\u200d"


def terms(es: Elasticsearch, text: str, *filters: Any, **body: Any) -> list[str]:
    if filters:
        body = {"tokenizer": "whitespace", "filter": list(filters), **body}
    return [t["token"] for t in es.indices.analyze(text=text, **body)["tokens"]]


@pytest.mark.parametrize(
    ("text", "normal"),
    [  # TestIndicNormalizer.testBasics
        ("अाॅअाॅ", "ऑऑ"),
        ("अाॆअाॆ", "ऒऒ"),
        ("अाेअाे", "ओओ"),
        ("अाैअाै", "औऔ"),
        ("अाअा", "आआ"),
        ("अाैर", "और"),
        ("ত্" + _ZWJ, "ৎ"),  # khanda ta
    ],
)
def test_indic_normalization(any_es: Elasticsearch, text: str, normal: str) -> None:
    assert terms(any_es, text, "indic_normalization") == [normal]


@pytest.mark.parametrize(
    ("word", "normal"),
    [  # TestBengaliNormalizer
        ("চাঁদ", "চাদ"),  # chandrabindu
        ("বা" + _RRA + "ী", "বারি"),  # dirgho i-kar, rra
        ("তীর", "তির"),
        ("ভূল", "ভুল"),  # dirgho u-kar
        ("অনূপ", "অনুপ"),
        ("বাঙলা", "বাংলা"),  # nga
        ("ব্যাক্তি", "বেক্তি"),  # ja-phala
        ("সন্ধ্যা", "সন্ধা"),
        ("স্বদেশ", "সদেস"),  # ba-phala
        ("তত্ত্ব", "তত্ত"),
        ("বিশ্ব", "বিসস"),
        ("দুঃখ", "দুখখ"),  # visarga
        ("উঃ", "উহ"),
        ("পুনঃ", "পুন"),
        ("কণা", "কনা"),
        ("শরীর", "সরির"),
    ],
)
def test_bengali_normalization(any_es: Elasticsearch, word: str, normal: str) -> None:
    assert terms(any_es, word, "bengali_normalization") == [normal]


@pytest.mark.parametrize(
    ("word", "stem"),
    [  # TestBengaliStemmer
        ("করেছিলাম", "কর"),
        ("করিতেছিলে", "কর"),
        ("খাইতাম", "খাই"),
        ("যাইবে", "যা"),
        ("করছিলাম", "কর"),
        ("করছিলে", "কর"),
        ("করতাম", "কর"),
        ("যাব", "যা"),
        ("যাবে", "যা"),
        ("করি", "কর"),
        ("করো", "কর"),
        ("মে" + _YYA + "েরা", "মে"),
        ("মে" + _YYA + "েদেরকে", "মে"),
        ("মে" + _YYA + "েদের", "মে"),
        ("একটি", "এক"),
        ("মানুষগুলি", "মানুষ"),
    ],
)
def test_bengali_stemmer(any_es: Elasticsearch, word: str, stem: str) -> None:
    assert terms(any_es, word, {"type": "stemmer", "language": "bengali"}) == [stem]


def test_persian_stem_after_normalization(any_es: Elasticsearch) -> None:
    # TestPersianStemFilterFactory.testStemmer
    stem = {"type": "stemmer", "language": "persian"}
    expected = ["كتاب", "به", "دوست"]
    assert (
        terms(any_es, "کتابها بهترین دوستان", "persian_normalization", "persian_stem") == expected
    )
    assert terms(any_es, "کتابها بهترین دوستان", "persian_normalization", stem) == expected


def test_the_normalizers_skip_keywords_but_indic_does_not(any_es: Elasticsearch) -> None:
    # Lucene's Hindi and Bengali normalization filters honour the keyword attribute.
    marker = {"type": "keyword_marker", "keywords": ["तीर", "अाअा"]}
    assert terms(any_es, "तीर", marker, "hindi_normalization") == ["तीर"]
    assert terms(any_es, "तीर", "hindi_normalization") == ["तिर"]
    bengali_marker = {"type": "keyword_marker", "keywords": ["তীর"]}
    assert terms(any_es, "তীর", bengali_marker, "bengali_normalization") == ["তীর"]
    assert terms(any_es, "अाअा", marker, "indic_normalization") == ["आआ"]


def index_with(any_es: Elasticsearch, analyzers: dict[str, Any], field_analyzer: str) -> None:
    any_es.indices.create(
        index="docs",
        settings={"analysis": {"analyzer": analyzers}},
        mappings={"properties": {"t": {"type": "text", "analyzer": field_analyzer}}},
    )


def test_the_hindi_analyzer_given_stop_words(any_es: Elasticsearch) -> None:
    index_with(
        any_es,
        {
            # stop words meet normalized terms (Lucene writes its list so): और is given as ओर
            "hi": {"type": "hindi", "stopwords": ["ओर"]},
            "hi_kept": {"type": "hindi", "stopwords": "_none_", "stem_exclusion": ["हिंदी"]},
        },
        "hi",
    )
    # TestHindiAnalyzer: two ways to write 'hindi' itself, and its exclusion set; the stop
    # word goes, digits become ASCII
    assert terms(any_es, "हिन्दी हिंदी और १२३", index="docs", analyzer="hi") == [
        "हिंद", "हिंद", "123"
    ]  # fmt: skip
    assert terms(any_es, "हिंदी", index="docs", analyzer="hi_kept") == ["हिंदी"]
    any_es.index(index="docs", id="1", document={"t": "हिन्दी"}, refresh=True)
    found = any_es.search(index="docs", query={"match": {"t": "हिंदी"}})["hits"]["hits"]
    assert [h["_id"] for h in found] == ["1"]


def test_the_bengali_analyzer_given_stop_words(any_es: Elasticsearch) -> None:
    index_with(
        any_es,
        {
            "bn": {"type": "bengali", "stopwords": ["এবং"]},
            "bn_kept": {"type": "bengali", "stopwords": "_none_", "stem_exclusion": ["বারী"]},
        },
        "bn",
    )
    # TestBengaliAnalyzer: basics and digits
    text = "বা" + _RRA + "ী বারী এবং ১২৩৪৫৬৭৮৯০"
    assert terms(any_es, text, index="docs", analyzer="bn") == ["বার", "বার", "1234567890"]
    # the Indic normalizer composes the decomposed rra before Bengali's turns it into ra
    assert terms(any_es, "বা\u09a1\u09bcী", index="docs", analyzer="bn") == ["বার"]
    # the marker comes before the normalizers: Bengali's (and the stemmer) leave the word whole
    assert terms(any_es, "বারী বারি", index="docs", analyzer="bn_kept") == ["বারী", "বার"]
    any_es.index(index="docs", id="1", document={"t": "বা" + _RRA + "ী"}, refresh=True)
    found = any_es.search(index="docs", query={"match": {"t": "বারী"}})["hits"]["hits"]
    assert [h["_id"] for h in found] == ["1"]


@pytest.mark.parametrize("language", ["hindi", "bengali"])
def test_the_analyzers_need_stop_words_the_engine_does_not_ship(
    any_es: Elasticsearch, language: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.analyze(analyzer=language, text="x")
    assert exc.value.body["error"]["reason"] == (
        f"the [{language}] analyzer without [stopwords] (the default stop words of "
        f"[{language}]) is not supported by the djangoes embedded engine"
    )


@pytest.mark.parametrize("language", ["hindi", "bengali", "persian", "sorani", "arabic"])
def test_their_stop_word_lists_are_refused_by_name(any_es: Elasticsearch, language: str) -> None:
    with pytest.raises(BadRequestError) as exc:
        terms(any_es, "x", {"type": "stop", "stopwords": f"_{language}_"})
    assert exc.value.body["error"]["reason"] == (
        f"the [_{language}_] stop word list is not supported by the djangoes embedded engine"
    )


@pytest.mark.parametrize(
    ("word", "stem"),
    [  # TestPersianStemFilter
        ("دوستان", "دوست"),
        ("كتابها", "كتاب"),
        ("جامدات", "جامد"),
        ("عليرضايي", "عليرضا"),
        ("شادماني", "شادمان"),
        ("باحالتر", "باحال"),
        ("خوبترين", "خوب"),
        ("كباب", "كباب"),
    ],
)
def test_persian_stem(any_es: Elasticsearch, word: str, stem: str) -> None:
    assert terms(any_es, word, "persian_stem") == [stem]


_SORANI_STEMS = [  # TestSoraniStemFilter, which runs Lucene's SoraniAnalyzer
    ("پیاوێک", "پیاو"), ("دەرگایەک", "دەرگا"), ("پیاوەكە", "پیاو"), ("دەرگاكە", "دەرگا"),
    ("کتاویە", "کتاوی"), ("دەرگایە", "دەرگا"), ("پیاوان", "پیاو"), ("دەرگایان", "دەرگا"),
    ("پیاوەکان", "پیاو"), ("دەرگاکان", "دەرگا"), ("پیاوانە", "پیاو"), ("دەرگایانە", "دەرگا"),
    ("هۆتیلی", "هۆتیل"), ("هۆتیلێکی", "هۆتیل"), ("هۆتیلانی", "هۆتیل"), ("دوورەوە", "دوور"),
    ("نیوەشەودا", "نیوەشەو"), ("سۆرانا", "سۆران"), ("پارەمان", "پارە"), ("پارەتان", "پارە"),
    ("پارەیان", "پارە"),
]  # fmt: skip


def test_the_sorani_analyzer_stems_as_lucene(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="ckb",
        settings={"analysis": {"analyzer": {"ckb": {"type": "sorani", "stopwords": "_none_"}}}},
    )
    for word, stem in _SORANI_STEMS:
        assert terms(any_es, word, index="ckb", analyzer="ckb") == [stem], word
