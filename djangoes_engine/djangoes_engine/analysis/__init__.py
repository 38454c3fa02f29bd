"""Elasticsearch text analysis on top of tantivy.

An index's ``settings.analysis`` and Elasticsearch's built-in components become
:class:`Analyzer` and :class:`Normalizer` objects. A chain that maps onto tantivy's own
tokenizers and filters is *native*: tantivy runs it while indexing (the fast path for bulk
loads) and Python asks the very same tantivy analyzer at query time, so both sides agree token
for token. Any other chain runs in Python, still delegating to tantivy every stage it can, and
its tokens reach tantivy pre-tokenized.

Tokens carry Lucene's semantics: a removed token leaves a position gap, stacked tokens (synonyms,
n-grams of one word) share a position, and offsets point into the original text even after
char filters rewrote it.

The modules, from the bottom up: :mod:`.tokens` (tokens and their types), :mod:`.conf`
(reading settings), :mod:`.javaregex` and :mod:`.patterns` (regexes), :mod:`.native` (tantivy
analyzers), :mod:`.char_filters`, :mod:`.tokenizers`, the token filters (:mod:`.terms`,
:mod:`.filters`, :mod:`.synonyms`, :mod:`.word_delimiter`, :mod:`.languages`, by type in
:mod:`.filter_types`), :mod:`.analyzer` (running a chain), :mod:`.builtins`, :mod:`.registry`
(an index's analysis settings) and :mod:`.api` (``_analyze``).
"""

from .analyzer import Analyzer, Normalizer
from .api import analyze_api
from .builtins import BUILTIN_ANALYZERS
from .languages import LANGUAGES
from .patterns import CLASSIC_PATTERN, STANDARD_PATTERN, UAX_URL_EMAIL_PATTERN
from .registry import AnalysisRegistry
from .tokens import DEFAULT_MAX_TOKEN_LENGTH, DEFAULT_POSITION_INCREMENT_GAP, Token

__all__ = [
    "BUILTIN_ANALYZERS",
    "CLASSIC_PATTERN",
    "DEFAULT_MAX_TOKEN_LENGTH",
    "DEFAULT_POSITION_INCREMENT_GAP",
    "LANGUAGES",
    "STANDARD_PATTERN",
    "UAX_URL_EMAIL_PATTERN",
    "AnalysisRegistry",
    "Analyzer",
    "Normalizer",
    "Token",
    "analyze_api",
]
