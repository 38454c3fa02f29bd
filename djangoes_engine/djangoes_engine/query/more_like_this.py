"""The ``more_like_this`` query, as Elasticsearch builds it (MoreLikeThisQueryBuilder over its
XMoreLikeThis, Lucene's MoreLikeThis): the terms of the liked texts and documents, scored
``tf * idf`` with ClassicSimilarity's idf against the index, the best ``max_query_terms`` of them
as ``should`` term queries with ``minimum_should_match``; liked documents themselves excluded.

Which terms win a tie for the last places depends on the order Java's HashMap iterates the
words and on Lucene's heap; both are reproduced (:func:`_java_order`, :class:`_TopTerms`), so the
same terms are chosen as on Elasticsearch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..decimals import java_float
from ..deprecation import deprecated
from ..errors import IllegalArgument, ParsingError, Unsupported
from ..fields import FieldType, KeywordField, TextField
from ..source import extract
from .body import boosted, check_options, minimum_should_match
from .context import MATCH_NONE, Context

_OPTIONS = {
    "fields", "like", "unlike", "max_query_terms", "min_term_freq", "min_doc_freq",
    "max_doc_freq", "min_word_length", "min_word_len", "max_word_length", "max_word_len",
    "stop_words", "analyzer", "minimum_should_match", "boost_terms", "include",
    "fail_on_unsupported_field", "boost", "_name",
}  # fmt: skip
_ITEM_KEYS = {"_index", "_id", "doc", "fields", "routing"}
_REFUSED_ITEM_KEYS = ("per_field_analyzer", "version", "version_type")
#: XMoreLikeThis stops reading a text after this many tokens.
_MAX_TOKENS_PARSED = 5000


@dataclass
class _Settings:
    max_query_terms: int = 25
    min_term_freq: int = 2
    min_doc_freq: int = 5
    max_doc_freq: int = 2**31 - 1
    min_word_length: int = 0
    max_word_length: int = 0
    stop_words: frozenset[str] = frozenset()
    boost_terms: float = 0.0
    skip: set[tuple[str, str]] = field(default_factory=set)

    def noise(self, word: str) -> bool:
        size = len(word)
        if self.min_word_length > 0 and size < self.min_word_length:
            return True
        if self.max_word_length > 0 and size > self.max_word_length:
            return True
        return word in self.stop_words


def q_more_like_this(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("mlt", body, _OPTIONS)
    like_texts, like_items = _like(body.get("like"))
    unlike_texts, unlike_items = _like(body.get("unlike"))
    if not like_texts and not like_items:
        raise ParsingError("more_like_this requires 'like' to be specified")
    settings = _settings(body)
    fields = _fields(ctx, body, bool(like_texts or unlike_texts))
    if not fields:
        return MATCH_NONE()
    names = [f.path for f in fields]
    analyzer = body.get("analyzer")
    for text in unlike_texts:
        settings.skip |= {(names[0], w) for w in _text_terms(ctx, fields[0], text, analyzer)}
    for item in unlike_items:
        for name, unliked in _item_terms(ctx, item, fields).items():
            settings.skip |= {(name, w) for w in unliked}
    spec = body.get("minimum_should_match", "30%")
    parts: list[tantivy.Query] = []
    words: dict[str, int] = {}
    if like_items:
        for item in like_items:
            for name, counts in _item_terms(ctx, item, fields).items():
                _add(words, counts, name, settings)
        parts.append(_query(ctx, fields, words, settings, spec))
    if like_texts:
        words = {}
        for text in like_texts:
            counts = _text_terms(ctx, fields[0], text, analyzer)
            _add(words, counts, names[0], settings)
        parts.append(_query(ctx, fields, words, settings, spec))
    query = parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, p) for p in parts])
    excluded = [str(i["_id"]) for i in like_items if "doc" not in i and "_id" in i]
    if excluded and not _bool(body, "include", False):
        ids = Query.term_set_query(ctx.schema, "_id", excluded)
        query = Query.boolean_query([(Occur.Should, query), (Occur.MustNot, ids)])
    return boosted(query, body)


def _like(spec: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """``like``/``unlike``: texts and items (documents by id, or artificial ``doc``)."""
    if spec is None:
        return [], []
    texts: list[str] = []
    items: list[dict[str, Any]] = []
    for value in spec if isinstance(spec, list) else [spec]:
        if isinstance(value, dict):
            for key in _REFUSED_ITEM_KEYS:
                if key in value:
                    raise Unsupported(f"[{key}] in a [more_like_this] item")
            for key in value:
                if key not in _ITEM_KEYS:
                    raise ParsingError(
                        f"failed to parse More Like This item. unknown field [{key}]"
                    )
            if "doc" not in value and "_id" not in value:
                raise IllegalArgument(
                    "More Like This item requires either id or doc to be non-null"
                )
            items.append(value)
        elif isinstance(value, str | int | float | bool):
            texts.append(str(value))
        else:
            raise IllegalArgument(
                "Content of 'like' parameter should either be a string or an object"
            )
    return texts, items


def _int(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ParsingError(f"[mlt] failed to parse field [{key}]") from None


def _bool(body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key, default)
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ParsingError(f"[mlt] failed to parse field [{key}]")


def _settings(body: dict[str, Any]) -> _Settings:
    for old, new in (("min_word_len", "min_word_length"), ("max_word_len", "max_word_length")):
        if old in body:
            deprecated(f"Deprecated field [{old}] used, expected [{new}] instead")
            body = {**body, new: body[old]}
    max_query_terms = _int(body, "max_query_terms", 25)
    if max_query_terms <= 0:
        raise IllegalArgument("requires 'maxQueryTerms' to be greater than 0")
    stop = body.get("stop_words") or []
    return _Settings(
        max_query_terms=max_query_terms,
        min_term_freq=_int(body, "min_term_freq", 2),
        min_doc_freq=_int(body, "min_doc_freq", 5),
        max_doc_freq=_int(body, "max_doc_freq", 2**31 - 1),
        min_word_length=_int(body, "min_word_length", 0),
        max_word_length=_int(body, "max_word_length", 0),
        stop_words=frozenset(str(w) for w in (stop if isinstance(stop, list) else [stop])),
        boost_terms=float(body.get("boost_terms", 0) or 0),
    )


def _fields(ctx: Context, body: dict[str, Any], has_texts: bool) -> list[FieldType]:
    """The text and keyword fields to look in (``fields``, else the default fields)."""
    names = body.get("fields")
    if names is not None:
        if not isinstance(names, list) or not names:
            raise ParsingError("more_like_this requires 'fields' to be non-empty")
        fail = _bool(body, "fail_on_unsupported_field", True)
        found: list[FieldType] = []
        for name in names:
            for field_type in ctx.mapping.fields_matching(str(name)):
                if isinstance(field_type, TextField | KeywordField):
                    found.append(field_type)
                elif fail:
                    raise IllegalArgument(
                        f"more_like_this only supports text/keyword fields: [{name}]"
                    )
        return found
    defaults = ctx.default_fields
    if defaults == ["*"] and has_texts:
        raise IllegalArgument(
            "[more_like_this] query cannot infer the field to analyze the free text, you should "
            "update the [index.query.default_field] index setting to a field that exists in the "
            "mapping or set the [fields] option in the query."
        )
    return [
        f
        for pattern in defaults
        for f in ctx.mapping.fields_matching(str(pattern))
        if isinstance(f, TextField | KeywordField) and ctx.slot(f) is not None
    ]


def _counts(words: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts


def _values_terms(
    ctx: Context, field_type: FieldType, values: list[str], analyzer: Any | None
) -> dict[str, int]:
    """Term frequencies of a field's values, as its term vector gives them (sorted)."""
    if isinstance(field_type, KeywordField) and analyzer is None:
        return dict(sorted(_counts(field_type.convert(v) for v in values).items()))
    chain = analyzer or field_type.analyzer  # type: ignore[attr-defined]
    tokens = chain.analyze_values(values)[:_MAX_TOKENS_PARSED]
    return dict(sorted(_counts(t.term for t in tokens).items()))


def _text_terms(ctx: Context, field_type: FieldType, text: str, analyzer: Any) -> dict[str, int]:
    """A like text, analysed as the first field is searched (or with ``analyzer``)."""
    if analyzer is not None:
        chain = ctx.reader.registry.analyzer(str(analyzer))
    elif isinstance(field_type, KeywordField):
        return {field_type.convert(text): 1}
    else:
        chain = field_type.search_analyzer  # type: ignore[attr-defined]
    return _counts(t.term for t in chain.analyze(text)[:_MAX_TOKENS_PARSED])


def _item_terms(
    ctx: Context, item: dict[str, Any], fields: list[FieldType]
) -> dict[str, dict[str, int]]:
    """Per field, the term frequencies of a liked document (fetched, or artificial)."""
    source = item.get("doc")
    if source is None:
        index = str(item.get("_index") or ctx.index_name)
        source = ctx.lookup(index, str(item["_id"])) if ctx.lookup is not None else None
        if source is None:  # a missing document is skipped, as Elasticsearch skips it
            return {}
    if not isinstance(source, dict):
        raise IllegalArgument("[doc] of a [more_like_this] item must be an object")
    wanted = item.get("fields")
    found: dict[str, dict[str, int]] = {}
    for field_type in fields:
        if wanted is not None and field_type.path not in wanted:
            continue
        values = [v for v in extract(source, field_type.path) if isinstance(v, str)]
        if values:
            found[field_type.path] = _values_terms(ctx, field_type, values, None)
    return found


def _add(words: dict[str, int], counts: dict[str, int], name: str, settings: _Settings) -> None:
    """XMoreLikeThis.addTermFrequencies: noise and unliked words left out, the rest summed."""
    for word, count in counts.items():
        if settings.noise(word) or (name, word) in settings.skip:
            continue
        words[word] = words.get(word, 0) + count


@dataclass(order=False)
class _ScoreTerm:
    word: str
    field: FieldType
    score: float


class _TopTerms:
    """Lucene's PriorityQueue (a binary min-heap on score), so that ties break as there."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.heap: list[_ScoreTerm | None] = [None]

    def __len__(self) -> int:
        return len(self.heap) - 1

    def offer(self, term: _ScoreTerm) -> None:
        if len(self) < self.size:
            self.heap.append(term)
            self._up(len(self))
        elif self.heap[1] is not None and self.heap[1].score < term.score:
            self.heap[1] = term
            self._down(1)

    def _up(self, i: int) -> None:
        heap = self.heap
        node = heap[i]
        assert node is not None
        j = i >> 1
        while j > 0 and node.score < heap[j].score:  # type: ignore[union-attr]
            heap[i] = heap[j]
            i, j = j, j >> 1
        heap[i] = node

    def _down(self, i: int) -> None:
        heap, size = self.heap, len(self)
        node = heap[i]
        assert node is not None
        j = i << 1
        if j + 1 <= size and heap[j + 1].score < heap[j].score:  # type: ignore[union-attr]
            j += 1
        while j <= size and heap[j].score < node.score:  # type: ignore[union-attr]
            heap[i] = heap[j]
            i, j = j, j << 1
            if j + 1 <= size and heap[j + 1].score < heap[j].score:  # type: ignore[union-attr]
                j += 1
        heap[i] = node

    def popped(self) -> list[_ScoreTerm]:
        """The terms in the order ``pop`` gives them: lowest score first."""
        terms = [t for t in self.heap[1:] if t is not None]
        order = []
        while terms:
            lowest = min(range(len(terms)), key=lambda k: terms[k].score)
            order.append(terms.pop(lowest))
        return order


def _query(
    ctx: Context,
    fields: list[FieldType],
    words: dict[str, int],
    settings: _Settings,
    spec: Any,
) -> tantivy.Query:
    """XMoreLikeThis.createQueue and createQuery, with ``minimum_should_match`` applied."""
    searcher = ctx.reader.searcher
    num_docs = searcher.num_docs
    top = _TopTerms(min(settings.max_query_terms, len(words)))
    for word in _java_order(list(words)):
        tf = words[word]
        if settings.min_term_freq > 0 and tf < settings.min_term_freq:
            continue
        best, doc_freq = fields[0], 0
        for field_type in fields:
            slot = ctx.slot(field_type)
            freq = searcher.doc_freq(slot, word) if slot is not None else 0
            if freq > doc_freq:
                best, doc_freq = field_type, freq
        if settings.min_doc_freq > 0 and doc_freq < settings.min_doc_freq:
            continue
        if doc_freq > settings.max_doc_freq or doc_freq == 0:
            continue
        idf = java_float(math.log((num_docs + 1) / (doc_freq + 1)) + 1.0)
        top.offer(_ScoreTerm(word, best, java_float(float(tf) * idf)))
    clauses: list[tuple[Occur, tantivy.Query]] = []
    lowest = -1.0
    for term in top.popped():
        slot = ctx.slot(term.field)
        assert slot is not None
        ctx.note(term.field, term.word)
        query = Query.term_query(ctx.schema, slot, term.word)
        if settings.boost_terms:
            if lowest == -1.0:  # XMoreLikeThis boosts against the first term popped
                lowest = term.score
            query = Query.boost_query(query, settings.boost_terms * term.score / lowest)
        clauses.append((Occur.Should, query))
    if not clauses:
        return MATCH_NONE()
    required = minimum_should_match(spec, len(clauses))
    return Query.boolean_query(clauses, required or None)


def _java_hash(word: str) -> int:
    """Java's String.hashCode over UTF-16 code units, as a 32-bit int."""
    units = word.encode("utf-16-le")
    h = 0
    for i in range(0, len(units), 2):
        h = (31 * h + (units[i] | units[i + 1] << 8)) & 0xFFFFFFFF
    return h


def _java_order(words: list[str]) -> list[str]:
    """The order a java.util.HashMap filled with ``words`` (in this order) iterates them:
    by bucket of the spread hash in the table it grew to, then by insertion."""
    capacity = 16
    while len(words) > capacity * 3 // 4:
        capacity *= 2
    mask = capacity - 1

    def bucket(word: str) -> int:
        h = _java_hash(word)
        return (h ^ (h >> 16)) & mask

    return sorted(words, key=bucket)  # stable: insertion order within a bucket
