"""Token filter types by name: :func:`_filter` builds a filter from its type and settings, or
says the type is unknown or one the engine does not support.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import IllegalArgument, Unsupported
from .arabic_script import arabic_normalize, persian_normalize, sorani_normalize
from .conf import _bool, _int, _list
from .european_stemmers import german_stem
from .filters import (
    _AsciiFoldingFilter,
    _Filter,
    _FingerprintFilter,
    _KeepIf,
    _KeywordMarker,
    _KeywordRepeat,
    _KeywordSafeTermFilter,
    _LimitFilter,
    _LowercaseFilter,
    _NativeFilter,
    _NGramFilter,
    _PythonStemmer,
    _Sequence,
    _ShingleFilter,
    _StemmerOverride,
    _TermFilter,
    _UniqueFilter,
)
from .hindi import hindi_normalize
from .indic import bengali_normalize, indic_normalize
from .javaregex import _java_regex, _java_replacement
from .languages import _stemmer_filter, _stop_filter
from .scripted import SCRIPTED_FILTERS
from .snowball import _snowball_stemmer
from .structural import STRUCTURAL_FILTERS
from .synonyms import _SynonymFilter
from .terms import (
    _apostrophe,
    _cjk_width,
    _classic,
    _decimal_digit,
    _elision,
    _german_normalize,
    _scandinavian_fold,
    _scandinavian_normalize,
    _serbian_normalize,
)
from .tokenizers import _check_grams
from .word_delimiter import _WordDelimiter

# Every built-in token filter Elasticsearch ships without plugins is served; what needs files
# the node has not (hunspell dictionaries, hyphenation grammars) answers as such a node does.
_KNOWN_UNSUPPORTED_FILTERS: frozenset[str] = frozenset()


def _filter(
    type_: str, name: str, conf: Mapping[str, Any], max_ngram_diff: int, max_shingle_diff: int
) -> _Filter:
    maker = _FILTERS.get(type_)
    if maker is not None:
        return maker(name, conf, max_ngram_diff, max_shingle_diff)
    if type_ in _KNOWN_UNSUPPORTED_FILTERS:
        raise Unsupported(f"the [{type_}] token filter")
    raise IllegalArgument(f"Unknown filter type [{type_}] for [{name}]")


def _ngram_filter(edge: bool) -> Callable[..., _Filter]:
    def make(name: str, conf: Mapping[str, Any], max_ngram_diff: int, _: int) -> _Filter:
        lo, hi = _int(conf, "min_gram", 1), _int(conf, "max_gram", 2)
        _check_grams(lo, hi, None if edge else max_ngram_diff, "NGram Tokenizer")
        side = str(conf.get("side", "front"))
        if side != "front":
            raise IllegalArgument(f"invalid side: {side}")
        return _NGramFilter(name, lo, hi, edge, _bool(conf, "preserve_original", False))

    return make


def _length_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    lo, hi = _int(conf, "min", 0), _int(conf, "max", 2**31 - 1)
    if lo > hi:
        raise IllegalArgument("maximum length must not be greater than minimum length")
    return _KeepIf(name, lambda t: lo <= len(t[0]) <= hi)


def _truncate_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    length = _int(conf, "length", 10)
    if length <= 0:
        raise IllegalArgument("length parameter must be provided and greater than zero")
    return _TermFilter(name, lambda t: t[:length] if len(t) > length else t)


def _keep_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("keep_words_path") is not None:
        raise Unsupported("keep word files ([keep_words_path])")
    words = _list(conf, "keep_words")
    if words is None:
        raise IllegalArgument(
            "keep requires either `keep_words` or `keep_words_path` to be configured"
        )
    if _bool(conf, "keep_words_case", False):
        lowered = {w.lower() for w in words}
        return _KeepIf(name, lambda t: t[0].lower() in lowered)
    kept = set(words)
    return _KeepIf(name, lambda t: t[0] in kept)


def _keep_types_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    types = set(_list(conf, "types") or ())
    if not types:
        raise IllegalArgument("keep_types requires `types` to be configured")
    mode = str(conf.get("mode", "include"))
    if mode not in ("include", "exclude"):
        raise IllegalArgument(
            f"`keep_types` tokenfilter mode can only be [include] or [exclude] but was [{mode}]."
        )
    include = mode == "include"
    return _KeepIf(name, lambda t: ((t[4] or "word") in types) == include, needs_types=True)


def _pattern_replace_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("pattern") is None:
        raise IllegalArgument(
            "pattern is missing for [" + name + "] token filter of type 'pattern_replace'"
        )
    regex = _java_regex(str(conf["pattern"]), conf.get("flags"), name)
    template = _java_replacement(str(conf.get("replacement", "")))
    count = 0 if _bool(conf, "all", True) else 1

    def replace(term: str) -> str:
        return regex.sub(lambda m: m.expand(template), term, count=count)

    return _TermFilter(name, replace, normalizing=True)


def _elision_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("articles_path") is not None:
        raise Unsupported("elision article files ([articles_path])")
    articles = _list(conf, "articles")
    if articles is None:
        articles = [
            "l",
            "m",
            "t",
            "qu",
            "n",
            "s",
            "j",
            "d",
            "c",
            "jusqu",
            "quoiqu",
            "lorsqu",
            "puisqu",
        ]
    ignore_case = _bool(conf, "articles_case", False)
    words = {a.lower() for a in articles} if ignore_case else set(articles)
    return _TermFilter(name, _elision(words, ignore_case), normalizing=True)


def _keyword_marker_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("keywords_path") is not None:
        raise Unsupported("keyword files ([keywords_path])")
    words = _list(conf, "keywords")
    pattern = conf.get("keywords_pattern")
    if words is not None and pattern is not None:
        raise IllegalArgument(
            "cannot specify both `keywords_pattern` and `keywords` or `keywords_path`"
        )
    if words is None and pattern is None:
        raise IllegalArgument(
            "keyword filter requires either `keywords`, `keywords_path`, or "
            "`keywords_pattern` to be set"
        )
    regex = _java_regex(str(pattern), None, name) if pattern is not None else None
    return _KeywordMarker(name, set(words or ()), regex, _bool(conf, "ignore_case", False))


def _stemmer_override_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("rules_path") is not None:
        raise Unsupported("stemmer override files ([rules_path])")
    rules = _list(conf, "rules", split=False)
    if rules is None:
        raise IllegalArgument(
            "stemmer override filter requires either `rules` or `rules_path` to be configured"
        )
    return _StemmerOverride(name, rules)


def _stemmer_conf_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    language = str(conf.get("language", conf.get("name", "porter")))
    return _stemmer_filter(name, language)


def _snowball_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    # Elasticsearch capitalizes the first letter to name Lucene's stemmer class.
    language = str(conf.get("language", conf.get("name", "English")))
    return _snowball_stemmer(name, language[:1].upper() + language[1:])


def _excluding(name: str, conf: Mapping[str, Any], stemmer: _Filter) -> _Filter:
    """``stemmer`` behind a keyword marker of the ``stem_exclusion`` words, if any."""
    exclusions = _list(conf, "stem_exclusion")
    if not exclusions:
        return stemmer
    return _Sequence(name, [_KeywordMarker(name, set(exclusions), None, False), stemmer])


def _snowball_stem_filter(language: str) -> Callable[..., _Filter]:
    """``dutch_stem``, ``french_stem``: a Snowball stemmer that skips its ``stem_exclusion``."""

    def make(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
        return _excluding(name, conf, _snowball_stemmer(name, language))

    return make


_FILTERS: dict[str, Callable[[str, Mapping[str, Any], int, int], _Filter]] = {
    "lowercase": lambda n, c, *_: _LowercaseFilter(
        n, str(c["language"]) if c.get("language") is not None else None
    ),
    "uppercase": lambda n, c, *_: _TermFilter(n, str.upper, normalizing=True),
    "asciifolding": lambda n, c, *_: _AsciiFoldingFilter(n, _bool(c, "preserve_original", False)),
    "stop": lambda n, c, *_: _stop_filter(n, c),
    "stemmer": _stemmer_conf_filter,
    "porter_stem": lambda n, c, *_: _stemmer_filter(n, "porter"),
    "kstem": lambda n, c, *_: _stemmer_filter(n, "kstem"),
    "snowball": _snowball_filter,
    "dutch_stem": _snowball_stem_filter("Dutch"),
    "french_stem": _snowball_stem_filter("French"),
    "russian_stem": lambda n, c, *_: _snowball_stemmer(n, "Russian"),
    "keyword_repeat": lambda n, c, *_: _KeywordRepeat(n),
    "german_normalization": lambda n, c, *_: _TermFilter(n, _german_normalize, normalizing=True),
    "scandinavian_normalization": lambda n, c, *_: _TermFilter(
        n, _scandinavian_normalize, normalizing=True
    ),
    "scandinavian_folding": lambda n, c, *_: _TermFilter(n, _scandinavian_fold, normalizing=True),
    "serbian_normalization": lambda n, c, *_: _TermFilter(n, _serbian_normalize, normalizing=True),
    "length": _length_filter,
    "trim": lambda n, c, *_: _TermFilter(n, str.strip, normalizing=True),
    "truncate": _truncate_filter,
    "unique": lambda n, c, *_: _UniqueFilter(n, _bool(c, "only_on_same_position", False)),
    "remove_duplicates": lambda n, c, *_: _UniqueFilter(n, True),
    "reverse": lambda n, c, *_: _TermFilter(n, lambda t: t[::-1]),
    "ngram": _ngram_filter(edge=False),
    "edge_ngram": _ngram_filter(edge=True),
    "shingle": lambda n, c, _, diff: _ShingleFilter(n, c, diff),
    "synonym": lambda n, c, *_: _SynonymFilter(n, c, graph=False),
    "synonym_graph": lambda n, c, *_: _SynonymFilter(n, c, graph=True),
    "elision": _elision_filter,
    "apostrophe": lambda n, c, *_: _TermFilter(n, _apostrophe),
    "decimal_digit": lambda n, c, *_: _TermFilter(n, _decimal_digit, normalizing=True),
    "cjk_width": lambda n, c, *_: _TermFilter(n, _cjk_width, normalizing=True),
    "classic": lambda n, c, *_: _TermFilter(n, _classic),
    "word_delimiter": lambda n, c, *_: _WordDelimiter(n, c, graph=False),
    "word_delimiter_graph": lambda n, c, *_: _WordDelimiter(n, c, graph=True),
    "keep": _keep_filter,
    "keep_types": _keep_types_filter,
    "pattern_replace": _pattern_replace_filter,
    "limit": lambda n, c, *_: _LimitFilter(n, _int(c, "max_token_count", 1)),
    "fingerprint": lambda n, c, *_: _FingerprintFilter(
        n, str(c.get("separator", " ")), _int(c, "max_output_size", 255)
    ),
    "keyword_marker": _keyword_marker_filter,
    "stemmer_override": _stemmer_override_filter,
    "flatten_graph": lambda n, c, *_: _NativeFilter(n, ()),
}
_FILTERS.update(
    {
        "arabic_normalization": lambda n, c, *_: _TermFilter(n, arabic_normalize, normalizing=True),
        "persian_normalization": lambda n, c, *_: _TermFilter(
            n, persian_normalize, normalizing=True
        ),
        "sorani_normalization": lambda n, c, *_: _TermFilter(n, sorani_normalize, normalizing=True),
        "hindi_normalization": lambda n, c, *_: _KeywordSafeTermFilter(n, hindi_normalize),
        "bengali_normalization": lambda n, c, *_: _KeywordSafeTermFilter(n, bengali_normalize),
        "indic_normalization": lambda n, c, *_: _TermFilter(n, indic_normalize, normalizing=True),
        "arabic_stem": lambda n, c, *_: _stemmer_filter(n, "arabic"),
        "persian_stem": lambda n, c, *_: _stemmer_filter(n, "persian"),
        "czech_stem": lambda n, c, *_: _stemmer_filter(n, "czech"),
        # Elasticsearch's factories put a keyword marker of `stem_exclusion` before these two.
        "german_stem": lambda n, c, *_: _excluding(n, c, _PythonStemmer(n, german_stem)),
        "brazilian_stem": lambda n, c, *_: _excluding(n, c, _stemmer_filter(n, "brazilian")),
    }
)
for _type, _make in {**STRUCTURAL_FILTERS, **SCRIPTED_FILTERS}.items():
    _FILTERS[_type] = lambda n, c, *_, make=_make: make(n, c)
