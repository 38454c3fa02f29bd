"""Highlighting: the query's terms wrapped in tags, in fragments of the field's text.

This is Elasticsearch's *plain* highlighter: the field's values are analysed again with the
field's analyzer, tokens equal to a term the query searched (or starting with a prefix it
searched) are wrapped in ``pre_tags``/``post_tags``, and the text is cut into fragments of about
``fragment_size`` characters, keeping those with matches.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import jsoncodec
from .deprecation import deprecated
from .errors import EngineError, IllegalArgument, SearchPhaseError, Unsupported, XContentParseError
from .fields import TextField
from .index import Index
from .source import extract

if TYPE_CHECKING:  # the query layer, above, imports this module's notes
    from .query import Context

DEFAULTS = {
    "pre_tags": ["<em>"],
    "post_tags": ["</em>"],
    "fragment_size": 100,
    "number_of_fragments": 5,
    "require_field_match": True,
    "no_match_size": 0,
    "order": "none",
}
TAG_SCHEMA = {"styled": ['<em class="hlt">'], "default": ["<em>"]}

#: How the query notes terms it matched by pattern (wildcard, regexp) or by edit distance (fuzzy),
#: next to plain terms and ``prefix*``.
REGEX_NOTE = "\x00re:"
FUZZY_NOTE = "\x00fuzzy:"
PHRASE_NOTE = "\x00phrase:"


def highlight(
    ctx: Context | None, index: Index, source: dict[str, Any], spec: dict[str, Any], doc: int = 0
) -> dict[str, list[str]]:
    """The ``highlight`` of one hit (``doc``: its document number, which errors name)."""
    if ctx is None or source is None:
        return {}
    fields = validate(spec)
    result = {}
    for pattern, options in fields.items():
        settings = {
            **DEFAULTS,
            **{k: v for k, v in spec.items() if k != "fields"},
            **(options or {}),
        }
        if settings.get("tags_schema") in TAG_SCHEMA:
            settings["pre_tags"] = TAG_SCHEMA[settings["tags_schema"]]
        for field in index.mapping.fields_matching(pattern):
            if not field.is_text_like:
                continue
            terms = _terms(ctx, field, settings["require_field_match"])
            fragments = _field_fragments(field, source, terms, settings, (index, doc))
            if fragments:
                result[field.path] = fragments
    return result


#: What Elasticsearch's HighlightBuilder reads, for the whole request and for one field.
_COMMON = {
    "pre_tags", "post_tags", "fragment_size", "number_of_fragments", "type", "boundary_scanner",
    "boundary_chars", "boundary_max_scan", "boundary_scanner_locale", "encoder", "fragmenter",
    "no_match_size", "force_source", "phrase_limit", "require_field_match", "highlight_query",
    "order", "options", "max_analyzed_offset",
}  # fmt: skip
_TOP = _COMMON | {"fields", "tags_schema"}
_FIELD = _COMMON | {"matched_fields", "fragment_offset"}
#: Elasticsearch's warning for ``force_source`` (a ParseField deprecated entirely).
FORCE_SOURCE_UNUSED = (
    "Deprecated field [force_source] used, this field is unused and will be removed entirely"
)
#: Options that change what is highlighted, which this highlighter does not apply.
_NOT_APPLIED = ("highlight_query", "matched_fields", "options")


def validate(spec: dict[str, Any]) -> dict[str, Any]:
    """A request's ``highlight``, checked: its fields by name, or Elasticsearch's error for a
    key it does not know, or a 400 for an option this highlighter does not apply."""
    fields = spec.get("fields")
    if isinstance(fields, list):
        fields = {name: opts for entry in fields for name, opts in entry.items()}
    if not isinstance(fields, dict):
        raise IllegalArgument("[highlight] requires [fields]")
    parts = [("highlight", spec, _TOP)]
    parts += [("highlight_field", opts, _FIELD) for opts in fields.values() if opts]
    for where, part, known in parts:
        for key in part:
            if key not in known:
                raise XContentParseError(f"[{where}] unknown field [{key}]")
            if key in _NOT_APPLIED:
                raise Unsupported(f"[{key}] in a highlight")
            if key == "force_source":  # read and ignored by Elasticsearch 8+ too
                deprecated(FORCE_SOURCE_UNUSED)
        if str(part.get("encoder", "default")) != "default":
            raise Unsupported("a highlight [encoder] other than default")
    return fields


def _terms(ctx: Any, field: Any, require_field_match: bool) -> set[str]:
    if require_field_match:
        return set(ctx.highlight.get(field.path, ()))
    return {t for terms in ctx.highlight.values() for t in terms}


def _values(field: Any, source: dict[str, Any]) -> list[str]:
    values = extract(source, field.path)
    if not values and "." in field.path:
        values = extract(source, field.path.rpartition(".")[0])
    return [v if isinstance(v, str) else str(v) for v in values if not isinstance(v, dict)]


def _field_fragments(
    field: Any,
    source: dict[str, Any],
    terms: set[str],
    settings: dict[str, Any],
    hit: tuple[Index, int],
) -> list[str]:
    values = _values(field, source)
    fragments: list[tuple[int, int, str]] = []
    matcher = _Matcher(terms)
    plain = settings.get("type") == "plain"
    limit = _analyzed_limit(field, values, settings, plain, hit)
    base = 0  # where a value starts in the text analysed (values joined, but for plain)
    for order, value in enumerate(values):
        spans = _matches(field, value, matcher)
        if limit is not None:
            spans = [span for span in spans if base + span[1] <= limit]
        if spans:
            fragments.extend(
                (order, score, text) for score, text in _fragments(value, spans, settings)
            )
        if not plain:
            base += _utf16_length(value) + 1
    if not fragments:
        size = int(settings.get("no_match_size") or 0)
        if size and values:
            return [values[0][:size]]
        return []
    if settings.get("order") == "score":
        fragments.sort(key=lambda f: -f[1])
    count = int(settings["number_of_fragments"])
    texts = [text for _, _, text in fragments]
    return texts if count == 0 else texts[:count]


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _analyzed_limit(
    field: Any, values: list[str], settings: dict[str, Any], plain: bool, hit: tuple[Index, int]
) -> int | None:
    """Where analysis stops: the request's ``max_analyzed_offset`` when it is within the index's
    ``index.highlight.max_analyzed_offset``; a longer text than the index allows is an error,
    as in Elasticsearch, unless the field indexes offsets (the unified highlighter's way)."""
    index, doc = hit
    limit = index.settings.int("index.highlight.max_analyzed_offset")
    asked = settings.get("max_analyzed_offset")
    asked = None if asked is None or int(asked) == -1 else int(asked)
    if asked is not None and asked <= limit:
        return asked
    lengths = [_utf16_length(value) for value in values] or [0]
    length = max(lengths) if plain else sum(lengths) + len(lengths) - 1
    definition = getattr(field, "definition", {})
    offsets = definition.get("index_options") == "offsets" or "offsets" in str(
        definition.get("term_vector", "")
    )
    if length > limit and (plain or not offsets):
        raise SearchPhaseError(
            IllegalArgument(
                f"The length [{length}] of field [{field.path}] in doc[{doc}]/index[{index.name}] "
                f"exceeds the [index.highlight.max_analyzed_offset] limit [{limit}]. To avoid this "
                "error, set the query parameter [max_analyzed_offset] to a value less than index "
                f"setting [{limit}] and this will tolerate long field values by truncating them."
            ),
            index.name,
        )
    return None


class _Matcher:
    """Whether an indexed term is one the query matched: exactly, by prefix, pattern or fuzzily."""

    def __init__(self, terms: set[str]) -> None:
        self.exact: set[str] = set()
        prefixes: list[str] = []
        self.patterns: list[re.Pattern] = []
        self.fuzzy: list[tuple[int, bool, int, str]] = []
        #: (slop, whether the last word is a prefix, [(relative position, term), ...])
        self.phrases: list[tuple[int, bool, list[tuple[int, str]]]] = []
        for term in terms:
            if term.startswith(PHRASE_NOTE):
                slop, prefix, words = jsoncodec.loads(term[len(PHRASE_NOTE) :])
                self.phrases.append((slop, prefix, [(int(o), str(w)) for o, w in words]))
            elif term.startswith(REGEX_NOTE):
                try:
                    self.patterns.append(re.compile(term[len(REGEX_NOTE) :], re.DOTALL))
                except re.error:
                    continue
            elif term.startswith(FUZZY_NOTE):
                distance, transpositions, prefix, word = term[len(FUZZY_NOTE) :].split(":", 3)
                self.fuzzy.append((int(distance), transpositions == "1", int(prefix), word))
            elif term.endswith("*"):
                prefixes.append(term[:-1])
            else:
                self.exact.add(term)
        self.prefixes = tuple(prefixes)

    def __call__(self, term: str) -> bool:
        return (
            term in self.exact
            or bool(self.prefixes and term.startswith(self.prefixes))
            or any(p.fullmatch(term) for p in self.patterns)
            or any(
                term.startswith(word[:prefix]) and _within(term, word, distance, t)
                for distance, t, prefix, word in self.fuzzy
            )
        )


def _phrase_spans(
    tokens: list[Any], slop: int, prefix: bool, words: list[tuple[int, str]]
) -> set[tuple[int, int]]:
    """The tokens of a text that make up occurrences of a phrase, as the plain highlighter marks
    phrases: only where they match, not each word wherever it is.

    As Lucene's sloppy phrases: each word ``i`` found at position ``p_i`` (each at a different
    position), the spread of ``p_i - offset_i`` over the words is at most the slop.
    """
    at: dict[int, list[Any]] = {}
    for token in tokens:
        at.setdefault(token.position, []).append(token)
    last = len(words) - 1

    def fits(token: Any, number: int) -> bool:
        word = words[number][1]
        return token.term.startswith(word) if prefix and number == last else token.term == word

    def extend(number: int, low: int, high: int, chosen: list[Any]) -> list[Any] | None:
        if number == len(words):
            return chosen
        offset = words[number][0]
        for position in range(high - slop + offset, low + slop + offset + 1):
            for token in at.get(position, ()):
                if fits(token, number) and all(t.position != position for t in chosen):
                    shift = position - offset
                    found = extend(number + 1, min(low, shift), max(high, shift), [*chosen, token])
                    if found is not None:
                        return found
        return None

    spans: set[tuple[int, int]] = set()
    for token in tokens:
        if fits(token, 0):
            shift = token.position - words[0][0]
            found = extend(1, shift, shift, [token])
            if found is not None:
                spans.update((t.start, t.end) for t in found)
    return spans


def _within(term: str, word: str, distance: int, transpositions: bool) -> bool:
    """Whether two terms are at most ``distance`` edits apart (Damerau-Levenshtein, as Lucene's
    fuzzy queries count them when ``transpositions`` is on)."""
    if abs(len(term) - len(word)) > distance:
        return False
    previous2: list[int] = []
    previous = list(range(len(word) + 1))
    for i, a in enumerate(term, 1):
        row = [i]
        for j, b in enumerate(word, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a != b))
            if transpositions and i > 1 and j > 1 and a == word[j - 2] and term[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        if min(row) > distance:
            return False
        previous2, previous = previous, row
    return previous[-1] <= distance


def _matches(field: Any, value: str, matcher: _Matcher) -> list[tuple[int, int]]:
    if isinstance(field, TextField):
        tokens = field.analyzer.analyze(value)
        spans = {(t.start, t.end) for t in tokens if matcher(t.term)}
        for phrase in matcher.phrases:
            spans.update(_phrase_spans(tokens, *phrase))
        return sorted(spans)
    try:
        normalized = field.convert(value) if hasattr(field, "convert") else value
    except EngineError:
        return []
    if isinstance(normalized, str) and matcher(normalized):
        return [(0, len(value))]
    return []


def _fragments(
    value: str, spans: list[tuple[int, int]], settings: dict[str, Any]
) -> list[tuple[int, str]]:
    pre, post = settings["pre_tags"], settings["post_tags"]
    size = int(settings["fragment_size"])
    if int(settings["number_of_fragments"]) == 0 or len(value) <= size:
        return [(len(spans), _tag(value, 0, len(value), spans, pre, post))]
    windows: list[list[tuple[int, int]]] = []
    for span in spans:
        if windows and span[1] - windows[-1][0][0] <= size:
            windows[-1].append(span)
        else:
            windows.append([span])
    fragments = []
    for window in windows:
        start = max(0, min(window[0][0], window[-1][1] - size))
        start = _word_start(value, start)
        end = min(len(value), start + size)
        end = _word_end(value, max(end, window[-1][1]))
        fragments.append((len(window), _tag(value, start, end, window, pre, post)))
    return fragments


def _word_start(text: str, position: int) -> int:
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def _tag(
    value: str, start: int, end: int, spans: list[tuple[int, int]], pre: list[str], post: list[str]
) -> str:
    out = []
    cursor = start
    for number, (left, right) in enumerate(s for s in spans if start <= s[0] and s[1] <= end):
        out.append(value[cursor:left])
        out.append(pre[number % len(pre)] + value[left:right] + post[number % len(post)])
        cursor = right
    out.append(value[cursor:end])
    return "".join(out).strip()
