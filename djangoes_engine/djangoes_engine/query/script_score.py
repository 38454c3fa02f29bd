"""The ``script_score`` query: a query whose documents a Painless script scores.

The script sees ``doc`` (each mapped field's values in the document, read from its source as the
field type converts them, or its dense vector), ``params`` and ``_score`` (the inner query's),
and may call the vector functions (``cosineSimilarity``, ``dotProduct``, ``l1norm``, ``l2norm``,
``hamming``). Its value, times the ``boost``, is the document's score; ``min_score`` drops those
below it. The scored documents become a query as the kNN ones do (:func:`.knn.scored`).
"""

from __future__ import annotations

import math
from typing import Any

import tantivy

from .. import jsoncodec, vectors
from ..errors import IllegalArgument, ParsingError, SearchPhaseError
from ..fields import (
    BooleanField,
    DenseVectorField,
    FieldType,
    IpField,
    KeywordField,
    NumberField,
    TextField,
)
from ..scripting import DocMap, DocValues, ScriptException, compile_score_script
from ..source import extract, extract_whole
from .body import check_options
from .context import Context, compile_query
from .knn import Neighbour, scored

_TEXT_FIELDDATA = (
    "Text fields are not optimised for operations that require per-document field data like "
    "aggregations and sorting, so these operations are disabled by default. Please use a "
    "keyword field instead. Alternatively, set fielddata=true on [{}] in order to load field "
    "data by uninverting the inverted index. Note that this can use significant memory."
)


def q_script_score(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("script_score", body, {"query", "script", "min_score", "boost", "_name"})
    if body.get("query") is None:
        raise ParsingError("[script_score] requires 'query' field")
    if body.get("script") is None:
        raise ParsingError("[script_score] requires 'script' field")
    boost = float(body.get("boost", 1.0))
    minimum = body.get("min_score")
    inner = compile_query(ctx, body["query"])
    try:
        script = compile_score_script(body["script"])
    except ScriptException as error:
        raise SearchPhaseError(error, ctx.index_name) from None
    searcher = ctx.reader.searcher
    total = searcher.num_docs
    if not total:
        return scored(ctx, [])
    found: list[Neighbour] = []
    fields = list(ctx.mapping.fields.values())
    for number, (inner_score, address) in enumerate(searcher.search(inner, total).hits):
        document = searcher.doc(address)
        stored, doc_id = document.get_first("_source"), document.get_first("_id")
        if stored is None or doc_id is None:
            continue
        doc = _doc(fields, jsoncodec.loads(stored))
        try:
            value = script.score(doc, inner_score)
        except ScriptException as error:  # a shard failure, as in Elasticsearch
            raise SearchPhaseError(error, ctx.index_name) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise IllegalArgument(
                f"script score query returned a non-numeric value [{value}] for doc [{number}]."
            )
        score = vectors.float32(float(value))
        if score < 0 or math.isnan(score):
            raise IllegalArgument(
                f"script score query returned an invalid score [{_java(score)}] for doc [{number}]."
            )
        score = vectors.float32(score * boost)
        if minimum is not None and score < float(minimum):
            continue
        found.append(Neighbour(score, str(doc_id), (address.segment_ord, address.doc)))
    return scored(ctx, found)


def _java(value: float) -> str:
    return vectors.java_float_text(value)


def _doc(fields: list[FieldType], source: dict[str, Any]) -> DocMap:
    """``doc``: every mapped field's values in the document, as its doc values hold them."""
    values: dict[str, DocValues] = {}
    for field in fields:
        if isinstance(field, DenseVectorField):
            found = []
            for raw in extract_whole(source, field.path):
                try:
                    found.append(field.decode(raw))
                except IllegalArgument:
                    continue
            values[field.path] = DocValues(field.path, found, vector=field.element_type)
        elif isinstance(field, TextField) and not field.definition.get("fielddata"):
            values[field.path] = DocValues(field.path, [], error=_TEXT_FIELDDATA.format(field.path))
        elif isinstance(field, NumberField | KeywordField | BooleanField | IpField):
            converted = []
            for raw in extract(source, field.path):
                try:
                    converted.append(field.convert(raw))
                except IllegalArgument:
                    continue
            values[field.path] = DocValues(field.path, sorted(converted))
        else:
            values[field.path] = DocValues(
                field.path,
                [],
                error=f"the values of a [{field.type_name}] field in a script are not supported "
                "by the djangoes embedded engine",
            )
    return DocMap(values)
