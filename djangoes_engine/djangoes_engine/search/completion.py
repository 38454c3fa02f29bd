"""The completion suggester: the documents whose ``completion`` inputs start with a prefix.

Lucene's completion postings hold, per input, the analysed form: the index analyzer's tokens
concatenated (ConcatenateGraphFilter), separated by the SEP label 0x1F when
``preserve_separators`` is on, with one more SEP per position a stop filter left empty when
``preserve_position_increments`` is on. A prefix query analyses its text with the field's
search analyzer the same way and finds the forms that start with it, scoring each match by
its weight; a fuzzy query accepts a form whose prefix lies within ``fuzziness`` edits of the
query's (the first ``prefix_length`` labels equal; bytes of UTF-8 unless ``unicode_aware``)
and scores ``weight * n`` where ``n`` counts the labels the shortest accepted prefix shares
with the query's (CompletionScorer: the weight alone when ``n`` is 0, ``n`` when the weight is
0). A document is suggested once, by its best input (ties: the smaller analysed form, the
order of Lucene's FST), and the options are ordered by score, then analysed form, as one shard
returns them; options from several indices merge as Elasticsearch reduces shards (score, then
text). The engine keeps no completion postings: it builds them per field from the documents'
sources once per refreshed reader.

Category contexts: an input is indexed once per context (``type id + value``), and a query
with ``contexts`` matches the paths whose context equals one of its contexts (or starts with
it, ``prefix``); the boost is that of the longest query context the path's context starts
with, added to the fuzzy boost (Lucene's ContextQuery). The option lists, per context name,
the contexts of the document that matched. Geo contexts and the ``regex`` option are refused
by name.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from .. import jsoncodec
from ..errors import IllegalArgument, Unsupported, XContentParseError
from ..fields import CompletionField, context_text
from ..index import iterate_documents
from ..query import fuzziness as parse_fuzziness
from ..source import SourceFilter

#: ConcatenateGraphFilter.SEP_LABEL.
SEP = "\x1f"
#: What a ``completion`` suggestion takes (CompletionSuggestionBuilder's parser).
COMPLETION_KEYS = frozenset(
    {"field", "analyzer", "size", "shard_size", "skip_duplicates", "fuzzy", "regex", "contexts"}
)
FUZZY_KEYS = frozenset(
    {
        "fuzziness",
        "transpositions",
        "min_length",
        "prefix_length",
        "unicode_aware",
        "max_determinized_states",
    }
)
#: Paths through a token graph kept per input (stacked tokens multiply them).
MAX_EXPANSIONS = 256


@dataclass(frozen=True)
class Fuzzy:
    """FuzzyOptions, with its defaults."""

    fuzziness: Any = "AUTO"
    transpositions: bool = True
    min_length: int = 3
    prefix_length: int = 1
    unicode_aware: bool = False


@dataclass(frozen=True)
class CompletionSuggestion:
    """One named ``completion`` suggestion."""

    name: str
    field: str
    text: str
    prefix: str
    size: int = 5
    skip_duplicates: bool = False
    fuzzy: Fuzzy | None = None
    analyzer: str | None = None
    #: Query contexts by name: ``(context, boost, prefix)`` each; None when not given.
    contexts: dict[str, list[tuple[str, int, bool]]] | None = None


def parse_completion(
    name: str, options: dict[str, Any], text: Any, prefix: Any, regex: Any, global_text: Any
) -> CompletionSuggestion:
    """A ``completion`` suggestion's options (CompletionSuggestionBuilder.fromXContent)."""
    for key in options:
        if key not in COMPLETION_KEYS:
            raise XContentParseError(f"[completion] unknown field [{key}]")
    if regex is not None or options.get("regex") is not None:
        raise Unsupported("the [regex] option of the [completion] suggester")
    field = options.get("field")
    if field is None:
        raise IllegalArgument("suggestion requires [field] to be set")
    size = _int(options, "size", 5)
    if size <= 0:
        raise IllegalArgument("size must be positive")
    skip = options.get("skip_duplicates", False)
    if not isinstance(skip, bool):
        if skip not in ("true", "false"):
            raise XContentParseError("[completion] failed to parse field [skip_duplicates]")
        skip = skip == "true"
    if text is None:
        text = prefix if prefix is not None else global_text
    if prefix is None:
        prefix = text
    if prefix is None:
        raise IllegalArgument("'prefix/text' or 'regex' must be defined")
    return CompletionSuggestion(
        name=name,
        field=str(field),
        text=str(text),
        prefix=str(prefix),
        size=size,
        skip_duplicates=skip,
        fuzzy=_fuzzy(options.get("fuzzy")),
        analyzer=None if options.get("analyzer") is None else str(options["analyzer"]),
        contexts=_query_contexts(options.get("contexts")),
    )


def _query_contexts(spec: Any) -> dict[str, list[tuple[str, int, bool]]] | None:
    """The ``contexts`` of a completion suggestion (CategoryQueryContext.fromXContent)."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise XContentParseError("[completion] contexts must be an object")
    contexts: dict[str, list[tuple[str, int, bool]]] = {}
    for name, items in spec.items():
        parsed = []
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict):
                parsed.append(_category(item))
            elif isinstance(item, str | int | float):
                parsed.append((context_text(item), 1, False))
            else:
                raise XContentParseError(
                    "category context must be an object, string, number or boolean"
                )
        contexts[name] = parsed
    return contexts


def _category(item: dict[str, Any]) -> tuple[str, int, bool]:
    for key in item:
        if key not in ("context", "boost", "prefix"):
            raise XContentParseError("category context must be a string, number or boolean")
    value = item.get("context")
    if value is None or isinstance(value, dict | list):
        raise XContentParseError("category context must be a string, number or boolean")
    boost = item.get("boost", 1)
    if isinstance(boost, bool) or not isinstance(boost, int | str):
        raise XContentParseError("category context must be a string, number or boolean")
    try:
        boost = int(boost)
    except ValueError:
        raise XContentParseError("category context must be a string, number or boolean") from None
    if boost <= 0:
        raise IllegalArgument("boost must be greater than 0")
    prefix = item.get("prefix", False)
    if not isinstance(prefix, bool):
        if prefix not in ("true", "false"):
            raise XContentParseError("category context must be a string, number or boolean")
        prefix = prefix == "true"
    return context_text(value), boost, prefix


def _fuzzy(value: Any) -> Fuzzy | None:
    if value is None or value is False:
        return None
    if value is True:
        return Fuzzy()
    if not isinstance(value, dict):
        raise XContentParseError("[completion] failed to parse field [fuzzy]")
    for key in value:
        if key not in FUZZY_KEYS:
            raise XContentParseError(f"[fuzzy] unknown field [{key}]")
    spec = value.get("fuzziness", "AUTO")
    parse_fuzziness(spec, "")  # refuses a malformed fuzziness before running
    min_length = _int(value, "min_length", 3)
    prefix_length = _int(value, "prefix_length", 1)
    if min_length < 0:
        raise IllegalArgument("min_length must not be negative")
    if prefix_length < 0:
        raise IllegalArgument("prefix_length must not be negative")
    return Fuzzy(
        fuzziness=spec,
        transpositions=_bool(value, "transpositions", True),
        min_length=min_length,
        prefix_length=prefix_length,
        unicode_aware=_bool(value, "unicode_aware", False),
    )


def _int(options: dict[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    if isinstance(value, bool):
        raise XContentParseError(f"[completion] failed to parse field [{key}]")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise XContentParseError(f"[completion] failed to parse field [{key}]") from None


def _bool(options: dict[str, Any], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise XContentParseError(f"[fuzzy] failed to parse field [{key}]")


# Running


@dataclass
class _Option:
    text: str
    form: tuple[int, str, str]  # (type id, context, analysed form): the FST's order
    score: float
    index_name: str
    position: int  # the index's position in the search
    order: int  # the document's order in its index
    doc_id: str
    routing: str | None
    source: bytes
    mapping: Any  # the index's: its _source settings apply to the option's
    contexts: dict[str, list[str]] = field(default_factory=dict)


def run_completion(targets: list[Any], s: CompletionSuggestion, request: Any) -> list[Any]:
    """The suggestion's one entry, with its options rendered as Elasticsearch renders them."""
    per_index = []
    for position, target in enumerate(targets):
        field = target.reader.mapping.field(s.field)
        if not isinstance(field, CompletionField):
            raise IllegalArgument(f"Field [{s.field}] is not a completion suggest field")
        if s.analyzer is not None:
            target.reader.registry.analyzer(s.analyzer)  # it must exist; Lucene's query ignores it
        per_index.append(_suggest_one(target, position, field, s))
    if len(per_index) == 1:
        merged = per_index[0]
    else:
        merged = list(
            heapq.merge(*per_index, key=lambda o: (-o.score, o.text, o.position, o.order))
        )
    options: list[_Option] = []
    seen: set[str] = set()
    for option in merged:
        if s.skip_duplicates:
            if option.text in seen:
                continue
            seen.add(option.text)
        options.append(option)
        if len(options) >= s.size:
            break
    length = len(s.text.encode("utf-16-le")) // 2
    return [
        {
            "text": s.text,
            "offset": 0,
            "length": length,
            "options": [_render(o, request) for o in options],
        }
    ]


def _render(option: _Option, request: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": option.text,
        "_index": option.index_name,
        "_id": option.doc_id,
        "_score": float(option.score),
    }
    if option.routing is not None:
        body["_routing"] = option.routing
    mapping = option.mapping
    if request.source is not False and mapping.source_enabled:
        source = jsoncodec.loads(option.source)
        if mapping.source_includes or mapping.source_excludes:
            source = SourceFilter(mapping.source_includes, mapping.source_excludes).apply(source)
        if isinstance(request.source, SourceFilter):
            source = request.source.apply(source)
        body["_source"] = source
    if option.contexts:
        body["contexts"] = option.contexts
    return body


def _suggest_one(
    target: Any, position: int, field: CompletionField, s: CompletionSuggestion
) -> list[_Option]:
    queries = _forms(field.search_analyzer, field, s.prefix)
    wanted = _wanted_contexts(field, s)
    best: list[_Option] = []
    seen: set[str] = set()
    for order, entry in enumerate(_postings(target.reader, field)):
        doc_id, routing, source, inputs = entry
        found: tuple[float, tuple[int, str, str], str] | None = None
        matched: set[tuple[int, str]] = set()
        for text, weight, forms, contexts in inputs:
            paths = [(c, _context_boost(c, wanted)) for c in contexts] if wanted else [None]
            for form in forms:
                inner = _inner_boost(form, queries, s)
                if inner is None:
                    continue
                for path in paths:
                    if path is None:
                        boost, key = inner, (0, "", form)
                    else:
                        (type_id, value), context_boost = path
                        if context_boost is None:
                            continue
                        boost, key = context_boost + inner, (type_id, value, form)
                        matched.add((type_id, value))
                    score = _combine(weight, boost)
                    if found is None or (-score, key) < (-found[0], found[1]):
                        found = (score, key, text)
        if found is None:
            continue
        score, key, text = found
        name = target.index.name
        option = _Option(
            text, key, score, name, position, order, doc_id, routing, source, target.reader.mapping
        )
        for type_id, value in sorted(matched):
            option.contexts.setdefault(field.contexts[type_id][0], []).append(value)
        best.append(option)
    best.sort(key=lambda o: (-o.score, o.form, o.order))
    if not s.skip_duplicates:
        return best
    kept = []
    for option in best:
        if option.text not in seen:
            seen.add(option.text)
            kept.append(option)
    return kept


def _wanted_contexts(
    field: CompletionField, s: CompletionSuggestion
) -> dict[tuple[int, str], tuple[int, bool]]:
    """The query's contexts as ``(type id, value) -> (boost, exact)`` (ContextMappings)."""
    if not field.contexts:
        if s.contexts is not None:
            raise IllegalArgument(f"suggester [{field.path}] doesn't expect any context")
        return {}
    names = [n for n, _ in field.contexts]
    wanted: dict[tuple[int, str], tuple[int, bool]] = {}
    for name, items in (s.contexts or {}).items():
        if name not in names:
            raise IllegalArgument(
                f"Unknown context name [{name}], must be one of [{', '.join(sorted(names))}]"
            )
        for value, boost, prefix in items:
            wanted[(names.index(name), value)] = (boost, not prefix)
    if not wanted:
        raise IllegalArgument("Missing mandatory contexts in context query")
    return wanted


def _context_boost(
    context: tuple[int, str], wanted: dict[tuple[int, str], tuple[int, bool]]
) -> int | None:
    """The boost of a path's context, or None when no query context matches it: the
    automaton accepts an equal context or one starting with a prefix context, and the boost is
    the longest query context the path's context starts with (ContextCompletionWeight)."""
    type_id, value = context
    accepted = any(
        t == type_id and (value == v if exact else value.startswith(v))
        for (t, v), (_, exact) in wanted.items()
    )
    if not accepted:
        return None
    for length in sorted({len(v) for t, v in wanted if t == type_id}, reverse=True):
        found = wanted.get((type_id, value[:length])) if length <= len(value) else None
        if found is not None:
            return found[0]
    return 0


def _inner_boost(form: str, queries: list[str], s: CompletionSuggestion) -> int | None:
    """The prefix (0) or fuzzy query's boost for an analysed form, None when it does not match."""
    if s.fuzzy is None:
        return 0 if any(form.startswith(q) for q in queries) else None
    return _fuzzy_boost(form, queries, s.fuzzy, s.prefix)


def _combine(weight: int, boost: int) -> float:
    """CompletionScorer.score: the weight times the boost, either alone when the other is 0."""
    if boost == 0:
        return float(weight)
    if weight == 0:
        return float(boost)
    return float(weight * boost)


def _fuzzy_boost(form: str, queries: list[str], fuzzy: Fuzzy, text: str) -> int | None:
    """FuzzyCompletionWeight's boost for an input, or None when it does not match: the labels
    the shortest accepted prefix of ``form`` shares with the best query form."""
    edits = min(2, parse_fuzziness(fuzzy.fuzziness, text))
    labels: Any = form if fuzzy.unicode_aware else form.encode()
    refs: list[Any] = [q if fuzzy.unicode_aware else q.encode() for q in queries]
    shortest: int | None = None
    for ref in refs:
        accepted = _accepting_length(labels, ref, edits, fuzzy)
        if accepted is not None and (shortest is None or accepted < shortest):
            shortest = accepted
    if shortest is None:
        return None
    path = labels[:shortest]
    return max(_common_prefix(path, ref) for ref in refs)


def _accepting_length(labels: Any, ref: Any, edits: int, fuzzy: Fuzzy) -> int | None:
    """The length of the shortest prefix of ``labels`` the query automaton of ``ref`` accepts."""
    if len(ref) <= fuzzy.prefix_length or len(ref) < fuzzy.min_length or edits == 0:
        return len(ref) if labels[: len(ref)] == ref else None
    head = fuzzy.prefix_length
    if labels[:head] != ref[:head]:
        return None
    tail = ref[head:]
    for length in range(max(head, len(ref) - edits), min(len(labels), len(ref) + edits) + 1):
        if _distance(labels[head:length], tail, edits, fuzzy.transpositions) <= edits:
            return length
    return None


def _common_prefix(a: Any, b: Any) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _distance(a: Any, b: Any, bound: int, transpositions: bool) -> int:
    """Levenshtein distance (optimal string alignment with ``transpositions``), or
    ``bound + 1`` once it must exceed ``bound``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if transpositions and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > bound:
            return bound + 1
        previous2, previous = previous, row
    return previous[len(b)]


def _forms(analyzer: Any, field: CompletionField, text: str) -> list[str]:
    """The analysed forms of a text: its tokens concatenated as ConcatenateGraphFilter does."""
    positions: dict[int, list[str]] = {}
    for token in analyzer.analyze(text):
        positions.setdefault(token.position, []).append(token.term)
    if not positions:
        return [""]
    sep = SEP if field.preserve_separators else ""
    pieces: list[list[str]] = []
    previous = -1
    for position in sorted(positions):
        gap = position - previous if field.preserve_position_increments else 1
        if previous < 0:
            gap -= 1  # the first token: one SEP per position left empty before it
        pieces.append([sep * gap + term for term in dict.fromkeys(positions[position])])
        previous = position
    return ["".join(path) for path in itertools.islice(itertools.product(*pieces), MAX_EXPANSIONS)]


# The completion postings: per document, its inputs with their weight and analysed forms,
# built once per reader and field.

_Input = tuple[str, int, list[str], set[tuple[int, str]]]
_Posting = tuple[str, str | None, bytes, list[_Input]]
_LOCK = threading.Lock()
_POSTINGS: dict[tuple[int, str], tuple[Any, list[_Posting]]] = {}
_KEEP = 8


def _postings(reader: Any, field: CompletionField) -> list[_Posting]:
    key = (id(reader.searcher), field.path)
    with _LOCK:
        cached = _POSTINGS.get(key)
        if cached is not None and cached[0] is reader.searcher:
            return cached[1]
    postings: list[_Posting] = []
    for doc in iterate_documents(reader.searcher):
        parsed = reader.mapping.parse(doc.source_dict(), doc.doc_id)
        # An input given twice keeps its highest weight; with different contexts, each is kept
        # (Elasticsearch 8.18's duplicate suggestions across contexts).
        weights: dict[tuple[str, Any], tuple[int, dict[str, tuple[str, ...]]]] = {}
        for mapped, value in parsed.values:
            if mapped.path != field.path:
                continue
            inputs, weight, contexts = value
            shape = tuple(sorted((k, tuple(sorted(v))) for k, v in contexts.items()))
            for text in inputs:
                known = weights.get((text, shape))
                if known is None or known[0] < weight:
                    weights[(text, shape)] = (weight, contexts)
        entries: list[_Input] = []
        for (text, _), (weight, contexts) in weights.items():
            if not text.strip():
                continue
            typed = field.typed_contexts(contexts, parsed.values) if field.contexts else set()
            text = _truncate(text, field.max_input_length)
            entries.append((text, weight, _forms(field.analyzer, field, text), typed))
        if entries:
            postings.append((doc.doc_id, doc.routing, doc.source, entries))
    postings.sort(key=lambda p: p[0])
    with _LOCK:
        if len(_POSTINGS) >= _KEEP:
            _POSTINGS.pop(next(iter(_POSTINGS)))
        _POSTINGS[key] = (reader.searcher, postings)
    return postings


def _truncate(text: str, limit: int) -> str:
    """The first ``limit`` UTF-16 units, a surrogate pair kept whole (as Java's substring)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units >= limit:
            return text[: index + 1]
    return text
