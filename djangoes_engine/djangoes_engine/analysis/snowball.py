"""Snowball stemmers under Lucene's names (``English``, ``German2``, ``Porter``...), for the
``snowball`` token filter and analyzer and the ``stemmer`` languages that are Snowball
algorithms.

Elasticsearch 9 runs the Snowball stemmers Lucene 10 generates. tantivy stems natively where
its algorithm is the same one; the others (and Dutch: tantivy's is the later Kraaij-Pohlmann
based algorithm, Lucene 10's is the one Snowball now calls ``dutch_porter``) run in Python
through the pure-Python ``snowballstemmer`` package, each word's stem cached.

Both follow Snowball 3, which refined several algorithms (English, French, German, Italian,
Lithuanian...) after the 2024 snapshot Lucene 10 generated its stemmers from: a few words stem
differently from Elasticsearch's.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from functools import cache, lru_cache

from ..errors import IllegalArgument, Unsupported
from .filters import _Filter, _NativeFilter, _PythonStemmer

# Lucene's Snowball stemmer classes (org.tartarus.snowball.ext.<Name>Stemmer) tantivy runs.
_TANTIVY_SNOWBALL = {
    "Arabic": "arabic",
    "Danish": "danish",
    "English": "english",
    "Finnish": "finnish",
    "French": "french",
    "German": "german",
    "Greek": "greek",
    "Hungarian": "hungarian",
    "Italian": "italian",
    "Norwegian": "norwegian",
    "Portuguese": "portuguese",
    "Romanian": "romanian",
    "Russian": "russian",
    "Spanish": "spanish",
    "Swedish": "swedish",
    "Turkish": "turkish",
}
# ... and those the snowballstemmer package runs (its algorithm names).
_PYTHON_SNOWBALL = {
    "Armenian": "armenian",
    "Basque": "basque",
    "Catalan": "catalan",
    "Dutch": "dutch_porter",
    "Estonian": "estonian",
    "Hindi": "hindi",
    "Indonesian": "indonesian",
    "Irish": "irish",
    "Lithuanian": "lithuanian",
    "Nepali": "nepali",
    "Porter": "porter",
    "Serbian": "serbian",
    "Tamil": "tamil",
    "Yiddish": "yiddish",
}
# Lucene 10 folded German2 into German (Snowball did), and keeps the old name working.
_SNOWBALL_ALIASES = {"German2": "German"}
# Stemmers Lucene 10 dropped (Elasticsearch deprecated them in 8.16).
_REMOVED_SNOWBALL = frozenset({"Kp", "Lovins"})

SNOWBALL_LANGUAGES = tuple(sorted({*_TANTIVY_SNOWBALL, *_PYTHON_SNOWBALL, *_SNOWBALL_ALIASES}))


@cache
def _python_stem(algorithm: str) -> Callable[[str], str]:
    """``algorithm``'s stem function. The package's stemmers keep state while stemming, so
    one lock guards each; the cache makes the common words free."""
    module = importlib.import_module(f"snowballstemmer.{algorithm}_stemmer")
    class_name = "".join(part.capitalize() for part in algorithm.split("_")) + "Stemmer"
    stemmer = getattr(module, class_name)()
    lock = threading.Lock()

    @lru_cache(maxsize=1 << 16)
    def stem(word: str) -> str:
        with lock:
            return str(stemmer.stemWord(word))

    return stem


def _snowball_stemmer(name: str, language: str) -> _Filter:
    """Lucene's SnowballFilter for the stemmer class ``language`` (spelled as the class is:
    ``English``, ``German2``...)."""
    language = _SNOWBALL_ALIASES.get(language, language)
    if language in _TANTIVY_SNOWBALL:
        return _NativeFilter(name, (("stemmer", _TANTIVY_SNOWBALL[language]),), stems=True)
    if language in _PYTHON_SNOWBALL:
        return _PythonStemmer(name, _python_stem(_PYTHON_SNOWBALL[language]))
    if language in _REMOVED_SNOWBALL:
        raise Unsupported(f"the [{language}] snowball stemmer (removed in Lucene 10)")
    raise IllegalArgument(f"Invalid stemmer class specified: {language}")
