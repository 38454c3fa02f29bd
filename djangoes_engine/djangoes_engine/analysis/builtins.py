"""Elasticsearch's built-in analyzers (standard, simple, snowball, the language analyzers...)
and the names of the built-in tokenizers and char filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import Unsupported
from .analyzer import Analyzer
from .arabic_script import arabic_normalize, persian_normalize, sorani_normalize
from .char_filters import _MappingCharFilter
from .conf import _bool, _int, _list
from .filters import (
    _AsciiFoldingFilter,
    _Filter,
    _FingerprintFilter,
    _KeywordMarker,
    _KeywordSafeTermFilter,
    _LowercaseFilter,
    _TermFilter,
)
from .hindi import hindi_normalize
from .indic import bengali_normalize, indic_normalize
from .languages import (
    _STOP_LANGUAGES,
    LANGUAGES,
    _analyzer_stop_filter,
    _stemmer_filter,
    _stop_filter,
)
from .patterns import _letter_pattern, _whitespace_pattern
from .snowball import _snowball_stemmer
from .structural import _CJKBigram
from .terms import (
    _apostrophe,
    _cjk_width,
    _decimal_digit,
    _elision,
    _german_normalize,
    _possessive,
    _serbian_normalize,
)
from .tokenizers import _KeywordTokenizer, _RegexTokenizer, _tokenizer
from .tokens import DEFAULT_MAX_TOKEN_LENGTH, DEFAULT_POSITION_INCREMENT_GAP

# Language analyzers whose stemmer is a Snowball one the engine runs but whose default stop
# words (Lucene's lists) it does not ship: they work given `stopwords` (or "_none_").
SNOWBALL_ONLY_LANGUAGES = (
    "armenian",
    "basque",
    "catalan",
    "estonian",
    "irish",
    "lithuanian",
    "serbian",
)
# Language analyzers on a light stemmer of Lucene's own, whose default stop words (Lucene's
# lists) the engine does not ship either: they too work given `stopwords`.
LUCENE_STEMMED = ("brazilian", "bulgarian", "czech", "indonesian", "latvian")
# Elasticsearch's other built-in analyzers: their stemmers or tokenizers are Lucene's own.
_UNSUPPORTED_ANALYZERS = frozenset(
    [
        "galician",
        "thai",
    ]
)
# Elisions the language analyzers strip, as their documented rebuilt analyzers list them.
_CATALAN_ARTICLES = frozenset({"d", "l", "m", "n", "s", "t"})
_IRISH_ARTICLES = frozenset({"d", "m", "b"})
_FRENCH_ARTICLES = frozenset(
    {"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"}
)
_ITALIAN_ARTICLES = frozenset(
    {"c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl",
     "degl", "negl", "sugl", "un", "m", "t", "s", "v", "d"}
)  # fmt: skip
# The stemmer a language analyzer runs, where it is not the language's own Snowball stemmer.
_ANALYZER_STEMMERS = {
    "english": "english",  # Porter's
    "french": "light_french",
    "german": "light_german",
    "italian": "light_italian",
    "spanish": "light_spanish",
    "portuguese": "light_portuguese",
}
# The snowball analyzer's default stop words by language (the others: none).
_SNOWBALL_STOP = {
    "English": "_english_",
    "Dutch": "_dutch_",
    "German": "_german_",
    "German2": "_german_",
    "French": "_french_",
}


def _language_chain(language: str, conf: Mapping[str, Any]) -> list[_Filter]:
    """Standard tokenizer + lowercase + the language's stop words + its stemmer."""
    filters: list[_Filter] = [_LowercaseFilter("lowercase", None)]
    if language == "turkish":
        filters = [_TermFilter("apostrophe", _apostrophe), _LowercaseFilter("lowercase", "turkish")]
    elif language == "greek":  # Lucene's GreekLowerCaseFilter: no tonos, no final sigma
        filters = [_LowercaseFilter("greek_lowercase", "greek")]
    elif language == "catalan":
        filters.insert(0, _TermFilter("catalan_elision", _elision(_CATALAN_ARTICLES, True)))
    elif language == "french":
        filters.insert(0, _TermFilter("french_elision", _elision(_FRENCH_ARTICLES, True)))
    elif language == "italian":
        filters.insert(0, _TermFilter("italian_elision", _elision(_ITALIAN_ARTICLES, True)))
    elif language == "english":
        filters.insert(0, _TermFilter("english_possessive_stemmer", _possessive))
    elif language == "irish":
        filters = [
            _stop_filter("irish_hyphenation", {"stopwords": ["h", "n", "t"], "ignore_case": True}),
            _TermFilter("irish_elision", _elision(_IRISH_ARTICLES, True)),
            _LowercaseFilter("irish_lowercase", "irish"),
        ]
    filters.append(_language_stop(language, conf))
    # Elasticsearch builds its greek analyzer from the stop words alone: no stem_exclusion.
    filters.extend(_stemming(language, {} if language == "greek" else conf))
    if language == "serbian":  # stems first, then writes in "bald" Latin
        filters.append(_TermFilter("serbian_normalization", _serbian_normalize, normalizing=True))
    return filters


def _language_stop(language: str, conf: Mapping[str, Any]) -> _Filter:
    """The analyzer's stop filter: its ``stopwords``, or the language's default list where
    tantivy ships it; Lucene's other lists are not shipped, and without them the analyzer
    would keep words Elasticsearch drops, so it is refused."""
    if language in _STOP_LANGUAGES:
        return _analyzer_stop_filter(f"{language}_stop", conf, f"_{language}_")
    if conf.get("stopwords") is not None or conf.get("stopwords_path") is not None:
        return _analyzer_stop_filter(f"{language}_stop", conf, "_none_")
    raise Unsupported(
        f"the [{language}] analyzer without [stopwords] (the default stop words of [{language}])"
    )


def _stemming(language: str, conf: Mapping[str, Any]) -> list[_Filter]:
    """The ``stem_exclusion`` marker (if any) and the language's stemmer (German normalizes
    its umlauts and ß in between)."""
    filters: list[_Filter] = []
    exclusions = _list(conf, "stem_exclusion")
    if exclusions:
        filters.append(_KeywordMarker(f"{language}_keywords", set(exclusions), None, False))
    if language == "german":
        filters.append(_TermFilter("german_normalization", _german_normalize, normalizing=True))
    stemmer = _ANALYZER_STEMMERS.get(language, language)
    filters.append(_stemmer_filter(f"{language}_stemmer", stemmer))
    return filters


def _arabic_script_chain(language: str, conf: Mapping[str, Any]) -> list[_Filter]:
    """Lucene's ArabicAnalyzer, PersianAnalyzer and SoraniAnalyzer after the standard
    tokenizer: normalization, digits, stop words, then the light stemmer."""
    lower = _LowercaseFilter("lowercase", None)
    digits = _TermFilter("decimal_digit", _decimal_digit, normalizing=True)
    arabic = _TermFilter("arabic_normalization", arabic_normalize, normalizing=True)
    stop = _language_stop(language, conf)
    if language == "arabic":
        filters = [lower, digits, stop, arabic]
    elif language == "persian":
        persian = _TermFilter("persian_normalization", persian_normalize, normalizing=True)
        filters = [lower, digits, arabic, persian, stop]
    else:
        sorani = _TermFilter("sorani_normalization", sorani_normalize, normalizing=True)
        filters = [sorani, lower, digits, stop]
    # Elasticsearch builds its persian analyzer from the stop words alone: no stem_exclusion.
    return filters + _stemming(language, {} if language == "persian" else conf)


def _indic_chain(language: str, conf: Mapping[str, Any]) -> list[_Filter]:
    """Lucene's HindiAnalyzer and BengaliAnalyzer after the standard tokenizer: lowercase,
    digits, the ``stem_exclusion`` marker, Indic then the language's normalization (which
    skips the marked words), stop words, the light stemmer."""
    filters: list[_Filter] = [
        _LowercaseFilter("lowercase", None),
        _TermFilter("decimal_digit", _decimal_digit, normalizing=True),
    ]
    exclusions = _list(conf, "stem_exclusion")
    if exclusions:
        filters.append(_KeywordMarker(f"{language}_keywords", set(exclusions), None, False))
    normalize = hindi_normalize if language == "hindi" else bengali_normalize
    filters += [
        _TermFilter("indic_normalization", indic_normalize, normalizing=True),
        _KeywordSafeTermFilter(f"{language}_normalization", normalize),
        _language_stop(language, conf),
        _stemmer_filter(f"{language}_stemmer", language),
    ]
    return filters


# Persian text joins words with zero-width non-joiners: PersianCharFilter makes them spaces.
_PERSIAN_CHAR_FILTER = _MappingCharFilter("persian_char_filter", ["\\u200C=>\\u0020"])


def _snowball_chain(conf: Mapping[str, Any]) -> list[_Filter]:
    """Elasticsearch's SnowballAnalyzer after the standard tokenizer: the English stemmers
    drop possessives first, Turkish lowercases the Turkish way; ``language`` names Lucene's
    stemmer class as is (``English``, not ``english``)."""
    language = str(conf.get("language", conf.get("name", "English")))
    filters: list[_Filter] = []
    if language in ("English", "Porter", "Lovins"):
        filters.append(_TermFilter("possessive", _possessive))
    filters.append(_LowercaseFilter("lowercase", "turkish" if language == "Turkish" else None))
    filters.append(_analyzer_stop_filter("stop", conf, _SNOWBALL_STOP.get(language, "_none_")))
    filters.append(_snowball_stemmer("snowball", language))
    return filters


def _builtin_analyzer(type_: str, name: str, conf: Mapping[str, Any]) -> Analyzer | None:
    """The built-in analyzer ``type_`` configured by ``conf`` (None if no such type)."""
    gap = _int(conf, "position_increment_gap", DEFAULT_POSITION_INCREMENT_GAP)
    max_len = _int(conf, "max_token_length", DEFAULT_MAX_TOKEN_LENGTH)
    if type_ in _UNSUPPORTED_ANALYZERS:
        raise Unsupported(f"the [{type_}] analyzer")
    if type_ == "standard":
        tokenizer = _tokenizer("standard", "standard", conf, 1)
        filters: list[_Filter] = [
            _LowercaseFilter("lowercase", None),
            _analyzer_stop_filter("stop", conf, "_none_"),
        ]
    elif type_ == "simple":
        tokenizer, filters = (
            _RegexTokenizer("lowercase", _letter_pattern(max_len)),
            [_LowercaseFilter("lowercase", None)],
        )
    elif type_ == "whitespace":
        tokenizer, filters = _RegexTokenizer("whitespace", _whitespace_pattern(max_len)), []
    elif type_ == "keyword":
        tokenizer, filters = _KeywordTokenizer("keyword"), []
    elif type_ == "stop":
        tokenizer = _RegexTokenizer("lowercase", _letter_pattern(max_len))
        filters = [
            _LowercaseFilter("lowercase", None),
            _analyzer_stop_filter("stop", conf, "_english_"),
        ]
    elif type_ == "pattern":
        tokenizer = _tokenizer("pattern", "pattern", conf, 1)
        filters = [_LowercaseFilter("lowercase", None)] if _bool(conf, "lowercase", True) else []
        filters.append(_analyzer_stop_filter("stop", conf, "_none_"))
    elif type_ == "fingerprint":
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = [
            _LowercaseFilter("lowercase", None),
            _AsciiFoldingFilter("asciifolding", False),
            _analyzer_stop_filter("stop", conf, "_none_"),
            _FingerprintFilter(
                "fingerprint", str(conf.get("separator", " ")), _int(conf, "max_output_size", 255)
            ),
        ]
    elif type_ == "snowball":
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = _snowball_chain(conf)
    elif type_ == "chinese":  # kept for old indices: a standard analyzer with English stop words
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = [
            _LowercaseFilter("lowercase", None),
            _stop_filter("stop", {"stopwords": "_english_"}),
        ]
    elif type_ == "cjk":  # Lucene's CJKAnalyzer, as Elasticsearch's docs rebuild it
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = [
            _TermFilter("cjk_width", _cjk_width, normalizing=True),
            _LowercaseFilter("lowercase", None),
            _CJKBigram("cjk_bigram", {}),
            _analyzer_stop_filter("cjk_stop", conf, "_cjk_"),
        ]
    elif type_ in ("arabic", "persian", "sorani"):
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = _arabic_script_chain(type_, conf)
        if type_ == "persian":
            return Analyzer(
                name, tokenizer, [_PERSIAN_CHAR_FILTER], filters, position_increment_gap=gap
            )
    elif type_ in ("hindi", "bengali"):
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = _indic_chain(type_, conf)
    elif type_ in LANGUAGES or type_ in SNOWBALL_ONLY_LANGUAGES or type_ in LUCENE_STEMMED:
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = _language_chain(type_, conf)
    else:
        return None
    return Analyzer(name, tokenizer, [], filters, position_increment_gap=gap)


BUILTIN_ANALYZERS = (
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
    # the language analyzers that need no `stopwords` (the others are refused without)
    *(language for language in LANGUAGES if language in _STOP_LANGUAGES),
)
_BUILTIN_TOKENIZERS = (
    "standard",
    "classic",
    "uax_url_email",
    "whitespace",
    "letter",
    "lowercase",
    "keyword",
    "ngram",
    "edge_ngram",
    "pattern",
    "path_hierarchy",
    "PathHierarchy",
)
_BUILTIN_CHAR_FILTERS = ("html_strip",)


@cache
def _builtin(name: str) -> Analyzer | None:
    """Built-in analyzers with default settings, shared by every registry."""
    return _builtin_analyzer(name, name, {})
