"""Elasticsearch's built-in analyzers (standard, simple, the language analyzers...) and the
names of the built-in tokenizers and char filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from .analyzer import Analyzer
from .conf import _bool, _int, _list
from .filters import (
    _AsciiFoldingFilter,
    _Filter,
    _FingerprintFilter,
    _KeywordMarker,
    _LowercaseFilter,
    _TermFilter,
)
from .languages import _STOP_LANGUAGES, LANGUAGES, _stemmer_filter, _stop_filter
from .patterns import _letter_pattern, _whitespace_pattern
from .terms import _apostrophe
from .tokenizers import _KeywordTokenizer, _RegexTokenizer, _tokenizer
from .tokens import DEFAULT_MAX_TOKEN_LENGTH, DEFAULT_POSITION_INCREMENT_GAP


def _language_chain(language: str, conf: Mapping[str, Any]) -> list[_Filter]:
    """Standard tokenizer + lowercase + the language's stop words + its stemmer."""
    filters: list[_Filter] = [_LowercaseFilter("lowercase", None)]
    if language == "turkish":
        filters = [_TermFilter("apostrophe", _apostrophe), _LowercaseFilter("lowercase", "turkish")]
    if language in _STOP_LANGUAGES:
        filters.append(_stop_filter(f"{language}_stop", conf, f"_{language}_"))
    elif conf.get("stopwords") is not None:
        filters.append(_stop_filter(f"{language}_stop", conf, "_none_"))
    exclusions = _list(conf, "stem_exclusion")
    if exclusions:
        filters.append(_KeywordMarker(f"{language}_keywords", set(exclusions), None, False))
    filters.append(_stemmer_filter(f"{language}_stemmer", language))
    return filters


def _builtin_analyzer(type_: str, name: str, conf: Mapping[str, Any]) -> Analyzer | None:
    """The built-in analyzer ``type_`` configured by ``conf`` (None if no such type)."""
    gap = _int(conf, "position_increment_gap", DEFAULT_POSITION_INCREMENT_GAP)
    max_len = _int(conf, "max_token_length", DEFAULT_MAX_TOKEN_LENGTH)
    if type_ == "standard":
        tokenizer = _tokenizer("standard", "standard", conf, 1)
        filters: list[_Filter] = [
            _LowercaseFilter("lowercase", None),
            _stop_filter("stop", conf, "_none_"),
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
        filters = [_LowercaseFilter("lowercase", None), _stop_filter("stop", conf)]
    elif type_ == "pattern":
        tokenizer = _tokenizer("pattern", "pattern", conf, 1)
        filters = [_LowercaseFilter("lowercase", None)] if _bool(conf, "lowercase", True) else []
        filters.append(_stop_filter("stop", conf, "_none_"))
    elif type_ == "fingerprint":
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = [
            _LowercaseFilter("lowercase", None),
            _AsciiFoldingFilter("asciifolding", False),
            _stop_filter("stop", conf, "_none_"),
            _FingerprintFilter(
                "fingerprint", str(conf.get("separator", " ")), _int(conf, "max_output_size", 255)
            ),
        ]
    elif type_ in LANGUAGES:
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
    *LANGUAGES,
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
