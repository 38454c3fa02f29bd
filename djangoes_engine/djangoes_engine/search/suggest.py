"""The search body's ``suggest``: Elasticsearch's term suggester.

Elasticsearch's term suggester asks Lucene's DirectSpellChecker, for each token of the
suggestion's text (analysed with the field's search analyzer), which terms of the field's term
dictionary lie within ``max_edits`` Damerau-Levenshtein edits (the first ``prefix_length``
characters equal), scores each ``1 - edits / min(len(token), len(term))`` and keeps those of
at least ``accuracy``. The engine has no term dictionary to walk, so it builds one per field
from the documents' sources, analysed as indexing analyses them, once per refreshed reader.
Django libraries send it with every search (django-haystack's Elasticsearch backends, with
spelling suggestions on). The completion suggester runs in :mod:`.completion`; the phrase
suggester is refused by name, and so is a ``string_distance`` other than ``internal``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..decimals import java_float
from ..errors import IllegalArgument, ParsingError, Unsupported, XContentParseError
from ..fields import KeywordField, TextField
from ..index import Reader, iterate_documents
from .completion import CompletionSuggestion, parse_completion, run_completion

#: What a ``term`` suggester takes, as TermSuggestionBuilder parses it.
TERM_KEYS = frozenset(
    {
        "analyzer", "field", "size", "shard_size", "suggest_mode", "accuracy", "sort",
        "string_distance", "max_edits", "max_inspections", "max_term_freq", "prefix_length",
        "min_word_length", "min_doc_freq",
    }
)  # fmt: skip
SUGGEST_MODES = ("missing", "popular", "always")
STRING_DISTANCES = ("internal", "damerau_levenshtein", "levenshtein", "ngram", "jaro_winkler")


@dataclass(frozen=True)
class TermSuggestion:
    """One named ``term`` suggestion, with DirectSpellcheckerSettings' defaults."""

    name: str
    field: str
    text: str
    analyzer: str | None = None
    size: int = 5
    shard_size: int | None = None
    suggest_mode: str = "missing"
    accuracy: float = 0.5
    sort: str = "score"
    max_edits: int = 2
    max_inspections: int = 5
    max_term_freq: float = 0.01
    prefix_length: int = 1
    min_word_length: int = 4
    min_doc_freq: float = 0.0


def parse(body: Any) -> list[TermSuggestion | CompletionSuggestion]:
    """The suggestions of a search body's ``suggest`` (SuggestBuilder.fromXContent)."""
    if not isinstance(body, dict):
        raise ParsingError("suggest must be an object")
    global_text = body.get("text")
    suggestions = []
    for name, value in body.items():
        if name == "text":
            continue
        if not isinstance(value, dict):
            raise IllegalArgument(f"[suggest] does not support [{name}]")
        suggestions.append(_suggestion(name, value, global_text))
    return suggestions


def _suggestion(
    name: str, body: dict[str, Any], global_text: Any
) -> TermSuggestion | CompletionSuggestion:
    text = prefix = regex = None
    kinds = []
    for key, value in body.items():
        if isinstance(value, dict):
            kinds.append((key, value))
        elif key == "text":
            text = value
        elif key == "prefix":
            prefix = value
        elif key == "regex":
            regex = value
        else:
            raise ParsingError(f"suggestion does not support [{key}]")
    if not kinds:
        raise ParsingError("missing suggestion object", type="parse_exception")
    kind, options = kinds[-1]
    if kind == "phrase":
        raise Unsupported(f"the [{kind}] suggester")
    if kind == "completion":
        return parse_completion(name, options, text, prefix, regex, global_text)
    if kind != "term":
        raise XContentParseError(f"unknown field [{kind}]")
    # populateCommonFields: the text falls back on the prefix, then the regex, then the global.
    chosen = next((t for t in (text, prefix, regex, global_text) if t is not None), None)
    if chosen is None:
        raise IllegalArgument("The required text option is missing")
    return _term(name, str(chosen), options)


def _term(name: str, text: str, options: dict[str, Any]) -> TermSuggestion:
    for key, value in options.items():
        if key not in TERM_KEYS:
            raise ParsingError(f"suggester[term] doesn't support field [{key}]")
        if isinstance(value, dict | list):
            raise ParsingError(f"suggester[term] parsing failed on [{key}]")
    field = options.get("field")
    if field is None:
        raise ParsingError("the required field option [field] is missing", type="parse_exception")
    size = _int(options, "size", 5)
    if size <= 0:
        raise IllegalArgument("size must be positive")
    mode = str(options.get("suggest_mode", "missing")).lower()
    if mode not in SUGGEST_MODES:
        raise IllegalArgument(
            f"No enum constant org.elasticsearch.search.suggest.term.TermSuggestionBuilder."
            f"SuggestMode.{mode.upper()}"
        )
    sort = str(options.get("sort", "score")).lower()
    if sort not in ("score", "frequency"):
        raise IllegalArgument(f"Illegal suggest sort {options['sort']}")
    distance = str(options.get("string_distance", "internal")).lower()
    if distance not in STRING_DISTANCES:
        raise IllegalArgument(f"Illegal distance option {options['string_distance']}")
    if distance != "internal":
        raise Unsupported(f"[string_distance] [{distance}] in the [term] suggester")
    accuracy = _float(options, "accuracy", 0.5)
    if not 0.0 <= accuracy <= 1.0:
        raise IllegalArgument("accuracy must be between 0 and 1")
    max_edits = _int(options, "max_edits", 2)
    if not 1 <= max_edits <= 2:
        raise IllegalArgument("Illegal max_edits value " + str(max_edits))
    min_word_length = _int(options, "min_word_length", 4)
    if min_word_length < 1:
        raise IllegalArgument("minWordLength must be greater or equal to 1")
    min_doc_freq = _float(options, "min_doc_freq", 0.0)
    if min_doc_freq < 0.0:
        raise IllegalArgument("minDocFreq must be positive")
    if min_doc_freq > 1.0 and min_doc_freq != int(min_doc_freq):
        raise IllegalArgument("if minDocFreq is greater than 1, it must be a whole number")
    max_term_freq = _float(options, "max_term_freq", 0.01)
    if max_term_freq < 0.0:
        raise IllegalArgument("maxTermFreq must be positive")
    if max_term_freq > 1.0 and max_term_freq != int(max_term_freq):
        raise IllegalArgument("if maxTermFreq is greater than 1, it must be a whole number")
    prefix_length = _int(options, "prefix_length", 1)
    if prefix_length < 0:
        raise IllegalArgument("prefixLength must be positive")
    max_inspections = _int(options, "max_inspections", 5)
    if max_inspections < 0:
        raise IllegalArgument("maxInspections must be positive")
    shard_size = options.get("shard_size")
    return TermSuggestion(
        name=name,
        field=str(field),
        text=text,
        analyzer=None if options.get("analyzer") is None else str(options["analyzer"]),
        size=size,
        shard_size=None if shard_size is None else _int(options, "shard_size", 0),
        suggest_mode=mode,
        accuracy=accuracy,
        sort=sort,
        max_edits=max_edits,
        max_inspections=max_inspections,
        max_term_freq=max_term_freq,
        prefix_length=prefix_length,
        min_word_length=min_word_length,
        min_doc_freq=min_doc_freq,
    )


def _int(options: dict[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    try:
        return int(value) if not isinstance(value, bool) else _fail(key)
    except (TypeError, ValueError):
        return _fail(key)


def _float(options: dict[str, Any], key: str, default: float) -> float:
    value = options.get(key, default)
    try:
        return float(value) if not isinstance(value, bool) else _fail(key)
    except (TypeError, ValueError):
        return _fail(key)


def _fail(key: str) -> Any:
    raise ParsingError(f"suggester[term] parsing failed on [{key}]")


# Running


@dataclass
class _Option:
    text: str
    score: float
    freq: int


def suggest(
    targets: list[Any], suggestions: list[TermSuggestion | CompletionSuggestion], request: Any
) -> dict[str, Any]:
    """The response's ``suggest``: each suggestion's entries, merged across the indices
    searched as Elasticsearch reduces its shards' (an option's frequencies add up, its best
    score wins), sorted and cut to ``size``."""
    out: dict[str, Any] = {}
    readers: list[Reader] = [t.reader for t in targets]
    for suggestion in suggestions:
        if isinstance(suggestion, CompletionSuggestion):
            out[suggestion.name] = run_completion(targets, suggestion, request)
            continue
        merged: list[tuple[str, int, int, dict[str, _Option]]] | None = None
        for reader in readers:
            entries = _run(reader, suggestion)
            if merged is None:
                merged = [(t, s, n, {o.text: o for o in opts}) for t, s, n, opts in entries]
                continue
            for (_, _, _, options), (_, _, _, more) in zip(merged, entries, strict=True):
                for option in more:
                    known = options.get(option.text)
                    if known is None:
                        options[option.text] = option
                    else:
                        known.freq += option.freq
                        known.score = max(known.score, option.score)
        rendered = []
        for text, offset, length, options in merged or []:
            ranked = sorted(options.values(), key=_order(suggestion.sort))[: suggestion.size]
            rendered.append(
                {
                    "text": text,
                    "offset": offset,
                    "length": length,
                    "options": [
                        {"text": o.text, "score": _java_float(o.score), "freq": o.freq}
                        for o in ranked
                    ],
                }
            )
        out[suggestion.name] = rendered
    return out


def _order(sort: str) -> Any:
    if sort == "frequency":
        return lambda o: (-o.freq, -o.score, o.text)
    return lambda o: (-o.score, -o.freq, o.text)


def _run(reader: Reader, suggestion: TermSuggestion) -> list[tuple[str, int, int, list[_Option]]]:
    field = reader.mapping.field(suggestion.field)
    if field is None:
        raise IllegalArgument(f"no mapping found for field [{suggestion.field}]")
    if not isinstance(field, TextField | KeywordField):
        raise Unsupported(f"the [term] suggester on a field of type [{field.type_name}]")
    tokens = _query_tokens(reader, field, suggestion)
    dictionary = _dictionary(reader, field)
    shard_size = suggestion.shard_size or max(suggestion.size, 5)
    max_doc = reader.searcher.num_docs
    return [
        (term, start, end - start, _similar(term, dictionary, max_doc, shard_size, suggestion))
        for term, start, end in tokens
    ]


def _query_tokens(
    reader: Reader, field: Any, suggestion: TermSuggestion
) -> list[tuple[str, int, int]]:
    if suggestion.analyzer is not None:
        analyzer = reader.registry.analyzer(suggestion.analyzer)
    elif isinstance(field, KeywordField):
        return [(field.convert(suggestion.text), 0, len(suggestion.text))]
    else:
        analyzer = field.search_analyzer
    return [(t.term, t.start, t.end) for t in analyzer.analyze(suggestion.text)]


def _similar(
    term: str, dictionary: dict[str, int], max_doc: int, shard_size: int, s: TermSuggestion
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
    elif docfreq > math.ceil(java_float(s.max_term_freq * max_doc)):
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


# The term dictionary: {term: documents holding it}, built once per reader and field.

_LOCK = threading.Lock()
_DICTIONARIES: dict[tuple[int, str], tuple[Any, dict[str, int]]] = {}
_KEEP = 8


def _dictionary(reader: Reader, field: Any) -> dict[str, int]:
    key = (id(reader.searcher), field.path)
    with _LOCK:
        cached = _DICTIONARIES.get(key)
        if cached is not None and cached[0] is reader.searcher:
            return cached[1]
    counts: dict[str, int] = {}
    for doc in iterate_documents(reader.searcher):
        parsed = reader.mapping.parse(doc.source_dict(), doc.doc_id, doc.routing)
        values = [v for f, v in parsed.values if f.path == field.path and isinstance(v, str)]
        for term in _index_terms(field, values):
            counts[term] = counts.get(term, 0) + 1
    with _LOCK:
        if len(_DICTIONARIES) >= _KEEP:
            _DICTIONARIES.pop(next(iter(_DICTIONARIES)))
        _DICTIONARIES[key] = (reader.searcher, counts)
    return counts


def _index_terms(field: Any, values: Iterable[str]) -> set[str]:
    if isinstance(field, KeywordField):
        return set(values)
    return {token.term for value in values for token in field.analyzer.analyze(value)}
