"""Lucene's DirectSpellChecker over a term dictionary the engine builds itself, shared by the
``term`` suggester (one token at a time) and the ``phrase`` suggester's direct generators.

The engine has no Lucene term dictionary to walk, so :func:`term_dictionary` builds one per
field from the documents' sources, analysed as indexing analyses them, once per refreshed
reader: each term's document frequency and total term frequency (Lucene's ``docFreq`` and
``totalTermFreq``; a keyword field, indexed without frequencies, counts documents for both)
and their sum over the field (``getSumTotalTermFreq``).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..decimals import java_float
from ..fields import KeywordField
from ..index import Reader, iterate_documents


class SpellcheckerSettings(Protocol):
    """What DirectSpellChecker is configured with (DirectSpellcheckerSettings)."""

    @property
    def suggest_mode(self) -> str: ...
    @property
    def accuracy(self) -> float: ...
    @property
    def sort(self) -> str: ...
    @property
    def max_edits(self) -> int: ...
    @property
    def max_inspections(self) -> int: ...
    @property
    def max_term_freq(self) -> float: ...
    @property
    def prefix_length(self) -> int: ...
    @property
    def min_word_length(self) -> int: ...
    @property
    def min_doc_freq(self) -> float: ...


def java_int(value: float, ceil: bool = False) -> int:
    """``(int) value`` (after ``Math.ceil``) as Java casts: NaN is 0, infinities clamp."""
    if math.isnan(value):
        return 0
    if math.isinf(value):
        return 2**31 - 1 if value > 0 else -(2**31)
    return max(-(2**31), min(2**31 - 1, math.ceil(value) if ceil else int(value)))


def whole(value: float) -> bool:
    """Whether a float is a whole number (Java's ``value == (int) value``)."""
    return value == java_int(value)


@dataclass
class _Option:
    text: str
    score: float
    freq: int


def _order(sort: str) -> Any:
    if sort == "frequency":
        return lambda o: (-o.freq, -o.score, o.text)
    return lambda o: (-o.score, -o.freq, o.text)


def _similar(
    term: str, dictionary: dict[str, int], max_doc: int, shard_size: int, s: SpellcheckerSettings
) -> list[_Option]:
    """DirectSpellChecker.suggestSimilar with the internal (Damerau-Levenshtein) distance."""
    if len(term) < s.min_word_length:
        return []
    docfreq = dictionary.get(term, 0)
    if s.suggest_mode == "missing" and docfreq > 0:
        return []
    if s.max_term_freq >= 1.0:
        if docfreq > s.max_term_freq:
            return []
    elif docfreq > java_int(java_float(s.max_term_freq * max_doc), ceil=True):
        return []
    if s.suggest_mode != "popular":
        docfreq = 0
    if s.min_doc_freq >= 1.0:
        docfreq = max(docfreq, int(s.min_doc_freq))
    elif s.min_doc_freq > 0.0:
        docfreq = max(docfreq, int(s.min_doc_freq * max_doc) - 1)
    inspections = shard_size * s.max_inspections
    found = _candidates(term, dictionary, docfreq, 1, s.prefix_length, s.accuracy, inspections)
    if s.max_edits > 1 and len(found) < inspections:
        prefix = max(s.prefix_length, s.max_edits - 1)
        more = _candidates(term, dictionary, docfreq, s.max_edits, prefix, s.accuracy, inspections)
        found = {**more, **found}
    options = [_Option(t, score, dictionary[t]) for t, score in found.items()]
    return sorted(options, key=_order(s.sort))[:shard_size]


def _candidates(
    term: str,
    dictionary: dict[str, int],
    docfreq: int,
    max_edits: int,
    prefix: int,
    accuracy: float,
    inspections: int,
) -> dict[str, float]:
    """The terms FuzzyTermsEnum gives within ``max_edits`` of ``term`` sharing its first
    ``prefix`` characters, scored, keeping the ``inspections`` best (ties: the smaller term)."""
    head = term[:prefix]
    scored = []
    for candidate, df in dictionary.items():
        if candidate == term or df <= docfreq or not candidate.startswith(head):
            continue
        if abs(len(candidate) - len(term)) > max_edits:
            continue
        edits = _edits(term, candidate, max_edits)
        if edits > max_edits:
            continue
        score = java_float(1.0 - java_float(edits / min(len(candidate), len(term))))
        if score < accuracy:
            continue
        scored.append((score, candidate))
    scored.sort(key=lambda sc: (-sc[0], sc[1]))
    return {candidate: score for score, candidate in scored[:inspections]}


def _edits(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance (Lucene's Levenshtein automata with transpositions),
    or ``bound + 1`` once it must exceed ``bound``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > bound:
            return bound + 1
        previous2, previous = previous, row
    return previous[len(b)]


def _java_float(value: float) -> float:
    """The float as Java prints it: the shortest decimal that reads back as the same float."""
    for digits in range(1, 10):
        shortest = float(f"{value:.{digits}g}")
        if java_float(shortest) == value:
            return shortest
    return value


# The term dictionary, built once per reader and field.


@dataclass
class TermDictionary:
    """A field's terms: ``doc_freq`` and ``total_freq`` per term, and ``sum_total_freq``."""

    doc_freq: dict[str, int] = field(default_factory=dict)
    total_freq: dict[str, int] = field(default_factory=dict)
    sum_total_freq: int = 0


_LOCK = threading.Lock()
_DICTIONARIES: dict[tuple[int, str], tuple[Any, TermDictionary]] = {}
_KEEP = 8


def _dictionary(reader: Reader, field: Any) -> dict[str, int]:
    """The field's terms and the documents holding each."""
    return term_dictionary(reader, field).doc_freq


def term_dictionary(reader: Reader, field: Any) -> TermDictionary:
    """The field's term statistics, cached per refreshed reader."""
    key = (id(reader.searcher), field.path)
    with _LOCK:
        cached = _DICTIONARIES.get(key)
        if cached is not None and cached[0] is reader.searcher:
            return cached[1]
    built = TermDictionary()
    doc_freq, total_freq = built.doc_freq, built.total_freq
    for doc in iterate_documents(reader.searcher):
        parsed = reader.mapping.parse(doc.source_dict(), doc.doc_id, doc.routing)
        values = [v for f, v in parsed.values if f.path == field.path and isinstance(v, str)]
        for term, count in _index_terms(field, values).items():
            doc_freq[term] = doc_freq.get(term, 0) + 1
            total_freq[term] = total_freq.get(term, 0) + count
            built.sum_total_freq += count
    with _LOCK:
        if len(_DICTIONARIES) >= _KEEP:
            _DICTIONARIES.pop(next(iter(_DICTIONARIES)))
        _DICTIONARIES[key] = (reader.searcher, built)
    return built


def _index_terms(field: Any, values: Iterable[str]) -> Counter[str]:
    """A document's terms and their frequencies (1 each in a keyword field: no freqs)."""
    if isinstance(field, KeywordField):
        return Counter(set(values))
    return Counter(token.term for value in values for token in field.analyzer.analyze(value))
