"""Token filters that reshape the stream (cjk_bigram, common_grams, pattern_capture,
dictionary_decompounder, multiplexer, the payload filters) and the cjk analyzer, through the
client. Expectations are the examples of Elasticsearch's reference pages for each filter
(docs/reference/text-analysis/analysis-*-tokenfilter.md), unless a comment says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch


def tokens(es: Elasticsearch, **body: Any) -> list[tuple[str, int, str]]:
    found = es.indices.analyze(**body)["tokens"]
    return [(t["token"], t["position"], t["type"]) for t in found]


def terms(es: Elasticsearch, **body: Any) -> list[str]:
    return [t[0] for t in tokens(es, **body)]


def ids(es: Elasticsearch, index: str, query: dict[str, Any]) -> list[str]:
    return sorted(h["_id"] for h in es.search(index=index, query=query)["hits"]["hits"])


def test_cjk_bigram(any_es: Elasticsearch) -> None:
    found = terms(
        any_es, tokenizer="standard", filter=["cjk_bigram"], text="東京都は、日本の首都であり"
    )
    assert found == ["東京", "京都", "都は", "日本", "本の", "の首", "首都", "都で", "であ", "あり"]
    # With unigrams each character too, each bigram at its first character's position; a
    # lone character is a unigram; katakana and hangul words split into bigrams; Latin passes.
    with_unigrams = tokens(
        any_es,
        tokenizer="standard",
        filter=[{"type": "cjk_bigram", "output_unigrams": True}],
        text="東京 x 日",
    )
    assert with_unigrams == [
        ("東", 0, "<SINGLE>"),
        ("東京", 0, "<DOUBLE>"),
        ("京", 1, "<SINGLE>"),
        ("x", 2, "<ALPHANUM>"),
        ("日", 3, "<SINGLE>"),
    ]
    assert terms(any_es, tokenizer="standard", filter=["cjk_bigram"], text="カタカナ 한국어") == [
        "カタ", "タカ", "カナ", "한국", "국어"
    ]  # fmt: skip
    ignored = {"type": "cjk_bigram", "ignored_scripts": ["hangul", "katakana"]}
    assert terms(any_es, tokenizer="standard", filter=[ignored], text="カタカナ 한국어 東京") == [
        "カタカナ", "한국어", "東京"
    ]  # fmt: skip


def test_the_cjk_analyzer_bigrams_folds_width_and_drops_its_stop_words(
    any_es: Elasticsearch,
) -> None:
    wide = "\uff21\uff22\uff23"  # ABC in full width
    assert terms(any_es, analyzer="cjk", text=f"東京都 The {wide} www") == ["東京", "京都", "abc"]
    any_es.indices.create(
        index="cjk", mappings={"properties": {"t": {"type": "text", "analyzer": "cjk"}}}
    )
    any_es.index(index="cjk", id="1", document={"t": "東京都の首都"}, refresh=True)
    any_es.index(index="cjk", id="2", document={"t": "京都"}, refresh=True)
    assert ids(any_es, "cjk", {"match_phrase": {"t": "東京"}}) == ["1"]
    assert ids(any_es, "cjk", {"match": {"t": "京都"}}) == ["1", "2"]
    # Its stop words are Lucene's CJKAnalyzer set, _cjk_ in a stop filter.
    assert terms(
        any_es,
        tokenizer="whitespace",
        filter=[{"type": "stop", "stopwords": "_cjk_"}],
        text="s the www x",
    ) == ["x"]


def test_common_grams(any_es: Elasticsearch) -> None:
    grams = {"type": "common_grams", "common_words": ["is", "the"], "ignore_case": True}
    assert tokens(
        any_es, tokenizer="whitespace", filter=[grams], text="the quick fox is brown"
    ) == [
        ("the", 0, "word"),
        ("the_quick", 0, "gram"),
        ("quick", 1, "word"),
        ("fox", 2, "word"),
        ("fox_is", 2, "gram"),
        ("is", 3, "word"),
        ("is_brown", 3, "gram"),
        ("brown", 4, "word"),
    ]
    query = {**grams, "query_mode": True}
    assert tokens(
        any_es, tokenizer="whitespace", filter=[query], text="The quick fox is brown"
    ) == [
        ("The_quick", 0, "gram"),
        ("quick", 1, "word"),
        ("fox_is", 2, "gram"),
        ("is_brown", 3, "gram"),
    ]
    # CommonGramsTokenFilterFactory's message; named bare it is the pre-configured filter with
    # no common words (CommonAnalysisPlugin), which passes every token through.
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.analyze(tokenizer="whitespace", filter=[{"type": "common_grams"}], text="x")
    assert exc.value.body["error"]["reason"] == (
        "missing or empty [common_words] or [common_words_path] configuration for common_grams "
        "token filter"
    )
    assert tokens(any_es, tokenizer="whitespace", filter=["common_grams"], text="the fox") == [
        ("the", 0, "word"),
        ("fox", 1, "word"),
    ]


def test_pattern_capture(any_es: Elasticsearch) -> None:
    code = {
        "type": "pattern_capture",
        "preserve_original": True,
        "patterns": ["(\\p{Ll}+|\\p{Lu}\\p{Ll}+|\\p{Lu}+)", "(\\d+)"],
    }
    found = tokens(any_es, tokenizer="whitespace", filter=[code], text="StringEscapeUtils abc123")
    assert found == [
        ("StringEscapeUtils", 0, "word"),
        ("String", 0, "word"),
        ("Escape", 0, "word"),
        ("Utils", 0, "word"),
        ("abc123", 1, "word"),
        ("abc", 1, "word"),
        ("123", 1, "word"),
    ]
    # PatternCaptureGroupTokenFilterFactory: `patterns` is required (an empty list is not an
    # error: nothing is captured, and the token is kept).
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.analyze(
            tokenizer="whitespace", filter=[{"type": "pattern_capture"}], text="x"
        )
    assert exc.value.body["error"]["reason"] == (
        "required setting 'patterns' is missing for token filter [__anonymous__pattern_capture]"
    )
    empty = {"type": "pattern_capture", "patterns": [], "preserve_original": False}
    assert terms(any_es, tokenizer="whitespace", filter=[empty], text="x y") == ["x", "y"]
    # Without the original, a token nothing is captured of is kept (Lucene's filter does).
    email = {"type": "pattern_capture", "preserve_original": False, "patterns": ["([^@]+)@"]}
    assert terms(any_es, tokenizer="whitespace", filter=[email], text="john@example.com plain") == [
        "john", "plain"
    ]  # fmt: skip


def test_dictionary_decompounder(any_es: Elasticsearch) -> None:
    words = {"type": "dictionary_decompounder", "word_list": ["Donau", "dampf", "meer", "schiff"]}
    assert tokens(any_es, tokenizer="standard", filter=[words], text="Donaudampfschiff") == [
        ("Donaudampfschiff", 0, "<ALPHANUM>"),
        ("Donau", 0, "<ALPHANUM>"),
        ("dampf", 0, "<ALPHANUM>"),
        ("schiff", 0, "<ALPHANUM>"),
    ]
    longest = {"type": "dictionary_decompounder", "word_list": ["schiff", "schiffahrt"],
               "only_longest_match": True}  # fmt: skip
    assert terms(any_es, tokenizer="standard", filter=[longest], text="Dampfschiffahrt") == [
        "Dampfschiffahrt", "schiffahrt"
    ]  # fmt: skip
    # Each subword keeps the whole word's offsets (Lucene's CompoundWordTokenFilterBase).
    found = any_es.indices.analyze(tokenizer="standard", filter=[words], text="x Donaudampf")
    assert [(t["token"], t["start_offset"], t["end_offset"]) for t in found["tokens"]] == [
        ("x", 0, 1), ("Donaudampf", 2, 12), ("Donau", 2, 12), ("dampf", 2, 12)
    ]  # fmt: skip
    # A word shorter than min_word_size is left whole.
    assert terms(any_es, tokenizer="standard", filter=[words], text="Meer") == ["Meer"]


def test_multiplexer(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="multiplexer_example",
        settings={
            "analysis": {
                "analyzer": {
                    "my_analyzer": {"tokenizer": "standard", "filter": ["my_multiplexer"]}
                },
                "filter": {
                    "my_multiplexer": {
                        "type": "multiplexer",
                        "filters": ["lowercase", "lowercase, porter_stem"],
                    }
                },
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "my_analyzer"}}},
    )
    found = tokens(any_es, index="multiplexer_example", analyzer="my_analyzer", text="Going HOME")
    assert found == [
        ("Going", 0, "<ALPHANUM>"),
        ("going", 0, "<ALPHANUM>"),
        ("go", 0, "<ALPHANUM>"),
        ("HOME", 1, "<ALPHANUM>"),
        ("home", 1, "<ALPHANUM>"),
    ]
    any_es.index(index="multiplexer_example", id="1", document={"t": "Going HOME"}, refresh=True)
    assert ids(any_es, "multiplexer_example", {"term": {"t": "go"}}) == ["1"]
    # MultiplexerTokenFilterFactory's message, when an analyzer uses the multiplexer.
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(
            index="bad",
            settings={
                "analysis": {
                    "filter": {"m": {"type": "multiplexer", "filters": ["lowercase", "nope"]}},
                    "analyzer": {"a": {"tokenizer": "standard", "filter": ["m"]}},
                }
            },
        )
    assert exc.value.body["error"]["reason"] == (
        "Multiplexing filter [m] refers to undefined tokenfilter [nope]"
    )


def test_payload_filters_keep_the_terms(any_es: Elasticsearch) -> None:
    assert terms(
        any_es, tokenizer="whitespace", filter=["delimited_payload"], text="the|0.5 quick|2.0 fox"
    ) == ["the", "quick", "fox"]
    plus = {"type": "delimited_payload", "delimiter": "+", "encoding": "int"}
    assert terms(any_es, tokenizer="whitespace", filter=[plus], text="a+1 b") == ["a", "b"]
    assert terms(any_es, tokenizer="whitespace", filter=["type_as_payload"], text="a b") == [
        "a",
        "b",
    ]
    # DelimitedPayloadTokenFilterFactory takes the setting's first character; an encoding it
    # does not know is its default (float), not an error.
    first_char = {"type": "delimited_payload", "delimiter": "+-", "encoding": "other"}
    assert terms(any_es, tokenizer="whitespace", filter=[first_char], text="a+1 b") == ["a", "b"]
    # The term is what is indexed and searched.
    any_es.indices.create(
        index="payloads",
        settings={
            "analysis": {
                "analyzer": {"p": {"tokenizer": "whitespace", "filter": ["delimited_payload"]}}
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "p"}}},
    )
    any_es.index(index="payloads", id="1", document={"t": "quick|2.0 fox|1"}, refresh=True)
    assert ids(any_es, "payloads", {"term": {"t": "quick"}}) == ["1"]
    assert ids(any_es, "payloads", {"match": {"t": "fox|3"}}) == ["1"]


def test_what_needs_files_the_engine_has_not_is_answered_as_elasticsearch_does(
    any_es: Elasticsearch,
) -> None:
    def create(filter_: dict[str, Any]) -> dict[str, Any]:
        with pytest.raises(ApiError) as exc:
            any_es.indices.create(index="f", settings={"analysis": {"filter": {"f": filter_}}})
        assert isinstance(exc.value.body, dict)
        return {"status": exc.value.meta.status, **exc.value.body["error"]}

    # A node without config/hunspell/en_US: HunspellService's IllegalStateException (500),
    # caused by "Could not find hunspell dictionary".
    error = create({"type": "hunspell", "locale": "en_US"})
    assert (error["status"], error["type"], error["reason"]) == (
        500,
        "illegal_state_exception",
        "failed to load hunspell dictionary for locale: en_US",
    )
    assert error["caused_by"]["reason"] == "Could not find hunspell dictionary [en_US]"
    assert create({"type": "hunspell"})["reason"] == (
        "missing [locale | language | lang] configuration for hunspell token filter"
    )
    # HyphenationCompoundWordTokenFilterFactory: its word list is checked first (by
    # AbstractCompoundWordTokenFilterFactory), then the patterns path, then the file is read
    # from the node's config directory, which the engine has not.
    assert create({"type": "hyphenation_decompounder"})["reason"] == (
        "word_list must be provided for [f], either as a path to a file, or directly"
    )
    assert create({"type": "hyphenation_decompounder", "word_list": ["a"]})["reason"] == (
        "hyphenation_patterns_path is a required setting."
    )
    error = create(
        {"type": "hyphenation_decompounder", "word_list": ["a"],
         "hyphenation_patterns_path": "analysis/hyph.xml"}
    )  # fmt: skip
    assert (error["status"], error["reason"]) == (
        400,
        "Exception while reading hyphenation_patterns_path.",
    )
    assert "hyphenation pattern files are not supported" in error["caused_by"]["reason"]
    # delimited_term_freq is OpenSearch's, not Elasticsearch's (CommonAnalysisPlugin has no
    # such filter): an unknown type, and no global filter of that name.
    assert create({"type": "delimited_term_freq"})["reason"] == (
        "Unknown filter type [delimited_term_freq] for [f]"
    )
    with pytest.raises(
        BadRequestError, match=r"failed to find .*filter under \[delimited_term_freq\]"
    ):
        any_es.indices.analyze(tokenizer="keyword", filter=["delimited_term_freq"], text="a|2")


def test_min_hash(any_es: Elasticsearch) -> None:
    # Lucene's TestMinHashFilter: testTokenStreamSingleInput (one hash keeping 100, then two
    # hashes keeping one) and testTokenStream1 (two 5-word shingles, the keyword and pattern
    # tokenizers here giving the same tokens as its mock shingle tokenizer).
    def min_hash(text: str, tokenizer: Any = "keyword", **conf: Any) -> list[dict[str, Any]]:
        found = any_es.indices.analyze(
            tokenizer=tokenizer, filter=[{"type": "min_hash", **conf}], text=text
        )["tokens"]
        return [
            {k: t[k] for k in ("token", "position", "start_offset", "end_offset", "type")}
            for t in found
        ]

    woof = "woof woof woof woof woof"
    single = {"hash_count": 1, "bucket_count": 1, "hash_set_size": 100, "with_rotation": False}
    first = "\u2101\ud33d\ufa85\u8059\u219d\ua1c1\ud671\u676f"  # Lucene's "℁팽徭聙↝ꇁ홱杯"
    assert min_hash(woof, **single) == [
        {"token": first, "position": 0, "start_offset": 0, "end_offset": 24, "type": "MIN_HASH"}
    ]
    two = min_hash(woof, hash_count=2, bucket_count=1, hash_set_size=1, with_rotation=False)
    assert [[ord(c) for c in t["token"]] for t in two] == [
        [0, 0, 8449, 54077, 64133, 32857, 8605, 41409],
        [0, 1, 16887, 58164, 39536, 14926, 6529, 17276],
    ]
    assert [t["position"] for t in two] == [0, 0]
    shingles = {"type": "pattern", "pattern": "[^ ]+( [^ ]+){4}", "group": 0}
    both = min_hash(f"{woof} woof woof woof woof puff", shingles, **single)
    assert both[0]["token"] == first
    # Lucene's expected second hash has an unpaired surrogate (56843), which Lucene indexes,
    # as UTF-8, as U+FFFD; the engine's term is that indexed one.
    assert [ord(c) for c in both[1]["token"]] == [
        36347, 63457, 43013, 0xFFFD, 52284, 34231, 57934, 42302
    ]  # fmt: skip
    assert [(t["position"], t["end_offset"]) for t in both] == [(0, 49), (0, 49)]
    # testTokenStream4/5: counts by bucket and rotation (rotation fills every bucket).
    text = f"{woof} woof woof woof woof puff"
    assert len(min_hash(text, shingles, hash_count=10, bucket_count=10, with_rotation=False)) == 20
    assert len(min_hash(text, shingles, hash_count=10, bucket_count=10, with_rotation=True)) == 100
    rotated = min_hash(text, shingles, bucket_count=100)  # with_rotation defaults on
    assert len(rotated) == 100 and len({t["token"] for t in rotated}) == 2
    # MinHashFilter's own check, when it builds the stream.
    with pytest.raises(BadRequestError, match="hashCount must be greater than zero"):
        min_hash("x", hash_count=0)
    # Applied at index and query time: the same text finds the document, another does not.
    any_es.indices.create(
        index="minhash",
        settings={
            "analysis": {
                "filter": {"mh": {"type": "min_hash", "bucket_count": 1}},
                "analyzer": {"fp": {"tokenizer": "keyword", "filter": ["mh"]}},
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "fp"}}},
    )
    any_es.index(index="minhash", id="1", document={"t": woof}, refresh=True)
    assert ids(any_es, "minhash", {"match": {"t": woof}}) == ["1"]
    assert ids(any_es, "minhash", {"match": {"t": "woof woof woof woof puff"}}) == []


def test_the_chinese_analyzer_is_elasticsearchs_standard_with_english_stop_words(
    any_es: Elasticsearch,
) -> None:
    # ChineseAnalyzerProvider ("only for old indexes"): StandardAnalyzer(ENGLISH_STOP_WORDS_SET).
    assert terms(any_es, analyzer="chinese", text="The Quick 東京") == ["quick", "東", "京"]


def test_thai_word_breaking_is_refused_by_name(any_es: Elasticsearch) -> None:
    # Lucene's ThaiTokenizer breaks words with the JDK's dictionary-based BreakIterator, which
    # no Python package reproduces: the thai tokenizer and analyzer stay refused by name.
    for body in ({"tokenizer": "thai"}, {"analyzer": "thai"}):
        with pytest.raises(BadRequestError) as exc:
            any_es.indices.analyze(text="การที่ได้ต้องแสดงว่างานดี", **body)
        reason = exc.value.body["error"]["reason"]
        assert "[thai]" in reason and "not supported" in reason
