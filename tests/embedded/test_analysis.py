# ruff: noqa: RUF001 (the test texts are deliberately non-ASCII)
"""The analysis module against real tantivy: Elasticsearch's documented token streams, native
analyzers registered on a tantivy index, Python chains fed pre-tokenized, and the errors."""

from __future__ import annotations

import pytest
import tantivy

from djangoes_engine.analysis import (
    BUILTIN_ANALYZERS,
    AnalysisRegistry,
    Analyzer,
    Token,
    analyze_api,
)
from djangoes_engine.errors import EngineError, IllegalArgument, ValidationError

# -- helpers ----------------------------------------------------------------------------------


def terms(analyzer: Analyzer, text: str) -> list[str]:
    return [t.term for t in analyzer.analyze(text)]


def api_terms(body: dict, registry: AnalysisRegistry | None = None, **kw) -> list[str]:
    response = analyze_api(registry or AnalysisRegistry(), body, **kw)
    return [t["token"] for t in response["tokens"]]


def index_with(registry: AnalysisRegistry, analyzer: str) -> tantivy.Index:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=True, tokenizer_name=registry.tantivy_name(analyzer))
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    index = tantivy.Index(builder.build())
    registry.register(index)
    return index


def add(index: tantivy.Index, docs: dict[str, object]) -> None:
    writer = index.writer(15_000_000, 1)
    for doc_id, body in docs.items():
        document = tantivy.Document(id=doc_id)
        if isinstance(body, tantivy.PreTokenizedString):
            document.add_pre_tokenized_text("body", body)
        else:
            document.add_text("body", str(body))
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()


def hits(index: tantivy.Index, query: tantivy.Query) -> set[str]:
    searcher = index.searcher()
    return {searcher.doc(addr)["id"][0] for _, addr in searcher.search(query, 100).hits}


def phrase(index: tantivy.Index, words: list[str], slop: int = 0) -> set[str]:
    return hits(index, tantivy.Query.phrase_query(index.schema, "body", words, slop))


def term(index: tantivy.Index, word: str) -> set[str]:
    return hits(index, tantivy.Query.term_query(index.schema, "body", word))


def error_of(analysis: dict, **kw) -> EngineError:
    with pytest.raises(EngineError) as caught:
        AnalysisRegistry(analysis, **kw)
    return caught.value


# -- the standard tokenizer -------------------------------------------------------------------

STANDARD_CASES = [
    ("Don't stop", ["don't", "stop"]),
    ("U.S.A. and e.g.", ["u.s.a", "and", "e.g"]),
    ("pi is 3.14, not 1,000", ["pi", "is", "3.14", "not", "1,000"]),
    ("foo_bar baz", ["foo_bar", "baz"]),
    ("wi-fi", ["wi", "fi"]),
    ("hello@example.com", ["hello", "example.com"]),
    ("abc123 123abc a1.5", ["abc123", "123abc", "a1.5"]),
    ("a.1 1.a", ["a", "1", "1", "a"]),
    ("日本語", ["日", "本", "語"]),
    ("のテキスト", ["の", "テキスト"]),
    ("안녕하세요 세계", ["안녕하세요", "세계"]),
    ("I ❤️ pizza 🍕", ["i", "❤️", "pizza", "🍕"]),
    ("👍🏽 ok", ["👍🏽", "ok"]),
    ("Ünïcödé ÉCOLE", ["ünïcödé", "école"]),
    ("", []),
    ("!!! ... ---", []),
]


@pytest.mark.parametrize(("text", "expected"), STANDARD_CASES)
def test_standard_analyzer_follows_uax29_word_boundaries(text, expected):
    assert terms(AnalysisRegistry().analyzer("standard"), text) == expected


def test_standard_analyzer_is_native_and_matches_the_documented_example():
    analyzer = AnalysisRegistry().analyzer("standard")
    assert analyzer.native is not None
    text = "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone."
    assert analyzer.terms(text) == [
        "the",
        "2",
        "quick",
        "brown",
        "foxes",
        "jumped",
        "over",
        "the",
        "lazy",
        "dog's",
        "bone",
    ]


def test_offsets_are_python_string_indices():
    analyzer = AnalysisRegistry().analyzer("standard")
    text = "😀 héllo 𝔘x wörld"
    for token in analyzer.analyze(text):
        assert text[token.start : token.end].lower() == token.term
    assert analyzer.analyze(text)[1] == Token("héllo", 1, 2, 7)


def test_max_token_length_splits_long_words():
    registry = AnalysisRegistry(
        {
            "tokenizer": {"t": {"type": "standard", "max_token_length": 5}},
            "analyzer": {"a": {"tokenizer": "t"}},
        }
    )
    tokens = registry.analyzer("a").analyze("jumped over")
    assert [(t.term, t.position, t.start, t.end) for t in tokens] == [
        ("jumpe", 0, 0, 5),
        ("d", 1, 5, 6),
        ("over", 2, 7, 11),
    ]


# -- native analyzers in a real tantivy index ------------------------------------------------


def test_native_analyzer_indexes_and_queries_through_tantivy():
    registry = AnalysisRegistry(
        {
            "analyzer": {
                "en": {"tokenizer": "standard", "filter": ["lowercase", "stop", "porter2"]}
            },
            "filter": {"porter2": {"type": "stemmer", "language": "porter2"}},
        }
    )
    assert registry.analyzer("en").native is not None
    index = index_with(registry, "en")
    add(index, {"1": "The foxes were running quickly", "2": "A dog sleeps"})
    query_terms = registry.analyzer("en").terms("Running FOX")
    assert query_terms == ["run", "fox"]
    assert term(index, query_terms[0]) == {"1"}
    assert term(index, query_terms[1]) == {"1"}
    assert phrase(index, registry.analyzer("en").terms("foxes were running")) == {"1"}


def test_removed_stop_words_leave_position_gaps_natively():
    registry = AnalysisRegistry()
    analyzer = registry.analyzer("stop")
    assert [(t.term, t.position) for t in analyzer.analyze("quick the fox")] == [
        ("quick", 0),
        ("fox", 2),
    ]
    index = index_with(registry, "stop")
    add(index, {"gap": "quick the fox", "adjacent": "quick fox"})
    assert phrase(index, ["quick", "fox"]) == {"adjacent"}
    assert phrase(index, ["quick", "fox"], slop=1) == {"gap", "adjacent"}


def test_python_analyzer_is_fed_pre_tokenized():
    registry = AnalysisRegistry(
        {
            "analyzer": {
                "autocomplete": {"tokenizer": "standard", "filter": ["lowercase", "prefixes"]}
            },
            "filter": {"prefixes": {"type": "edge_ngram", "min_gram": 2, "max_gram": 5}},
        }
    )
    analyzer = registry.analyzer("autocomplete")
    assert analyzer.native is None
    index = index_with(registry, "autocomplete")
    add(index, {"1": analyzer.pre_tokenize("Quick Brown"), "2": analyzer.pre_tokenize("Lazy")})
    assert term(index, "qui") == {"1"}
    assert term(index, "la") == {"2"}
    assert term(index, "quick") == {"1"}
    assert term(index, "quickb") == set()


def test_array_values_get_the_elasticsearch_position_gap():
    registry = AnalysisRegistry()
    analyzer = registry.analyzer("standard")
    tokens = analyzer.analyze_values(["John Smith", "Alice Brown"])
    assert [(t.term, t.position, t.start) for t in tokens] == [
        ("john", 0, 0),
        ("smith", 1, 5),
        ("alice", 102, 11),
        ("brown", 103, 17),
    ]
    index = index_with(registry, "standard")
    add(index, {"1": analyzer.pre_tokenize_values(["John Smith", "Alice Brown"])})
    assert phrase(index, ["smith", "alice"], slop=10) == set()
    assert phrase(index, ["smith", "alice"], slop=100) == {"1"}
    assert phrase(index, ["alice", "brown"]) == {"1"}


def test_register_registers_every_analyzer():
    registry = AnalysisRegistry({"analyzer": {"mine": {"tokenizer": "whitespace"}}})
    index = index_with(registry, "mine")
    add(index, {"1": "Hello World"})
    assert term(index, "Hello") == {"1"}
    assert term(index, "hello") == set()
    assert set(BUILTIN_ANALYZERS) >= {"standard", "english", "french", "keyword"}


# -- native and Python chains agree ----------------------------------------------------------

SAMPLES = [
    "The Quick brown foxes are jumping over the lazy dogs",
    "Ünïcödé résumés, naïve café-owners and 3.14 apples",
    "Don't stop believing: it's U.S.A. time at hello@example.com",
    "日本語のテキスト and 안녕하세요 with 😀 emoji",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_python_chain_matches_native_chain(text):
    chain = ["lowercase", "asciifolding", "stop", "porter2"]
    registry = AnalysisRegistry(
        {
            "analyzer": {
                "native": {"tokenizer": "standard", "filter": chain},
                # A no-op Python filter first forces every later filter through Python.
                "python": {"tokenizer": "standard", "filter": ["noop", *chain]},
            },
            "filter": {
                "noop": {"type": "length", "min": 0},
                "porter2": {"type": "stemmer", "language": "porter2"},
            },
        }
    )
    native, python = registry.analyzer("native"), registry.analyzer("python")
    assert native.native is not None and python.native is None
    assert python.analyze(text) == native.analyze(text)
    assert python.terms(text) == native.terms(text)


def test_lowercase_is_unicode_aware():
    analyzer = AnalysisRegistry().analyzer("standard")
    assert analyzer.terms("ÀÉÎÕÜ ΑΒΓ ДЖЗ") == ["àéîõü", "αβγ", "джз"]


@pytest.mark.parametrize(
    "language",
    [
        n
        for n in BUILTIN_ANALYZERS
        if n
        not in (
            "standard",
            "simple",
            "whitespace",
            "keyword",
            "stop",
            "pattern",
            "fingerprint",
            "snowball",
            "chinese",
            "cjk",
        )
    ],
)
def test_language_analyzers_build_and_stem(language):
    analyzer = AnalysisRegistry().analyzer(language)
    # Turkish drops apostrophes in Python; Dutch stems with the snowballstemmer package; the
    # others stem with Porter's or Savoy's light stemmers, in Python.
    python = ("turkish", "dutch", "english", "french", "german", "italian", "spanish", "portuguese")
    assert analyzer.native is not None or language in python
    assert analyzer.terms("Testing") != []


def test_language_analyzer_details():
    registry = AnalysisRegistry()
    assert registry.analyzer("french").terms("l'avion des chevaux") == ["avion", "cheval"]
    assert registry.analyzer("english").terms("John's dogs") == ["john", "dog"]
    custom = AnalysisRegistry(
        {
            "analyzer": {
                "en": {"type": "english", "stopwords": ["dogs"], "stem_exclusion": ["running"]}
            }
        }
    )
    assert custom.analyzer("en").terms("the running dogs jumping") == ["the", "running", "jump"]


# -- tokenizers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"tokenizer": "whitespace", "text": "The 2 QUICK Brown-Foxes"},
            ["The", "2", "QUICK", "Brown-Foxes"],
        ),
        (
            {"tokenizer": "letter", "text": "The 2 QUICK Brown-Foxes dog's"},
            ["The", "QUICK", "Brown", "Foxes", "dog", "s"],
        ),
        (
            {"tokenizer": "lowercase", "text": "The 2 QUICK Brown-Foxes"},
            ["the", "quick", "brown", "foxes"],
        ),
        ({"tokenizer": "keyword", "text": "New York"}, ["New York"]),
        (
            {"tokenizer": "classic", "text": "The 2 QUICK Brown-Foxes dog's bone. U.S.A. a.b.com"},
            ["The", "2", "QUICK", "Brown", "Foxes", "dog's", "bone", "U.S.A.", "a.b.com"],
        ),
        (
            {
                "tokenizer": "uax_url_email",
                "text": "Email me at john.smith@global-international.com or https://elastic.co/x!",
            },
            [
                "Email",
                "me",
                "at",
                "john.smith@global-international.com",
                "or",
                "https://elastic.co/x",
            ],
        ),
        (
            {"tokenizer": "ngram", "text": "Quick Fox"},
            [
                "Q",
                "Qu",
                "u",
                "ui",
                "i",
                "ic",
                "c",
                "ck",
                "k",
                "k ",
                " ",
                " F",
                "F",
                "Fo",
                "o",
                "ox",
                "x",
            ],
        ),
        ({"tokenizer": "edge_ngram", "text": "Quick Fox"}, ["Q", "Qu"]),
        (
            {
                "tokenizer": {
                    "type": "edge_ngram",
                    "min_gram": 2,
                    "max_gram": 10,
                    "token_chars": ["letter", "digit"],
                },
                "text": "2 Quick Foxes.",
            },
            ["Qu", "Qui", "Quic", "Quick", "Fo", "Fox", "Foxe", "Foxes"],
        ),
        (
            {
                "tokenizer": {
                    "type": "ngram",
                    "min_gram": 3,
                    "max_gram": 3,
                    "token_chars": ["letter", "punctuation"],
                },
                "text": "ab-cd 12",
            },
            ["ab-", "b-c", "-cd"],
        ),
        (
            {
                "tokenizer": {
                    "type": "ngram",
                    "min_gram": 2,
                    "max_gram": 2,
                    "token_chars": ["custom"],
                    "custom_token_chars": "+-",
                },
                "text": "a+-b",
            },
            ["+-"],
        ),
        (
            {"tokenizer": "pattern", "text": "The foo_bar_size's default is 5."},
            ["The", "foo_bar_size", "s", "default", "is", "5"],
        ),
        (
            {"tokenizer": {"type": "pattern", "pattern": ","}, "text": "comma,separated,values"},
            ["comma", "separated", "values"],
        ),
        (
            {
                "tokenizer": {
                    "type": "pattern",
                    "pattern": '"((?:\\\\"|[^"]|\\\\")+)"',
                    "group": 1,
                },
                "text": '"value", "value with embedded \\" quote"',
            },
            ["value", 'value with embedded \\" quote'],
        ),
        (
            {
                "tokenizer": {"type": "pattern", "pattern": "[^\\p{L}\\d]+"},
                "text": "héllo, wörld 42!",
            },
            ["héllo", "wörld", "42"],
        ),
        (
            {
                "tokenizer": {"type": "simple_pattern", "pattern": "[0123456789]{3}"},
                "text": "fd-786-335-514-x",
            },
            ["786", "335", "514"],
        ),
        (
            {
                "tokenizer": {"type": "simple_pattern_split", "pattern": "_"},
                "text": "an_underscored_phrase",
            },
            ["an", "underscored", "phrase"],
        ),
        (
            {
                "tokenizer": {"type": "char_group", "tokenize_on_chars": ["whitespace", "-", "\n"]},
                "text": "The QUICK brown-fox",
            },
            ["The", "QUICK", "brown", "fox"],
        ),
        (
            {"tokenizer": "path_hierarchy", "text": "/one/two/three"},
            ["/one", "/one/two", "/one/two/three"],
        ),
        (
            {
                "tokenizer": {
                    "type": "path_hierarchy",
                    "delimiter": "-",
                    "replacement": "/",
                    "skip": 2,
                },
                "text": "one-two-three-four-five",
            },
            ["/three", "/three/four", "/three/four/five"],
        ),
        (
            {"tokenizer": {"type": "path_hierarchy", "reverse": True}, "text": "/one/two/three"},
            ["/one/two/three", "one/two/three", "two/three", "three"],
        ),
    ],
)
def test_tokenizers_match_elasticsearch_examples(body, expected):
    assert api_terms(body) == expected


def test_ngram_tokenizer_positions_increase_per_gram():
    tokens = analyze_api(AnalysisRegistry(), {"tokenizer": "ngram", "text": "abc"})["tokens"]
    assert [(t["token"], t["position"]) for t in tokens] == [
        ("a", 0),
        ("ab", 1),
        ("b", 2),
        ("bc", 3),
        ("c", 4),
    ]


def test_path_hierarchy_tokens_share_position_zero():
    tokens = analyze_api(AnalysisRegistry(), {"tokenizer": "path_hierarchy", "text": "/a/b"})[
        "tokens"
    ]
    assert [(t["token"], t["position"], t["end_offset"]) for t in tokens] == [
        ("/a", 0, 2),
        ("/a/b", 0, 4),
    ]


# -- token filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "text", "expected"),
    [
        (
            ["lowercase", {"type": "stop", "stopwords": ["a", "is", "this"]}],
            "This is a test",
            ["test"],
        ),
        ([{"type": "stop", "stopwords": "_english_"}], "the quick The", ["quick", "The"]),
        ([{"type": "stop", "stopwords": ["the"], "ignore_case": True}], "The quick the", ["quick"]),
        ([{"type": "stop", "remove_trailing": False}], "quick the", ["quick", "the"]),
        (["uppercase"], "the Quick", ["THE", "QUICK"]),
        (["asciifolding"], "açaí à la carte", ["acai", "a", "la", "carte"]),
        ([{"type": "asciifolding", "preserve_original": True}], "açaí la", ["acai", "açaí", "la"]),
        (
            [{"type": "stemmer", "language": "english"}],
            "fox running jumping",
            ["fox", "run", "jump"],
        ),
        (
            [{"type": "stemmer", "language": "minimal_english"}],
            "ponies caresses cats",
            ["pony", "caresse", "cat"],
        ),
        ([{"type": "stemmer", "language": "possessive_english"}], "dog's bone", ["dog", "bone"]),
        ([{"type": "snowball", "language": "French"}], "chevaux", ["cheval"]),
        ([{"type": "length", "min": 0, "max": 4}], "the quick brown fox", ["the", "fox"]),
        (["trim"], " fox ", ["fox"]),
        ([{"type": "truncate", "length": 3}], "quickly fox", ["qui", "fox"]),
        (["unique"], "the fox the fox", ["the", "fox"]),
        (["reverse"], "quick fox", ["kciuq", "xof"]),
        (
            [{"type": "ngram", "min_gram": 1, "max_gram": 2}],
            "Quick",
            ["Q", "Qu", "u", "ui", "i", "ic", "c", "ck", "k"],
        ),
        (
            [{"type": "edge_ngram", "min_gram": 1, "max_gram": 3}],
            "the quick",
            ["t", "th", "the", "q", "qu", "qui"],
        ),
        (
            [{"type": "edge_ngram", "min_gram": 4, "max_gram": 5, "preserve_original": True}],
            "the quick",
            ["the", "quic", "quick"],
        ),
        (
            ["shingle"],
            "quick brown fox jumps",
            ["quick", "quick brown", "brown", "brown fox", "fox", "fox jumps", "jumps"],
        ),
        (
            [
                {
                    "type": "shingle",
                    "min_shingle_size": 2,
                    "max_shingle_size": 3,
                    "output_unigrams": False,
                }
            ],
            "quick brown fox jumps",
            ["quick brown", "quick brown fox", "brown fox", "brown fox jumps", "fox jumps"],
        ),
        (["elision"], "l'avion j'aime", ["avion", "aime"]),
        (["apostrophe"], "Istanbul'a veya Istanbul'dan", ["Istanbul", "veya", "Istanbul"]),
        (["decimal_digit"], "١٢٣ ४५", ["123", "45"]),
        (
            ["word_delimiter"],
            "Neil's-Super-Duper-XL500--42+AutoCoder",
            ["Neil", "Super", "Duper", "XL", "500", "42", "Auto", "Coder"],
        ),
        (
            [{"type": "word_delimiter_graph", "catenate_words": True, "preserve_original": True}],
            "wi-fi",
            ["wi-fi", "wi", "wifi", "fi"],
        ),
        (
            [{"type": "keep", "keep_words": ["dog", "elephant"]}],
            "the dog elephant fox",
            ["dog", "elephant"],
        ),
        (
            [{"type": "pattern_replace", "pattern": "(dog)", "replacement": "$1gy"}],
            "dog cat",
            ["doggy", "cat"],
        ),
        ([{"type": "limit", "max_token_count": 2}], "quick fox jumps over", ["quick", "fox"]),
        (["classic"], "dog's U.S.A.", ["dog", "USA"]),
        (["fingerprint"], "zebra jumps over resting resting dog", ["dog jumps over resting zebra"]),
        ([{"type": "lowercase", "language": "turkish"}], "İSTANBUL IŞIK", ["istanbul", "ışık"]),
        ([{"type": "cjk_width"}], "ｼｰｻｲﾄﾞﾗｲﾅｰ ＡＢＣ", ["シーサイドライナー", "ABC"]),
    ],
)
def test_filters_match_elasticsearch_examples(filters, text, expected):
    tokenizer = "classic" if filters == ["classic"] else "whitespace"
    if filters == [{"type": "cjk_width"}]:
        tokenizer = "whitespace"
    assert api_terms({"tokenizer": tokenizer, "filter": filters, "text": text}) == expected


def test_keep_types_uses_standard_token_types():
    body = {
        "tokenizer": "standard",
        "filter": [{"type": "keep_types", "types": ["<NUM>"]}],
        "text": "1 quick fox 2 lazy dogs",
    }
    assert api_terms(body) == ["1", "2"]
    body["filter"] = [{"type": "keep_types", "types": ["<NUM>"], "mode": "exclude"}]
    assert api_terms(body) == ["quick", "fox", "lazy", "dogs"]


def test_ngram_filter_grams_share_the_token_position_and_offsets():
    tokens = analyze_api(
        AnalysisRegistry(),
        {
            "tokenizer": "standard",
            "filter": [{"type": "edge_ngram", "max_gram": 2}],
            "text": "ab cd",
        },
    )["tokens"]
    assert [(t["token"], t["position"], t["start_offset"], t["end_offset"]) for t in tokens] == [
        ("a", 0, 0, 2),
        ("ab", 0, 0, 2),
        ("c", 1, 3, 5),
        ("cd", 1, 3, 5),
    ]


def test_keyword_marker_and_stemmer_override_protect_from_stemming():
    registry = AnalysisRegistry(
        {
            "analyzer": {
                "a": {"tokenizer": "whitespace", "filter": ["marker", "override", "porter_stem"]}
            },
            "filter": {
                "marker": {"type": "keyword_marker", "keywords": ["jumping"]},
                "override": {
                    "type": "stemmer_override",
                    "rules": ["running, runs => run", "mice => mouse"],
                },
            },
        }
    )
    assert registry.analyzer("a").terms("jumping running mice walking") == [
        "jumping",
        "run",
        "mouse",
        "walk",
    ]


# -- synonyms --------------------------------------------------------------------------------


def synonym_registry(rules: list[str], kind: str = "synonym", **extra) -> AnalysisRegistry:
    return AnalysisRegistry(
        {
            "analyzer": {"syn": {"tokenizer": "standard", "filter": ["lowercase", "syns"]}},
            "filter": {"syns": {"type": kind, "synonyms": rules, **extra}},
        }
    )


def test_equivalent_synonyms_stack_on_the_same_position():
    analyzer = synonym_registry(["quick, fast"]).analyzer("syn")
    tokens = analyze_api(
        synonym_registry(["quick, fast"]), {"analyzer": "syn", "text": "The Quick fox"}
    )["tokens"]
    assert [(t["token"], t["position"], t["type"]) for t in tokens] == [
        ("the", 0, "<ALPHANUM>"),
        ("quick", 1, "<ALPHANUM>"),
        ("fast", 1, "SYNONYM"),
        ("fox", 2, "<ALPHANUM>"),
    ]
    assert analyzer.terms("fast") == ["fast", "quick"]


def test_explicit_and_non_expanded_synonyms():
    registry = synonym_registry(["Universe, Cosmos => universe", "huge, enormous"], expand=False)
    assert registry.analyzer("syn").terms("the cosmos is enormous") == [
        "the",
        "universe",
        "is",
        "huge",
    ]


def test_multi_word_synonyms():
    graph = synonym_registry(["ny, new york"], kind="synonym_graph").analyzer("syn")
    assert [(t.term, t.position) for t in graph.analyze("ny city")] == [
        ("ny", 0),
        ("new", 0),
        ("york", 1),
        ("city", 2),
    ]
    assert [(t.term, t.position) for t in graph.analyze("new york city")] == [
        ("new", 0),
        ("ny", 0),
        ("york", 1),
        ("city", 2),
    ]
    plain = synonym_registry(["big apple => nyc"]).analyzer("syn")
    assert [(t.term, t.position) for t in plain.analyze("the big apple shines")] == [
        ("the", 0),
        ("nyc", 1),
        ("shines", 3),
    ]


def test_synonym_in_a_real_index():
    registry = synonym_registry(["laptop, notebook"])
    analyzer = registry.analyzer("syn")
    index = index_with(registry, "syn")
    add(index, {"1": analyzer.pre_tokenize("A cheap Laptop"), "2": analyzer.pre_tokenize("pen")})
    assert term(index, "notebook") == {"1"}
    assert phrase(index, ["cheap", "notebook"]) == {"1"}


def test_synonym_rules_eliminated_by_the_chain_fail():
    error = error_of(
        {
            "analyzer": {"a": {"tokenizer": "standard", "filter": ["stop", "syns"]}},
            "filter": {"syns": {"type": "synonym", "synonyms": ["the, a"]}},
        }
    )
    body = error.to_dict()["error"]
    assert body["reason"] == "failed to build synonyms"
    assert body["caused_by"]["reason"] == "Invalid synonym rule at line 1"
    assert body["caused_by"]["caused_by"]["reason"] == (
        "term: the was completely eliminated by analyzer"
    )
    lenient = AnalysisRegistry(
        {
            "analyzer": {"a": {"tokenizer": "standard", "filter": ["stop", "syns"]}},
            "filter": {
                "syns": {"type": "synonym", "synonyms": ["the, a", "x, y"], "lenient": True}
            },
        }
    )
    assert lenient.analyzer("a").terms("x") == ["x", "y"]


# -- char filters ----------------------------------------------------------------------------


def test_html_strip_char_filter_example():
    response = analyze_api(
        AnalysisRegistry(),
        {
            "tokenizer": "keyword",
            "char_filter": ["html_strip"],
            "text": "<p>I&apos;m so <b>happy</b>!</p>",
        },
    )
    assert response == {
        "tokens": [
            {
                "token": "\nI'm so happy!\n",
                "start_offset": 0,
                "end_offset": 32,
                "type": "word",
                "position": 0,
            }
        ]
    }


def test_char_filter_offsets_point_into_the_original_text():
    registry = AnalysisRegistry(
        {
            "analyzer": {
                "a": {
                    "tokenizer": "standard",
                    "char_filter": ["html_strip", "emoticons"],
                    "filter": ["lowercase"],
                }
            },
            "char_filter": {"emoticons": {"type": "mapping", "mappings": [":) => _happy_"]}},
        }
    )
    text = "<b>Bold</b> &amp; more :) end"
    tokens = registry.analyzer("a").analyze(text)
    assert [t.term for t in tokens] == ["bold", "more", "_happy_", "end"]
    assert text[tokens[0].start : tokens[0].start + 4] == "Bold"
    assert text[tokens[1].start : tokens[1].end] == "more"
    assert text[tokens[2].start : tokens[2].end] == ":)"
    assert text[tokens[3].start : tokens[3].end] == "end"


def test_mapping_and_pattern_replace_char_filters():
    arabic = {"type": "mapping", "mappings": ["٠ => 0", "١ => 1", "٢ => 2", "٣ => 3"]}
    assert api_terms(
        {"tokenizer": "keyword", "char_filter": [arabic], "text": "My license plate is ٢٠١٣"}
    ) == ["My license plate is 2013"]
    dashes = {"type": "pattern_replace", "pattern": "(\\d+)-(?=\\d)", "replacement": "$1_"}
    assert api_terms(
        {"tokenizer": "standard", "char_filter": [dashes], "text": "My credit card is 123-456-789"}
    ) == ["My", "credit", "card", "is", "123_456_789"]


# -- normalizers -----------------------------------------------------------------------------


def test_normalizers():
    registry = AnalysisRegistry(
        {
            "normalizer": {
                "folding": {
                    "type": "custom",
                    "char_filter": ["quotes"],
                    "filter": ["lowercase", "asciifolding"],
                }
            },
            "char_filter": {"quotes": {"type": "mapping", "mappings": ["\u2019 => '"]}},
        }
    )
    assert registry.normalizer("lowercase").normalize("ÉCOLE Normale") == "école normale"
    assert registry.normalizer("folding").normalize("Ça Va L\u2019Été") == "ca va l'ete"
    assert api_terms({"normalizer": "folding", "text": "BÄR"}, registry) == ["bar"]
    with pytest.raises(IllegalArgument, match=r"failed to find normalizer under \[nope\]"):
        registry.normalizer("nope")


@pytest.mark.parametrize(
    ("normalizer", "reason"),
    [
        ({"filter": ["stemmer"]}, "Custom normalizer [n] may not use filter [stemmer]"),
        (
            {"char_filter": ["html_strip"]},
            "Custom normalizer [n] may not use char filter [html_strip]",
        ),
        ({"tokenizer": "standard"}, "Custom normalizer [n] cannot configure a tokenizer"),
        ({"filter": ["nope"]}, "Custom Analyzer [n] failed to find filter under name [nope]"),
    ],
)
def test_normalizer_errors(normalizer, reason):
    assert error_of({"normalizer": {"n": normalizer}}).reason == reason


NGRAM_DIFF = (
    "The difference between max_gram and min_gram in NGram Tokenizer must be less than or equal "
    "to: [1] but was [2]. This limit can be set by changing the [index.max_ngram_diff] index "
    "level setting."
)

# -- validation errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("analysis", "reason"),
    [
        (
            {"analyzer": {"a": {"tokenizer": "nope"}}},
            "Custom Analyzer [a] failed to find tokenizer under name [nope]",
        ),
        (
            {"analyzer": {"a": {"tokenizer": "standard", "filter": ["lowercase", "nope"]}}},
            "Custom Analyzer [a] failed to find filter under name [nope]",
        ),
        (
            {"analyzer": {"a": {"tokenizer": "standard", "char_filter": ["nope"]}}},
            "Custom Analyzer [a] failed to find char_filter under name [nope]",
        ),
        (
            {"analyzer": {"a": {"tokenizer": "standard", "filter": ["synonym"]}}},
            "Custom Analyzer [a] failed to find filter under name [synonym]",
        ),
        ({"analyzer": {"a": {"type": "nope"}}}, "Unknown analyzer type [nope] for [a]"),
        (
            {"analyzer": {"a": {"filter": ["lowercase"]}}},
            "analyzer [a] must specify either an analyzer type, or a tokenizer",
        ),
        (
            {"analyzer": {"a": {"type": "custom"}}},
            "Custom Analyzer [a] must be configured with a tokenizer",
        ),
        (
            {"analyzer": {"_a": {"tokenizer": "standard"}}},
            "analyzer name must not start with '_'. got \"_a\"",
        ),
        ({"tokenizer": {"t": {"type": "nope"}}}, "Unknown tokenizer type [nope] for [t]"),
        ({"filter": {"f": {"type": "nope"}}}, "Unknown filter type [nope] for [f]"),
        ({"char_filter": {"c": {"type": "nope"}}}, "Unknown char_filter type [nope] for [c]"),
        (
            {"filter": {"f": {"min_gram": 2}}},
            "filter [f] must specify either an analyzer type, or a tokenizer",
        ),
        (
            {"tokenizer": {"t": {"type": "ngram", "min_gram": 1, "max_gram": 3}}},
            NGRAM_DIFF,
        ),
        (
            {"filter": {"f": {"type": "ngram", "min_gram": 2, "max_gram": 4}}},
            NGRAM_DIFF,
        ),
        (
            {"tokenizer": {"t": {"type": "edge_ngram", "min_gram": 3, "max_gram": 2}}},
            "minGram must not be greater than maxGram",
        ),
        (
            {"filter": {"f": {"type": "edge_ngram", "min_gram": 0}}},
            "minGram must be greater than zero",
        ),
        (
            {"filter": {"f": {"type": "shingle", "max_shingle_size": 6}}},
            "In Shingle TokenFilter the difference between max_shingle_size and "
            "min_shingle_size (and +1 if outputting unigrams) must be less than or equal to: [3] "
            "but was [5]. This limit can be set by changing the [index.max_shingle_diff] index "
            "level setting.",
        ),
        (
            {"tokenizer": {"t": {"type": "ngram", "token_chars": ["letters"]}}},
            "Unknown token type: 'letters', must be one of "
            "[symbol, custom, whitespace, letter, punctuation, digit]",
        ),
        ({"tokenizer": {"t": {"type": "pattern", "pattern": "(unclosed"}}}, None),
        (
            {"tokenizer": {"t": {"type": "pattern", "flags": "CASE_INSENSITIVE|NOPE"}}},
            "Unknown regex flag [NOPE]",
        ),
        (
            {"filter": {"f": {"type": "stemmer", "language": "klingon"}}},
            "Unknown stemmer language [klingon] for [f]",
        ),
        (
            {"filter": {"f": {"type": "synonym"}}},
            "synonym requires either `synonyms`, `synonyms_path` or `synonyms_set` to be "
            "configured",
        ),
        (
            {"filter": {"f": {"type": "asciifolding", "preserve_original": "yes"}}},
            "Failed to parse value [yes] as only [true] or [false] are allowed.",
        ),
    ],
)
def test_invalid_analysis_is_rejected_with_elasticsearch_wording(analysis, reason):
    error = error_of(analysis)
    assert error.status == 400
    assert error.type == "illegal_argument_exception"
    if reason is not None:
        assert error.reason == reason


def test_unparseable_numbers_are_settings_errors():
    error = error_of({"filter": {"f": {"type": "ngram", "min_gram": "x"}}})
    assert (error.status, error.type, error.reason) == (
        400,
        "settings_exception",
        "Failed to parse int setting [min_gram] with value [x]",
    )


def test_index_level_limits_are_configurable():
    registry = AnalysisRegistry(
        {
            "tokenizer": {"t": {"type": "ngram", "min_gram": 1, "max_gram": 3}},
            "analyzer": {"a": {"tokenizer": "t"}},
        },
        max_ngram_diff=2,
    )
    assert registry.analyzer("a").terms("ab") == ["a", "ab", "b"]


def test_unsupported_but_valid_components_say_so():
    error = error_of({"filter": {"f": {"type": "keep", "keep_words_path": "words.txt"}}})
    assert error.status == 400
    assert "not supported" in error.reason


def test_unknown_analyzer_lookup():
    registry = AnalysisRegistry()
    assert registry.has_analyzer("standard") and not registry.has_analyzer("nope")
    with pytest.raises(IllegalArgument, match=r"^failed to find analyzer \[nope\]$"):
        registry.analyzer("nope")


def test_settings_in_string_form_are_accepted():
    registry = AnalysisRegistry(
        {
            "analyzer": {
                "a": {"type": "custom", "tokenizer": "standard", "filter": "lowercase,ac"}
            },
            "filter": {
                "ac": {
                    "type": "edge_ngram",
                    "min_gram": "1",
                    "max_gram": "3",
                    "preserve_original": "true",
                }
            },
        }
    )
    assert registry.analyzer("a").terms("Quick") == ["q", "qu", "qui", "quick"]


def test_default_analyzer_can_be_overridden():
    registry = AnalysisRegistry({"analyzer": {"default": {"type": "whitespace"}}})
    assert registry.analyzer("default").terms("Hello World") == ["Hello", "World"]
    assert AnalysisRegistry().analyzer("default").terms("Hello World") == ["hello", "world"]


# -- the _analyze API ------------------------------------------------------------------------


def test_analyze_api_documented_standard_example():
    response = analyze_api(
        AnalysisRegistry(), {"analyzer": "standard", "text": "The 2 QUICK Brown-Foxes"}
    )
    assert response == {
        "tokens": [
            {
                "token": "the",
                "start_offset": 0,
                "end_offset": 3,
                "type": "<ALPHANUM>",
                "position": 0,
            },
            {"token": "2", "start_offset": 4, "end_offset": 5, "type": "<NUM>", "position": 1},
            {
                "token": "quick",
                "start_offset": 6,
                "end_offset": 11,
                "type": "<ALPHANUM>",
                "position": 2,
            },
            {
                "token": "brown",
                "start_offset": 12,
                "end_offset": 17,
                "type": "<ALPHANUM>",
                "position": 3,
            },
            {
                "token": "foxes",
                "start_offset": 18,
                "end_offset": 23,
                "type": "<ALPHANUM>",
                "position": 4,
            },
        ]
    }


def test_analyze_api_token_types():
    response = analyze_api(
        AnalysisRegistry(), {"tokenizer": "standard", "text": "日本 のテキスト 안녕 ไทย 😀 x1 42"}
    )
    assert [(t["token"], t["type"]) for t in response["tokens"]] == [
        ("日", "<IDEOGRAPHIC>"),
        ("本", "<IDEOGRAPHIC>"),
        ("の", "<HIRAGANA>"),
        ("テキスト", "<KATAKANA>"),
        ("안녕", "<HANGUL>"),
        ("ไทย", "<SOUTHEAST_ASIAN>"),
        ("😀", "<EMOJI>"),
        ("x1", "<ALPHANUM>"),
        ("42", "<NUM>"),
    ]


def test_analyze_api_several_texts_and_utf16_offsets():
    response = analyze_api(AnalysisRegistry(), {"analyzer": "standard", "text": ["a 😀 b", "c"]})
    assert [
        (t["token"], t["position"], t["start_offset"], t["end_offset"]) for t in response["tokens"]
    ] == [("a", 0, 0, 1), ("😀", 1, 2, 4), ("b", 2, 5, 6), ("c", 103, 7, 8)]
    adhoc = analyze_api(AnalysisRegistry(), {"tokenizer": "whitespace", "text": ["a", "b"]})
    assert [t["position"] for t in adhoc["tokens"]] == [0, 1]


def test_analyze_api_with_index_analyzers_and_fields():
    registry = AnalysisRegistry(
        {"analyzer": {"mine": {"tokenizer": "whitespace", "filter": ["uppercase"]}}}
    )
    assert api_terms({"analyzer": "mine", "text": "a b"}, registry) == ["A", "B"]
    resolve = {"title": registry.analyzer("mine")}.get
    assert api_terms({"field": "title", "text": "x"}, registry, field_analyzer=resolve) == ["X"]
    assert api_terms({"field": "other", "text": "X y"}, registry, field_analyzer=resolve) == [
        "x",
        "y",
    ]
    assert api_terms({"text": "X y"}, registry) == ["x", "y"]


@pytest.mark.parametrize(
    ("body", "kw", "reason"),
    [
        ({"analyzer": "nope", "text": "x"}, {}, "failed to find analyzer [nope]"),
        (
            {"analyzer": "nope", "text": "x"},
            {"global_scope": True},
            "failed to find global analyzer [nope]",
        ),
        ({"tokenizer": "nope", "text": "x"}, {}, "failed to find tokenizer under [nope]"),
        (
            {"tokenizer": "nope", "text": "x"},
            {"global_scope": True},
            "failed to find global tokenizer under [nope]",
        ),
        (
            {"tokenizer": "standard", "filter": ["nope"], "text": "x"},
            {},
            "failed to find filter under [nope]",
        ),
        (
            {"tokenizer": "standard", "char_filter": ["nope"], "text": "x"},
            {"global_scope": True},
            "failed to find global char_filter under [nope]",
        ),
        (
            {"tokenizer": {"min_gram": 2}, "text": "x"},
            {},
            "Missing [type] setting for anonymous tokenizer: {min_gram=2}",
        ),
        (
            {"filter": ["porter_stem"], "text": "x"},
            {},
            "Custom normalizer may not use filter [porter_stem]",
        ),
        ({"normalizer": "nope", "text": "x"}, {}, "failed to find normalizer under [nope]"),
        (
            {"field": "f", "text": "x"},
            {"global_scope": True},
            "analysis based on a specific field requires an index",
        ),
    ],
)
def test_analyze_api_errors(body, kw, reason):
    with pytest.raises(IllegalArgument) as caught:
        analyze_api(AnalysisRegistry(), body, **kw)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("body", "kw", "reason"),
    [
        ({"analyzer": "standard"}, {}, "Validation Failed: 1: text is missing;"),
        (
            {"analyzer": "standard", "tokenizer": "standard", "text": "x"},
            {},
            "Validation Failed: 1: cannot define extra components on a named analyzer;",
        ),
        (
            {"normalizer": "lowercase", "text": "x"},
            {"global_scope": True},
            "Validation Failed: 1: index is required if normalizer is specified;",
        ),
        (
            {"normalizer": "lowercase", "analyzer": "standard", "text": "x"},
            {},
            "Validation Failed: 1: tokenizer/analyze should be null if normalizer is specified;",
        ),
    ],
)
def test_analyze_api_request_validation(body, kw, reason):
    with pytest.raises(ValidationError) as caught:
        analyze_api(AnalysisRegistry(), body, **kw)
    assert caught.value.reason == reason


def test_analyze_api_token_limit():
    registry = AnalysisRegistry(max_token_count=3)
    with pytest.raises(EngineError) as caught:
        analyze_api(registry, {"analyzer": "standard", "text": "a b c d"})
    assert caught.value.status == 500
    assert caught.value.type == "illegal_state_exception"
    assert caught.value.reason.startswith(
        "The number of tokens produced by calling _analyze has exceeded the allowed maximum of [3]."
    )


def test_plain_words_are_read_as_tantivy_reads_them() -> None:
    """The standard analyzer reads a text of ASCII letters and digits between single spaces
    without tantivy (``plain_words``): the same tokens as tantivy's, for any such text, and any
    other text goes to tantivy."""
    import random
    import string

    analyzer = AnalysisRegistry().analyzer("standard")
    assert analyzer.plain_words
    rng = random.Random(5)
    alphabet = string.ascii_letters + string.digits + " " * 6 + "-'._é"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))
        quick = analyzer.analyze(text), analyzer.terms(text)
        analyzer.plain_words = False
        try:
            assert (analyzer.analyze(text), analyzer.terms(text)) == quick, text
        finally:
            analyzer.plain_words = True
    assert terms(analyzer, "Hello World 42") == ["hello", "world", "42"]
    stop = AnalysisRegistry({"analyzer": {"s": {"type": "standard", "stopwords": ["the"]}}})
    assert not stop.analyzer("s").plain_words
    assert terms(stop.analyzer("s"), "the end") == ["end"]
