"""The ``nested`` query: conditions that must hold on one and the same nested object.

Each nested object is a hidden document of the index's nested store (``Store.nested``), with
its path and its ``_nid`` (the root's id, then each level's path and offset). The query runs its
inner query on the objects of its path, joins each matching object to the document it hangs on
at the current level (the root document, or the enclosing nested object inside another
``nested`` query) and scores that document by ``score_mode`` over its matching objects, as
Lucene's block join does. The result is a query on the documents of the current level: one
constant-score term set per distinct score.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..errors import EngineError, IllegalArgument, ParsingError, QueryShardError, Unsupported
from ..mapping import LEVEL_SEP, OFFSET_SEP
from .body import boosted, check_options
from .context import MATCH_NONE, Context, compile_query
from .inner_hits import NestedInnerHits, add_inner_hits

#: Options of ``inner_hits`` the nested ones do not apply (their hits are nested objects).
NOT_APPLIED = ("highlight", "explain", "stored_fields", "docvalue_fields", "fields")
NESTED_OPTIONS = {"path", "query", "score_mode", "ignore_unmapped", "inner_hits", "boost", "_name"}
SCORE_MODES = ("avg", "max", "min", "sum", "none")


def q_nested(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    if "path" not in body or "query" not in body:
        raise ParsingError("[nested] requires 'path' and 'query' field")
    check_options("nested", body, NESTED_OPTIONS)
    mode = str(body.get("score_mode", "avg"))
    if mode not in SCORE_MODES:
        raise IllegalArgument(f"No score mode for child query [{mode}] found")
    path = str(body["path"])
    options = body.get("inner_hits")
    if isinstance(options, dict):
        for key in NOT_APPLIED:
            if key in options:
                raise Unsupported(f"[{key}] in [inner_hits]")
    if not ctx.mapping.is_nested(path):
        # Elasticsearch 9 looks the path up among the nested mappers only: an object path is as
        # missing as an unmapped one.
        if body.get("ignore_unmapped") in (True, "true"):
            return MATCH_NONE()
        reason = f"[nested] failed to find nested object under path [{path}]"
        raise QueryShardError(
            f"failed to create query: {reason}",
            caused_by=EngineError(reason, status=500, type="illegal_state_exception"),
        )
    scope, outer_hits, named = ctx.scope, ctx.inner_hits, len(ctx.named)
    ctx.scope, ctx.inner_hits = path, {}
    try:
        inner = compile_query(ctx, body["query"])
    finally:
        children, ctx.scope, ctx.inner_hits = ctx.inner_hits, scope, outer_hits
        # Queries named inside match nested objects, not the hits: the hits do not list them.
        del ctx.named[named:]
    nested = ctx.reader.nested
    on_path = (
        None
        if nested is None
        else Query.boolean_query(
            [
                (Occur.Must, inner),
                (
                    Occur.Must,
                    Query.boost_query(Query.term_query(nested.schema, "_path", path), 0.0),
                ),
            ]
        )
    )
    if options is not None:
        found = NestedInnerHits(
            path, scope, on_path if on_path is not None else MATCH_NONE(), children
        )
        add_inner_hits(ctx, path, options, lambda doc_id, source: None, found)
    if nested is None or on_path is None:
        return MATCH_NONE()
    scores = _joined_scores(nested.searcher, on_path, scope, mode)
    return boosted(_scored_documents(ctx, scope, scores), body)


def _joined_scores(
    searcher: tantivy.Searcher, query: tantivy.Query, scope: str, mode: str
) -> dict[str, float]:
    """The documents at level ``scope`` (by id: a root's ``_id``, a nested object's ``_nid``)
    that have an object matching ``query``, with their scores by ``mode``."""
    limit = max(searcher.num_docs, 1)
    keyed = searcher.search(query, limit, count=False, order_by_field="_nid").hits
    if not keyed:
        return {}
    found: dict[tuple[int, int], str] = {
        (address.segment_ord, address.doc): nid for nid, address in keyed
    }
    per_parent: dict[str, list[float]] = defaultdict(list)
    for score, address in searcher.search(query, limit, count=False).hits:
        nid = found.get((address.segment_ord, address.doc))
        parent = None if nid is None else parent_key(nid, scope)
        if parent is not None:
            per_parent[parent].append(score)
    return {parent: _combine(values, mode) for parent, values in per_parent.items()}


def parent_key(nid: str, scope: str) -> str | None:
    """The id of the document at level ``scope`` a nested object (by ``_nid``) lies in."""
    levels = nid.split(LEVEL_SEP)
    if not scope:
        return levels[0]
    for depth in range(1, len(levels)):
        if levels[depth].rpartition(OFFSET_SEP)[0] == scope:
            return LEVEL_SEP.join(levels[: depth + 1])
    return None


def _combine(scores: list[float], mode: str) -> float:
    if mode == "none":
        return 0.0
    if mode == "max":
        return max(scores)
    if mode == "min":
        return min(scores)
    total = sum(scores)
    return total if mode == "sum" else total / len(scores)


def _scored_documents(ctx: Context, scope: str, scores: dict[str, float]) -> tantivy.Query:
    """The documents of ``scores`` (ids at level ``scope``), each scoring its score."""
    if not scores:
        return MATCH_NONE()
    if scope:
        assert ctx.reader.nested is not None  # a nested scope has nested documents
        schema, key_field = ctx.reader.nested.schema, "_nid"
    else:
        schema, key_field = ctx.reader.schema, "_id"
    groups: dict[float, list[str]] = defaultdict(list)
    for key, score in scores.items():
        groups[score].append(key)
    queries = [
        Query.const_score_query(Query.term_set_query(schema, key_field, keys), score)
        for score, keys in groups.items()
    ]
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])
