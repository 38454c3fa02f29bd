"""The ``_analyze`` API: a request body's analyzer (named, a field's, or an ad-hoc chain) run
over its texts, reported with Elasticsearch's token types and UTF-16 offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import EngineError, IllegalArgument, ValidationError, XContentParseError
from .analyzer import Analyzer, Normalizer
from .registry import AnalysisRegistry
from .tokens import _CLASSIFIERS, _Tok

_ANALYZE_KEYS = frozenset(
    {
        "text",
        "analyzer",
        "tokenizer",
        "filter",
        "token_filter",
        "char_filter",
        "normalizer",
        "field",
        "explain",
        "attributes",
    }
)


def _utf16(value: str) -> Callable[[int], int]:
    """Maps code point offsets of ``value`` to Java's UTF-16 offsets, as Elasticsearch reports."""
    if value.isascii() or all(ord(c) < 0x10000 for c in value):
        return lambda offset: offset
    prefix = [0]
    for c in value:
        prefix.append(prefix[-1] + (2 if ord(c) >= 0x10000 else 1))
    return prefix.__getitem__


def analyze_api(
    registry: AnalysisRegistry,
    body: Mapping[str, Any],
    *,
    global_scope: bool = False,
    field_analyzer: Callable[[str], Analyzer | Normalizer | None] | None = None,
) -> dict[str, Any]:
    """The response body of ``_analyze`` for ``body``.

    ``global_scope`` is the index-less ``GET /_analyze`` (Elasticsearch then says "global" in
    its errors); ``field_analyzer`` resolves ``field`` to its index-time analyzer (or a
    keyword field's normalizer) through the index mapping.
    """
    for key in body:
        if key not in _ANALYZE_KEYS:
            raise XContentParseError(f"[analyze_request] unknown field [{key}]")
    texts = body.get("text")
    if isinstance(texts, str):
        texts = [texts]
    filters = list(body.get("filter") or body.get("token_filter") or [])
    char_filters = list(body.get("char_filter") or [])
    tokenizer, analyzer_name = body.get("tokenizer"), body.get("analyzer")
    normalizer_name, field = body.get("normalizer"), body.get("field")
    problems = []
    if not texts:
        problems.append("text is missing")
    if global_scope and normalizer_name is not None:
        problems.append("index is required if normalizer is specified")
    if normalizer_name is not None and (tokenizer is not None or analyzer_name is not None):
        problems.append("tokenizer/analyze should be null if normalizer is specified")
    extra = tokenizer is not None or filters or char_filters
    if analyzer_name is not None and extra:
        problems.append("cannot define extra components on a named analyzer")
    if normalizer_name is not None and extra:
        problems.append("cannot define extra components on a named normalizer")
    if field is not None and extra:
        problems.append("cannot define extra components on a field-specific analyzer")
    if problems:
        raise ValidationError(*problems)
    analyzer = _request_analyzer(registry, body, global_scope, field_analyzer)
    tokens = []
    values = [str(t) for t in texts or ()]
    for term, pos, start, end, kind, _kw in _analyze_texts(analyzer, values):
        tokens.append(
            {
                "token": term,
                "start_offset": start,
                "end_offset": end,
                "type": kind or "word",
                "position": pos,
            }
        )
        if len(tokens) > registry.max_token_count:
            raise EngineError(
                "The number of tokens produced by calling _analyze has exceeded the allowed "
                f"maximum of [{registry.max_token_count}]. This limit can be set by changing the "
                "[index.analyze.max_token_count] index level setting.",
                status=500,
                type="illegal_state_exception",
            )
    if body.get("explain") in (True, "true"):
        return {
            "detail": {
                "custom_analyzer": False,
                "analyzer": {"name": analyzer.name, "tokens": tokens},
            }
        }
    return {"tokens": tokens}


def _request_analyzer(
    registry: AnalysisRegistry,
    body: Mapping[str, Any],
    global_scope: bool,
    field_analyzer: Callable[[str], Analyzer | Normalizer | None] | None,
) -> Analyzer:
    filters = list(body.get("filter") or body.get("token_filter") or [])
    char_filters = list(body.get("char_filter") or [])
    if body.get("tokenizer") is not None:
        return registry.build_custom(
            body["tokenizer"], char_filters, filters, global_scope=global_scope
        )
    if filters or char_filters:
        return registry.build_custom(
            "keyword", char_filters, filters, normalizer=True, global_scope=global_scope
        )
    name = body.get("analyzer")
    if name is not None:
        if not registry.has_analyzer(str(name)) or (global_scope and str(name) == "default"):
            scope = "global " if global_scope else ""
            raise IllegalArgument(f"failed to find {scope}analyzer [{name}]")
        return registry.analyzer(str(name))
    if body.get("normalizer") is not None:
        return registry.normalizer(str(body["normalizer"])).analyzer
    field = body.get("field")
    if field is not None:
        if global_scope:
            raise IllegalArgument("analysis based on a specific field requires an index")
        found = field_analyzer(str(field)) if field_analyzer is not None else None
        if isinstance(found, Normalizer):
            return found.analyzer
        if found is not None:
            return found
    return registry.analyzer("standard" if global_scope else "default")


def _analyze_texts(analyzer: Analyzer, values: list[str]) -> list[_Tok]:
    """Tokens of every value, positions and (UTF-16) offsets running on as _analyze does."""
    classify = _CLASSIFIERS.get(analyzer.kind)
    out: list[_Tok] = []
    last_position, offset = -1, 0
    for index, value in enumerate(values):
        if index:
            last_position += analyzer.position_increment_gap
        base = last_position + 1
        utf16 = _utf16(value)
        for term, pos, start, end, kind, kw in analyzer._raw(value):
            if kind is None:
                kind = classify(value[start:end]) if classify else "word"
            out.append((term, base + pos, offset + utf16(start), offset + utf16(end), kind, kw))
            last_position = max(last_position, base + pos)
        offset += utf16(len(value)) + analyzer.offset_gap
    return out
