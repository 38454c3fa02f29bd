"""The search body's ``suggest``: Elasticsearch's term suggester.

Elasticsearch's term suggester asks Lucene's DirectSpellChecker, for each token of the
suggestion's text (analysed with the field's search analyzer), which terms of the field's term
dictionary lie within ``max_edits`` Damerau-Levenshtein edits (the first ``prefix_length``
characters equal), scores each ``1 - edits / min(len(token), len(term))`` and keeps those of
at least ``accuracy``. The engine has no term dictionary to walk, so it builds one per field
from the documents' sources, analysed as indexing analyses them, once per refreshed reader
(:mod:`.spellcheck`). Django libraries send it with every search (django-haystack's
Elasticsearch backends, with spelling suggestions on). The completion suggester runs in
:mod:`.completion`, the phrase suggester in :mod:`.phrase`; a ``string_distance`` other than
``internal`` is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import IllegalArgument, ParsingError, Unsupported, XContentParseError
from ..fields import KeywordField, TextField
from ..index import Reader
from .completion import CompletionSuggestion, parse_completion, run_completion
from .phrase import PhraseSuggestion, parse_phrase, run_phrase
from .spellcheck import _dictionary, _java_float, _Option, _order, _similar, whole

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


def parse(body: Any) -> list[TermSuggestion | CompletionSuggestion | PhraseSuggestion]:
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
) -> TermSuggestion | CompletionSuggestion | PhraseSuggestion:
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
    if kind == "completion":
        return parse_completion(name, options, text, prefix, regex, global_text)
    if kind not in ("term", "phrase"):
        raise XContentParseError(f"unknown field [{kind}]")
    # populateCommonFields: the text falls back on the prefix, then the regex, then the global.
    chosen = next((t for t in (text, prefix, regex, global_text) if t is not None), None)
    if chosen is None:
        raise IllegalArgument("The required text option is missing")
    if kind == "phrase":
        return parse_phrase(name, str(chosen), options)
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
    if min_doc_freq > 1.0 and not whole(min_doc_freq):
        raise IllegalArgument("if minDocFreq is greater than 1, it must be a whole number")
    max_term_freq = _float(options, "max_term_freq", 0.01)
    if max_term_freq < 0.0:
        raise IllegalArgument("maxTermFreq must be positive")
    if max_term_freq > 1.0 and not whole(max_term_freq):
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


def suggest(
    targets: list[Any],
    suggestions: list[TermSuggestion | CompletionSuggestion | PhraseSuggestion],
    request: Any,
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
        if isinstance(suggestion, PhraseSuggestion):
            out[suggestion.name] = run_phrase(targets, suggestion)
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
