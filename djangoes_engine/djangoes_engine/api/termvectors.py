"""The term vectors API: a document's text fields analysed, term by term.

The engine does not store term vectors: they are computed from ``_source`` with each field's
analyzer, which gives the terms, frequencies, positions and offsets Elasticsearch stores. Term
statistics (``doc_freq``) come from the index; sums the engine does not keep are -1, as
Elasticsearch reports statistics it does not have.
"""

from __future__ import annotations

import time
from typing import Any

from ..cluster import Cluster
from ..fields import KeywordField, TextField
from ..http import Request
from ..index import Index
from ..source import extract
from .arguments import boolean, object_body
from .documents import _read, single_index

OPTIONS = (
    "fields",
    "field_statistics",
    "term_statistics",
    "offsets",
    "positions",
    "payloads",
    "per_field_analyzer",
    "doc",
    "filter",
    "routing",
    "version",
    "version_type",
)


def termvectors(engine: Cluster, request: Request, index: str, id: str | None = None):
    started = time.perf_counter()
    body = object_body(request.body)
    params = request.params
    options = {key: body.get(key, params.get(key)) for key in OPTIONS}
    if id is not None:
        target, doc = _read(engine, params, index, id)
        if doc is None:
            return 200, {
                "_index": target.name,
                "_id": id,
                "_version": 0,
                "found": False,
                "took": _took(started),
            }
        source, version = doc.source_dict(), doc.version
    else:
        target = single_index(engine, index)
        source, version = options["doc"] or {}, 0
    vectors = _vectors(target, source, options)
    body = {"_index": target.name, "found": True, "took": _took(started)}
    if id is not None:
        body.update({"_id": id, "_version": version})
    body["term_vectors"] = vectors
    return 200, body


def _took(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return boolean({"v": value}, "v", default)


def _vectors(index: Index, source: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    names = options["fields"]
    if isinstance(names, str):
        names = names.split(",")
    fields = []
    for pattern in names or ["*"]:
        fields += [
            f
            for f in index.mapping.fields_matching(pattern)
            if isinstance(f, TextField | KeywordField)
        ]
    analyzers = options["per_field_analyzer"] or {}
    reader = index.reader
    vectors = {}
    for field in fields:
        values = [v for v in extract(source, field.path) if isinstance(v, str)]
        if not values:
            continue
        analyzer = analyzers.get(field.path)
        terms = _terms(field, values, index.registry.analyzer(analyzer) if analyzer else None)
        entry: dict[str, Any] = {}
        if _flag(options["field_statistics"], True):
            entry["field_statistics"] = {
                "sum_doc_freq": -1,
                "doc_count": _docs_with(reader, field),
                "sum_ttf": -1,
            }
        entry["terms"] = {
            term: _term_entry(reader, field, term, tokens, options)
            for term, tokens in sorted(terms.items())
        }
        vectors[field.path] = entry
    return vectors


def _terms(field: Any, values: list[str], analyzer: Any) -> dict[str, list[tuple[int, int, int]]]:
    """Each term with its (position, start, end) occurrences, across the field's values."""
    terms: dict[str, list[tuple[int, int, int]]] = {}
    if isinstance(field, KeywordField):
        offset = 0
        for position, value in enumerate(values):
            term = field.convert(value)
            terms.setdefault(term, []).append((position, offset, offset + len(value)))
            offset += len(value) + 1
        return terms
    for token in (analyzer or field.analyzer).analyze_values(values):
        terms.setdefault(token.term, []).append((token.position, token.start, token.end))
    return terms


def _docs_with(reader: Any, field: Any) -> int:
    return reader.searcher.doc_freq("_fields", field.path)


def _term_entry(
    reader: Any, field: Any, term: str, tokens: list[tuple[int, int, int]], options: dict[str, Any]
) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if _flag(options["term_statistics"], False):
        slot = reader.slot(field.path)
        entry["doc_freq"] = reader.searcher.doc_freq(slot, term) if slot else 0
        entry["ttf"] = -1
    entry["term_freq"] = len(tokens)
    positions = _flag(options["positions"], True)
    offsets = _flag(options["offsets"], True)
    if positions or offsets:
        entry["tokens"] = [
            {
                **({"position": p} if positions else {}),
                **({"start_offset": s, "end_offset": e} if offsets else {}),
            }
            for p, s, e in tokens
        ]
    return entry
