"""Compound queries: the queries that combine or wrap other queries.

``bool``, ``constant_score``, ``dis_max``, ``boosting``, and ``wrapper`` (a query encoded in
base64); ``nested`` has a module of its own (:mod:`.nested`).
"""

from __future__ import annotations

import base64
from typing import Any

import tantivy
from tantivy import Occur, Query

from .. import jsoncodec
from ..deprecation import deprecated
from ..errors import ParsingError
from .body import boosted, check_options, minimum_should_match
from .context import MATCH_ALL, MATCH_NONE, Context, compile_query


def q_bool(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    allowed = {
        "must",
        "should",
        "filter",
        "must_not",
        "mustNot",
        "minimum_should_match",
        "boost",
        "_name",
        "adjust_pure_negative",
    }
    for key in body:
        if key not in allowed:
            raise ParsingError(f"[bool] query does not support [{key}]")
    clauses: list[tuple[Occur, tantivy.Query]] = []
    must = _clauses(ctx, body.get("must"))
    filters = _clauses(ctx, body.get("filter"))
    should = _clauses(ctx, body.get("should"))
    must_not = _clauses(ctx, body.get("must_not"))
    if "mustNot" in body:
        # Elasticsearch still parses the old camel-case spelling (wagtail's backends send it).
        deprecated("Deprecated field [mustNot] used, expected [must_not] instead")
        must_not += _clauses(ctx, body["mustNot"])
    clauses += [(Occur.Must, q) for q in must]
    clauses += [(Occur.Must, Query.boost_query(q, 0.0)) for q in filters]
    clauses += [(Occur.MustNot, q) for q in must_not]
    spec = body.get("minimum_should_match")
    minimum = 0
    if should:
        if spec is None:
            minimum = 0 if must or filters else 1
        else:
            minimum = minimum_should_match(spec, len(should))
        clauses += [(Occur.Should, q) for q in should]
        if minimum > len(should):
            return MATCH_NONE()
    if not must and not filters and not should:
        # A purely negative bool matches everything else, with no score of its own.
        clauses.append((Occur.Must, Query.const_score_query(MATCH_ALL(), 0.0)))
        if not must_not:
            clauses = [(Occur.Must, MATCH_ALL())]
    query = Query.boolean_query(clauses, minimum if should and minimum else None)
    return boosted(query, body)


def _clauses(ctx: Context, value: Any) -> list[tantivy.Query]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ParsingError("[bool] query malformed, expected an object or an array")
    return [compile_query(ctx, clause) for clause in value]


def q_constant_score(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("constant_score", body, {"filter", "boost", "_name"})
    if "filter" not in body:
        raise ParsingError("[constant_score] requires a 'filter' element")
    inner = compile_query(ctx, body["filter"])
    return Query.const_score_query(inner, float(body.get("boost", 1.0)))


def q_dis_max(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("dis_max", body, {"queries", "tie_breaker", "boost", "_name"})
    queries = body.get("queries")
    if not isinstance(queries, list) or not queries:
        raise ParsingError("[dis_max] requires 'queries' field with at least one clause")
    compiled = [compile_query(ctx, q) for q in queries]
    return boosted(Query.disjunction_max_query(compiled, float(body.get("tie_breaker", 0.0))), body)


def q_boosting(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("boosting", body, {"positive", "negative", "negative_boost", "boost", "_name"})
    for key in ("positive", "negative", "negative_boost"):
        if key not in body:
            raise ParsingError(f"[boosting] query requires '{key}' query to be set'")
    positive = compile_query(ctx, body["positive"])
    negative = compile_query(ctx, body["negative"])
    factor = float(body["negative_boost"])
    # score(positive) for documents that do not match negative, scaled down for those that do.
    demoted = Query.boolean_query(
        [
            (Occur.Must, positive),
            (Occur.Must, Query.boost_query(Query.const_score_query(negative, 0.0), 0.0)),
        ]
    )
    clean = Query.boolean_query([(Occur.Must, positive), (Occur.MustNot, negative)])
    return boosted(
        Query.boolean_query(
            [
                (Occur.Should, clean),
                (Occur.Should, Query.boost_query(demoted, factor) if factor else demoted),
            ],
            1,
        ),
        body,
    )


def q_wrapper(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    try:
        inner = jsoncodec.loads(base64.b64decode(body["query"]))
    except Exception:
        raise ParsingError("[wrapper] query malformed") from None
    return compile_query(ctx, inner)
