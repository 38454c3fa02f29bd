"""Languages: the Elasticsearch languages tantivy stems and has stop words for, the stemmer
and stop word settings that map onto them, and the stemmer and stop filters they make.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import IllegalArgument, Unsupported
from .conf import _bool, _list
from .filters import _Filter, _NativeFilter, _PythonStemmer, _StopFilter
from .terms import _minimal_english, _possessive

# Elasticsearch language names tantivy stems and knows stop words for.
LANGUAGES = (
    "arabic",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "turkish",
)
# tantivy ships no stop words for Arabic, Greek, Romanian and Turkish: their analyzers go
# without unless given `stopwords`.
_STOP_LANGUAGES = frozenset(LANGUAGES) - {"arabic", "greek", "romanian", "turkish"}
# Elasticsearch's named stop word lists tantivy does not ship.
_OTHER_STOP_LISTS = frozenset(
    [
        "arabic",
        "greek",
        "romanian",
        "turkish",
        "armenian",
        "basque",
        "bengali",
        "brazilian",
        "bulgarian",
        "catalan",
        "cjk",
        "czech",
        "estonian",
        "galician",
        "hindi",
        "indonesian",
        "irish",
        "latvian",
        "lithuanian",
        "persian",
        "serbian",
        "sorani",
        "thai",
    ]
)

# stemmer filter `language` values -> tantivy stemmer (light/minimal variants approximated
# by the Snowball stemmer of the language) or a Python stemmer.
_STEMMERS = {
    "english": "english",
    "porter": "english",
    "porter2": "english",
    "light_english": "english",
    "kstem": "english",
    "lovins": "english",
    "arabic": "arabic",
    "danish": "danish",
    "dutch": "dutch",
    "dutch_kp": "dutch",
    "finnish": "finnish",
    "light_finnish": "finnish",
    "french": "french",
    "light_french": "french",
    "minimal_french": "french",
    "german": "german",
    "german2": "german",
    "light_german": "german",
    "minimal_german": "german",
    "greek": "greek",
    "hungarian": "hungarian",
    "light_hungarian": "hungarian",
    "italian": "italian",
    "light_italian": "italian",
    "norwegian": "norwegian",
    "light_norwegian": "norwegian",
    "minimal_norwegian": "norwegian",
    "light_nynorsk": "norwegian",
    "minimal_nynorsk": "norwegian",
    "portuguese": "portuguese",
    "light_portuguese": "portuguese",
    "minimal_portuguese": "portuguese",
    "portuguese_rslp": "portuguese",
    "romanian": "romanian",
    "russian": "russian",
    "light_russian": "russian",
    "spanish": "spanish",
    "light_spanish": "spanish",
    "swedish": "swedish",
    "light_swedish": "swedish",
    "turkish": "turkish",
}
# Elasticsearch stemmers tantivy has no algorithm for.
_OTHER_STEMMERS = frozenset(
    [
        "armenian",
        "basque",
        "bengali",
        "brazilian",
        "bulgarian",
        "catalan",
        "czech",
        "estonian",
        "galician",
        "minimal_galician",
        "hindi",
        "indonesian",
        "irish",
        "latvian",
        "lithuanian",
        "persian",
        "sorani",
        "serbian",
    ]
)
_PYTHON_STEMMERS: dict[str, Callable[[str], str]] = {
    "minimal_english": _minimal_english,
    "possessive_english": _possessive,
}
_SNOWBALL = {
    "English": "english",
    "Porter": "english",
    "Lovins": "english",
    "Kp": "dutch",
    "Danish": "danish",
    "Dutch": "dutch",
    "Finnish": "finnish",
    "French": "french",
    "German": "german",
    "German2": "german",
    "Hungarian": "hungarian",
    "Italian": "italian",
    "Norwegian": "norwegian",
    "Portuguese": "portuguese",
    "Romanian": "romanian",
    "Russian": "russian",
    "Spanish": "spanish",
    "Swedish": "swedish",
    "Turkish": "turkish",
    "Arabic": "arabic",
    "Greek": "greek",
}


def _stemmer_filter(name: str, language: str) -> _Filter:
    if language in _PYTHON_STEMMERS:
        return _PythonStemmer(name, _PYTHON_STEMMERS[language])
    if language in _STEMMERS:
        return _NativeFilter(name, (("stemmer", _STEMMERS[language]),), stems=True)
    if language in _OTHER_STEMMERS:
        raise Unsupported(f"stemmer language [{language}]")
    raise IllegalArgument(f"Unknown stemmer language [{language}] for [{name}]")


def _stop_words(value: list[str] | None, default: str) -> tuple[list[str], list[str]]:
    """(tantivy languages, literal words) for a `stopwords` setting."""
    items = value if value is not None else [default]
    languages: list[str] = []
    words: list[str] = []
    for item in items:
        if item == "_none_":
            continue
        if len(item) > 2 and item.startswith("_") and item.endswith("_"):
            language = item[1:-1]
            if language in _STOP_LANGUAGES:
                languages.append(language)
                continue
            if language in _OTHER_STOP_LISTS:
                raise Unsupported(f"the [{item}] stop word list")
        words.append(item)
    return languages, words


def _stop_filter(name: str, conf: Mapping[str, Any], default: str = "_english_") -> _Filter:
    if conf.get("stopwords_path") is not None:
        raise Unsupported("stop word files ([stopwords_path])")
    languages, words = _stop_words(_list(conf, "stopwords"), default)
    return _StopFilter(
        name,
        languages,
        words,
        ignore_case=_bool(conf, "ignore_case", False),
        remove_trailing=_bool(conf, "remove_trailing", True),
    )
