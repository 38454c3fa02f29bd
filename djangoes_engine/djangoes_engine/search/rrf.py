"""Retrievers: reading them, and Reciprocal Rank Fusion.

A search's ``retriever`` is a tree: ``standard`` (a query, its filter and sort) and ``knn``
leaves, and ``rrf`` nodes that fuse the ranked lists of their children. A leaf at the root is
the search it describes (:mod:`.request` applies it); an ``rrf`` one is run by
:mod:`.collect`: each child ranks its top ``rank_window_size`` documents, and a document scores
``Σ weight / (rank_constant + rank)`` over the children that ranked it, as Elasticsearch's
RRFRetrieverBuilder scores it. The hits are the fused top documents; the total and the
aggregations count every document a child matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import sorting
from ..errors import IllegalArgument, ParsingError, Unsupported, XContentParseError
from ..query.knn import KnnSpec, parse_knn
from ..vectors import float32

DEFAULT_RANK_CONSTANT = 60
DEFAULT_RANK_WINDOW_SIZE = 10
#: Retrievers Elasticsearch has that rerank or pin others: refused by name here.
REFUSED_RETRIEVERS = frozenset(
    {"linear", "text_similarity_reranker", "rule", "pinned", "rescorer", "diversify"}
)
_STANDARD_KEYS = frozenset(
    {"query", "filter", "sort", "search_after", "terminate_after", "min_score", "collapse"}
)
_RRF_KEYS = frozenset({"retrievers", "rank_constant", "rank_window_size", "filter"})


@dataclass
class StandardRetriever:
    """``standard``: a query (its filters folded in), with its sort and options."""

    query: Any = None
    sort: list[sorting.SortField] = field(default_factory=list)
    search_after: list[Any] | None = None
    terminate_after: int | None = None
    min_score: float | None = None


@dataclass
class RrfRetriever:
    """``rrf``: children (with their weights) whose ranked lists it fuses."""

    children: list[tuple[Any, float]]
    rank_constant: int = DEFAULT_RANK_CONSTANT
    rank_window_size: int = DEFAULT_RANK_WINDOW_SIZE


Retriever = StandardRetriever | KnnSpec | RrfRetriever


def parse_retriever(value: Any, size: int, filters: list[Any] | None = None) -> Retriever:
    """One retriever object (``{"standard": {...}}``), with an enclosing ``rrf``'s filters."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ParsingError("[retriever] must be an object with one retriever")
    ((kind, spec),) = value.items()
    if kind in REFUSED_RETRIEVERS:
        raise Unsupported(f"the [{kind}] retriever")
    if kind not in ("standard", "knn", "rrf"):
        raise XContentParseError(f"[retriever] unknown retriever [{kind}]")
    if not isinstance(spec, dict):
        raise ParsingError(f"[{kind}] retriever must be an object")
    if "_name" in spec:
        raise Unsupported(f"[_name] of the [{kind}] retriever")
    filters = list(filters or [])
    if kind == "knn":
        knn = parse_knn(spec, size, top_level=True)
        knn.filters = [*knn.filters, *filters]
        return knn
    if kind == "rrf":
        return _rrf(spec, size, filters)
    return _standard(spec, filters)


def _filters(spec: dict[str, Any]) -> list[Any]:
    given = spec.get("filter")
    if not given:
        return []
    return given if isinstance(given, list) else [given]


def _standard(spec: dict[str, Any], filters: list[Any]) -> StandardRetriever:
    for key in spec:
        if key not in _STANDARD_KEYS:
            raise XContentParseError(f"[standard] unknown field [{key}]")
    if spec.get("collapse") is not None:
        raise Unsupported("[collapse] in the [standard] retriever")
    query = spec.get("query")
    filters = [*_filters(spec), *filters]
    if filters:
        query = {"bool": {"must": [query or {"match_all": {}}], "filter": filters}}
    found = StandardRetriever(query=query)
    if spec.get("sort") is not None:
        found.sort = sorting.parse_sort(spec["sort"])
    if spec.get("search_after") is not None:
        if not isinstance(spec["search_after"], list):
            raise ParsingError("[search_after] must be an array")
        found.search_after = spec["search_after"]
    if spec.get("terminate_after") is not None:
        found.terminate_after = int(spec["terminate_after"])
    if spec.get("min_score") is not None:
        found.min_score = float(spec["min_score"])
    return found


def _rrf(spec: dict[str, Any], size: int, filters: list[Any]) -> RrfRetriever:
    for key in spec:
        if key not in _RRF_KEYS:
            if key in ("query", "fields"):
                raise Unsupported(f"[{key}] of the [rrf] retriever (its simplified syntax)")
            raise XContentParseError(f"[rrf] unknown field [{key}]")
    entries = spec.get("retrievers")
    if not isinstance(entries, list) or not entries:
        raise IllegalArgument("[rrf] requires [retrievers]")
    rank_constant = spec.get("rank_constant", DEFAULT_RANK_CONSTANT)
    window = spec.get("rank_window_size", DEFAULT_RANK_WINDOW_SIZE)
    for name, number in (("rank_constant", rank_constant), ("rank_window_size", window)):
        if isinstance(number, bool) or not isinstance(number, int):
            raise ParsingError(f"[rrf] failed to parse field [{name}]")
    if rank_constant < 1:
        raise IllegalArgument("[rank_constant] must be greater or equal to [1] for [rrf]")
    if window < 1:
        raise IllegalArgument("[rank_window_size] must be greater than or equal to [1]")
    filters = [*_filters(spec), *filters]
    children: list[tuple[Any, float]] = []
    for entry in entries:
        weight = 1.0
        if isinstance(entry, dict) and "retriever" in entry:
            weight = float(entry.get("weight", 1.0))
            if weight < 0:
                raise IllegalArgument("[weight] must be non-negative")
            entry = entry["retriever"]
        children.append((parse_retriever(entry, window, filters), weight))
    return RrfRetriever(children, rank_constant, window)


def fuse(
    ranked: list[tuple[list[Any], float]], rank_constant: int, window: int
) -> list[tuple[Any, float]]:
    """Reciprocal Rank Fusion of ranked lists of keys (each with its child's weight): the top
    ``window`` keys with their scores (float32 sums, as Elasticsearch's), best first, ties in
    key (index) order."""
    scores: dict[Any, float] = {}
    for keys, weight in ranked:
        for rank, key in enumerate(keys[:window], start=1):
            term = float32(weight * float32(1.0 / (rank_constant + rank)))
            scores[key] = float32(scores.get(key, 0.0) + term)
    order = sorted(scores, key=lambda k: (-scores[k], k))
    return [(key, scores[key]) for key in order[:window]]
