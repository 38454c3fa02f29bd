"""Languages: the Elasticsearch languages tantivy stems and has stop words for, the stemmer
and stop word settings that map onto them, and the stemmer and stop filters they make.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..deprecation import deprecated
from ..errors import IllegalArgument, Unsupported
from .arabic_script import arabic_stem, persian_stem, sorani_stem
from .brazilian import brazilian_stem
from .conf import _bool, _list
from .european_stemmers import bulgarian_stem, czech_stem, indonesian_stem, latvian_stem
from .filters import _Filter, _NativeFilter, _PythonStemmer, _StopFilter
from .galician import galician_minimal_stem
from .greek import greek_stem
from .hindi import hindi_stem
from .indic import bengali_stem
from .porter import porter_stem
from .savoy import (
    french_light_stem,
    french_minimal_stem,
    german_light_stem,
    german_minimal_stem,
    italian_light_stem,
    norwegian_light_stem,
    norwegian_minimal_stem,
    nynorsk_light_stem,
    nynorsk_minimal_stem,
    portuguese_light_stem,
    russian_light_stem,
    spanish_light_stem,
    swedish_light_stem,
)
from .savoy_uralic import finnish_light_stem, hungarian_light_stem
from .snowball import _snowball_stemmer
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

# Lucene's CJKAnalyzer stop words, as Elasticsearch's docs list them for the cjk analyzer.
_CJK_STOP = [
    "a", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
    "not", "of", "on", "or", "s", "such", "t", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "www",
]  # fmt: skip

# stemmer filter `language` values Elasticsearch runs as a Snowball stemmer -> tantivy's.
_STEMMERS = {
    "porter2": "english",
    "danish": "danish",
    "finnish": "finnish",
    "french": "french",
    "german": "german",
    "german2": "german",
    "hungarian": "hungarian",
    "italian": "italian",
    "norwegian": "norwegian",
    "portuguese": "portuguese",
    "romanian": "romanian",
    "russian": "russian",
    "spanish": "spanish",
    "swedish": "swedish",
    "turkish": "turkish",
}
# stemmer filter `language` values Elasticsearch runs as a Snowball stemmer tantivy lacks
# (Dutch: tantivy's is a later algorithm) -> the Lucene stemmer class.
_SNOWBALL_STEMMERS = {
    "armenian": "Armenian",
    "basque": "Basque",
    "catalan": "Catalan",
    "dutch": "Dutch",
    "estonian": "Estonian",
    "irish": "Irish",
    "lithuanian": "Lithuanian",
    "serbian": "Serbian",
}
# Elasticsearch stemmers of Lucene's own (not Snowball) that the engine has no algorithm for.
_OTHER_STEMMERS = frozenset(
    [
        "galician",
        "spanish_plural",
        "kstem",
        "light_english",
        "minimal_portuguese",
        "portuguese_rslp",
    ]
)
# Why some of those are missing: they need data of Lucene's the engine does not ship.
_STEMMER_DATA = {
    "galician": "its rules are Lucene's galician.rslp file",
    "spanish_plural": "its exceptions are Lucene's list of invariant Spanish words",
    "kstem": "Krovetz's stemmer needs his large dictionary of English words",
    "light_english": "it is Krovetz's stemmer, which needs his large dictionary of English words",
    "minimal_portuguese": "its rules are Lucene's portuguese.rslp file",
    "portuguese_rslp": "its rules are Lucene's portuguese.rslp file",
}
# Stemmers Lucene 10 removed (deprecated by Elasticsearch 8.16).
_REMOVED_STEMMERS = frozenset(["dutch_kp", "dutchKp", "kp", "lovins"])
_PYTHON_STEMMERS: dict[str, Callable[[str], str]] = {
    "minimal_english": _minimal_english,
    "possessive_english": _possessive,
    "arabic": arabic_stem,
    "hindi": hindi_stem,
    "bengali": bengali_stem,
    "persian": persian_stem,
    "sorani": sorani_stem,
    "brazilian": brazilian_stem,
    "minimal_galician": galician_minimal_stem,
    "bulgarian": bulgarian_stem,
    "czech": czech_stem,
    "indonesian": indonesian_stem,
    "latvian": latvian_stem,
    "english": porter_stem,
    "porter": porter_stem,
    "light_french": french_light_stem,
    "light_german": german_light_stem,
    "light_italian": italian_light_stem,
    "light_spanish": spanish_light_stem,
    "light_portuguese": portuguese_light_stem,
    "light_russian": russian_light_stem,
    "light_swedish": swedish_light_stem,
    "minimal_french": french_minimal_stem,
    "minimal_german": german_minimal_stem,
    "light_norwegian": norwegian_light_stem,
    "minimal_norwegian": norwegian_minimal_stem,
    "light_nynorsk": nynorsk_light_stem,
    "minimal_nynorsk": nynorsk_minimal_stem,
    "light_finnish": finnish_light_stem,
    "light_hungarian": hungarian_light_stem,
    "greek": greek_stem,
}


# Elasticsearch's camelCase names of its stemmer languages (and "light_finish", kept for
# backward compatibility), lowercased: it reads every name ignoring case.
_STEMMER_ALIASES = {
    "lightenglish": "light_english",
    "minimalenglish": "minimal_english",
    "possessiveenglish": "possessive_english",
    "light_finish": "light_finnish",
    "lightfinish": "light_finnish",
    "lightfinnish": "light_finnish",
    "lightfrench": "light_french",
    "minimalfrench": "minimal_french",
    "lightgerman": "light_german",
    "minimalgerman": "minimal_german",
    "lighthungarian": "light_hungarian",
    "lightitalian": "light_italian",
    "lightnorwegian": "light_norwegian",
    "lightnynorsk": "light_nynorsk",
    "minimalnynorsk": "minimal_nynorsk",
    "lightportuguese": "light_portuguese",
    "minimalportuguese": "minimal_portuguese",
    "lightrussian": "light_russian",
    "lightspanish": "light_spanish",
    "lightswedish": "light_swedish",
    "dutchkp": "dutch_kp",
}


def _stemmer_filter(name: str, language: str) -> _Filter:
    # Elasticsearch compares "minimalNorwegian" case-sensitively, every other name ignoring case.
    language = "minimal_norwegian" if language == "minimalNorwegian" else language.lower()
    language = _STEMMER_ALIASES.get(language, language)
    if language == "german2":
        deprecated(
            "The 'german2' stemmer has been deprecated and folded into the 'german' Stemmer. "
            "Replace all usages of 'german2' with 'german'."
        )
    if language in _PYTHON_STEMMERS:
        return _PythonStemmer(name, _PYTHON_STEMMERS[language])
    if language in _STEMMERS:
        return _NativeFilter(name, (("stemmer", _STEMMERS[language]),), stems=True)
    if language in _SNOWBALL_STEMMERS:
        return _snowball_stemmer(name, _SNOWBALL_STEMMERS[language])
    if language in _OTHER_STEMMERS:
        why = _STEMMER_DATA.get(language)
        raise Unsupported(f"stemmer language [{language}]" + (f" ({why})" if why else ""))
    if language in _REMOVED_STEMMERS:
        raise Unsupported(f"stemmer language [{language}] (removed in Lucene 10)")
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
            if language == "cjk":
                words.extend(_CJK_STOP)
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


def _analyzer_stop_filter(name: str, conf: Mapping[str, Any], default: str) -> _Filter:
    """An analyzer's stop filter: its ``stopwords`` (default ``default``), matched ignoring
    case when ``stopwords_case`` is set (analyzers read no ``ignore_case``)."""
    stop_conf = {
        "stopwords": conf.get("stopwords"),
        "stopwords_path": conf.get("stopwords_path"),
        "ignore_case": conf.get("stopwords_case", False),
    }
    return _stop_filter(name, stop_conf, default)
