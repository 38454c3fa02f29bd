"""k-nearest-neighbour search on ``dense_vector`` fields: the ``knn`` query and the search
body's top-level ``knn``.

The engine searches exactly: every candidate document's vector (read from its source, decoded
as the field type decodes it) is compared with the query vector, so the nearest ``k`` are the
true nearest, and each scores as Elasticsearch's similarity scales it (l2_norm
``1 / (1 + d²)``, cosine ``(1 + cos) / 2``, dot_product ``(1 + dot) / 2`` or
``0.5 + dot / (dims · 2¹⁵)`` for bytes, max_inner_product, bit ``(bits - hamming) / bits``).
The documents found become a query that matches them with those scores, which composes with
the rest of the request as Elasticsearch's own ``KnnScoreDocQuery`` does.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import tantivy
from tantivy import Occur, Query

from .. import jsoncodec, vectors
from ..errors import (
    IllegalArgument,
    ParsingError,
    QueryShardError,
    Unsupported,
    XContentParseError,
)
from ..fields import DenseVectorField
from ..source import extract_whole
from .context import MATCH_NONE, Context, compile_query

_KEYS = frozenset(
    {
        "field",
        "query_vector",
        "query_vector_builder",
        "k",
        "num_candidates",
        "filter",
        "similarity",
        "boost",
        "_name",
        "rescore_vector",
        "visit_percentage",
        "inner_hits",
    }
)


@dataclass
class KnnSpec:
    """One kNN search: a ``knn`` query's body, or one entry of a search's top-level ``knn``."""

    field: str
    query_vector: Any
    k: int
    num_candidates: int
    filters: list[Any] = dataclasses.field(default_factory=list)
    similarity: float | None = None
    boost: float = 1.0
    name: str | None = None


@dataclass(frozen=True)
class Neighbour:
    """A document a kNN search found, with its score (boost included), its address and its
    ``_seq_no``, which orders ties as Lucene's doc ids order them in a shard: by indexing."""

    score: float
    doc_id: str
    order: tuple[int, int]
    seq_no: int = 0


def parse_knn(body: Any, default_k: int, *, top_level: bool) -> KnnSpec:
    """Read and check a kNN search, with Elasticsearch's defaults: ``k`` the request's size,
    ``num_candidates`` ``min(1.5 · k, 10000)``."""
    if not isinstance(body, dict):
        raise ParsingError("[knn] query malformed, no start_object after query name")
    for key in body:
        if key not in _KEYS:
            raise XContentParseError(f"[knn] unknown field [{key}]")
    if body.get("query_vector_builder") is not None:
        raise Unsupported("[knn] with a [query_vector_builder] (an inference model)")
    if body.get("inner_hits") is not None:
        raise Unsupported("[knn] with [inner_hits]")
    if not isinstance(body.get("field"), str):
        raise _parse_error("Required [field]")
    if body.get("query_vector") is None:
        raise _parse_error("either [query_vector_builder] or [query_vector] must be provided")
    k = _int(body, "k")
    candidates = _int(body, "num_candidates")
    if k is None:
        k = default_k if top_level or candidates is None else min(default_k, candidates)
    if k < 1:
        raise _parse_error("[k] must be greater than 0")
    if candidates is None:
        candidates = min(math.floor(1.5 * k + 0.5), vectors.NUM_CANDIDATES_LIMIT)
    if candidates < k:
        raise _parse_error("[num_candidates] cannot be less than [k]")
    if candidates > vectors.NUM_CANDIDATES_LIMIT:
        raise _parse_error(f"[num_candidates] cannot exceed [{vectors.NUM_CANDIDATES_LIMIT}]")
    filters = body.get("filter") or []
    if isinstance(filters, dict):
        filters = [filters]
    if not isinstance(filters, list):
        raise _parse_error("[knn] [filter] must be a query or an array of queries")
    similarity = _number(body, "similarity")
    boost = _number(body, "boost")
    rescore = body.get("rescore_vector")
    if rescore is not None:
        oversample = rescore.get("oversample") if isinstance(rescore, dict) else None
        if not isinstance(oversample, int | float) or isinstance(oversample, bool):
            raise _parse_error("[rescore_vector] requires [oversample]")
        if oversample != 0 and not 1 <= oversample <= 10_000:
            raise _parse_error(
                f"[oversample] must be between [1.0] and [10000.0], got [{oversample}]"
            )
    return KnnSpec(
        field=body["field"],
        query_vector=body["query_vector"],
        k=k,
        num_candidates=candidates,
        filters=filters,
        similarity=similarity,
        boost=1.0 if boost is None else boost,
        name=str(body["_name"]) if body.get("_name") is not None else None,
    )


def _parse_error(reason: str) -> XContentParseError:
    return XContentParseError("[knn] failed to parse object", caused_by=IllegalArgument(reason))


def _int(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParsingError(f"[knn] failed to parse field [{key}]")
    try:
        return int(value)
    except ValueError:
        raise ParsingError(f"[knn] failed to parse field [{key}]") from None


def _number(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ParsingError(f"[knn] failed to parse field [{key}]")
    try:
        return float(value)
    except ValueError:
        raise ParsingError(f"[knn] failed to parse field [{key}]") from None


# Searching


def nearest(
    ctx: Context, spec: KnnSpec, extra_filter: tantivy.Query | None = None
) -> list[Neighbour]:
    """The ``k`` documents of the index nearest to the query vector (among those the filters,
    and ``extra_filter``, an alias's, match, within the similarity threshold), best first."""
    field_type = ctx.field(spec.field)
    if field_type is None:
        raise QueryShardError(
            f"failed to create query: field [{spec.field}] does not exist in the mapping"
        )
    if not isinstance(field_type, DenseVectorField):
        raise QueryShardError("[knn] queries are only supported on [dense_vector] fields")
    if not field_type.index:
        raise IllegalArgument(
            f"to perform knn search on field [{spec.field}], its mapping must have [index] set "
            "to [true]"
        )
    if field_type.dims is None:  # no document has given the dimensions yet
        return []
    query = field_type.query_vector(spec.query_vector)
    similarity = field_type.similarity or "cosine"
    element_type = field_type.element_type
    minimum = (
        None
        if spec.similarity is None
        else vectors.threshold(similarity, element_type, field_type.dims, spec.similarity)
    )
    searcher = ctx.reader.searcher
    total = searcher.num_docs
    if not total:
        return []
    allowed: set[tuple[int, int]] | None = None
    clauses = [compile_query(ctx, f) for f in spec.filters]
    if extra_filter is not None:
        clauses.append(extra_filter)
    if clauses:
        candidates = Query.boolean_query([(Occur.Must, c) for c in clauses])
        hits = searcher.search(candidates, total, count=False).hits
        allowed = {(a.segment_ord, a.doc) for _, a in hits}
    found: list[Neighbour] = []
    for order, doc_id, seq_no, held in _indexed_vectors(ctx.reader, field_type):
        if allowed is not None and order not in allowed:
            continue
        scores = [
            vectors.score(similarity, element_type, query, vector)
            for vector in held
            if len(vector) == len(query)
        ]
        if not scores:
            continue
        score = max(scores)  # a document's nearest vector (several in nested objects)
        if minimum is not None and score < minimum:
            continue
        found.append(Neighbour(vectors.float32(score * spec.boost), doc_id, order, seq_no))
    found.sort(key=lambda n: (-n.score, n.seq_no))
    return found[: min(spec.k, spec.num_candidates)]


_Indexed = tuple[tuple[int, int], str, int, list[list[Any]]]
#: Decoded vectors by (reader, field): a reader is a snapshot, so they hold until the next
#: refresh. The reader is kept with them, so that its ``id`` is not reused meanwhile.
_VECTORS: OrderedDict[tuple[int, str], tuple[Any, list[_Indexed]]] = OrderedDict()
_VECTORS_KEPT = 8
_VECTORS_LOCK = threading.Lock()


def _indexed_vectors(reader: Any, field_type: DenseVectorField) -> list[_Indexed]:
    """Every live document's vector for the field, read from its source and decoded once per
    reader: ``((segment, doc), _id, _seq_no, vectors)`` in index order (a document holds several
    in the objects of a nested field)."""
    key = (id(reader), field_type.path)
    with _VECTORS_LOCK:
        cached = _VECTORS.get(key)
        if cached is not None and cached[0] is reader:
            _VECTORS.move_to_end(key)
            return cached[1]
    searcher = reader.searcher
    found: list[_Indexed] = []
    hits = searcher.search(Query.all_query(), max(searcher.num_docs, 1), count=False).hits
    for _, address in sorted(hits, key=lambda h: (h[1].segment_ord, h[1].doc)):
        document = searcher.doc(address)
        stored, doc_id = document.get_first("_source"), document.get_first("_id")
        if stored is None or doc_id is None:
            continue
        held = []
        for value in extract_whole(jsoncodec.loads(stored), field_type.path):
            try:
                held.append(field_type.decode(value))
            except IllegalArgument:  # indexed before a mapping change: not searchable
                continue
        if held:
            seq_no = int(document.get_first("_seq_no") or 0)
            found.append(((address.segment_ord, address.doc), str(doc_id), seq_no, held))
    with _VECTORS_LOCK:
        _VECTORS[key] = (reader, found)
        while len(_VECTORS) > _VECTORS_KEPT:
            _VECTORS.popitem(last=False)
    return found


def scored(ctx: Context, neighbours: list[Neighbour]) -> tantivy.Query:
    """A query matching exactly these documents, each with its score."""
    if not neighbours:
        return MATCH_NONE()
    clauses = [
        (
            Occur.Should,
            Query.const_score_query(Query.term_query(ctx.schema, "_id", n.doc_id), n.score),
        )
        for n in neighbours
    ]
    return Query.boolean_query(clauses)


def q_knn(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    """The ``knn`` query: the ``k`` nearest documents (``k`` defaults to the request's size)."""
    spec = parse_knn(body, max(ctx.request_size, 1), top_level=False)
    if ctx.field(spec.field) is None:  # the query matches nothing (the top-level knn fails)
        return MATCH_NONE()
    return scored(ctx, nearest(ctx, spec))
