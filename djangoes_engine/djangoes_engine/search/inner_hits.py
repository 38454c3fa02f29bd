"""``inner_hits``: the joined documents that made each hit match, rendered under the hit.

A query that joins documents (``nested``; ``has_child`` and ``has_parent`` can add theirs)
records an :class:`~..query.InnerHitsSpec` while it compiles. :func:`prepare` checks their
options once per search; :func:`add_inner_hits` finds, for each rendered hit, the documents of
each spec that hang on it, and renders them as Elasticsearch does (``inner_hits`` ->
name -> ``hits`` with ``total``, ``max_score`` and ``hits``). A kind of join plugs in with a
:data:`FINDERS` entry: given the hit's key, the target and the spec, the target of its documents
and the key the spec's own children hang on for each of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from tantivy import Occur, Query

from ..errors import IllegalArgument, ParsingError, SearchPhaseError, Unsupported
from ..query import InnerHitsSpec
from .collect import Candidate, Target, collect
from .hits import render_hit
from .request import SearchRequest

#: The options of ``inner_hits`` this engine applies.
SUPPORTED = ("from", "size", "sort", "_source", "version", "seq_no_primary_term", "track_scores")
#: Options Elasticsearch knows that are refused by name.
REFUSED = (
    "explain",
    "highlight",
    "stored_fields",
    "docvalue_fields",
    "fields",
    "script_fields",
    "collapse",
)
#: Options that need nothing here: the name (read by the query), ``ignore_unmapped``.
ACCEPTED = ("name", "ignore_unmapped")
DEFAULT_SIZE = 3


def prepare(targets: list[Target]) -> None:
    """Check and parse the ``inner_hits`` options of prepared targets' queries."""
    for target in targets:
        if target.ctx is None:
            continue
        try:
            for spec in _walk(target.ctx.inner_hits):
                spec.prepared = _parse(target, spec)
        except IllegalArgument as error:
            raise SearchPhaseError(error, target.index.name) from None


def _walk(specs: list[InnerHitsSpec]):
    for spec in specs:
        yield spec
        yield from _walk(spec.children)


def _parse(target: Target, spec: InnerHitsSpec) -> SearchRequest:
    options = spec.options
    for key in options:
        if key in REFUSED:
            raise Unsupported(f"[{key}] in [inner_hits]")
        if key not in SUPPORTED and key not in ACCEPTED:
            raise ParsingError(f"[inner_hits] unknown field [{key}]")
    body = {key: options[key] for key in SUPPORTED if options.get(key) is not None}
    body.setdefault("size", DEFAULT_SIZE)
    request = SearchRequest.parse(body)
    request.track_total_hits = True
    window = request.start + request.size
    settings = target.index.settings
    limit = (
        100
        if settings.get("index.max_inner_result_window") is None
        else settings.int("index.max_inner_result_window")
    )
    if window > limit:
        raise IllegalArgument(
            f"Inner result window is too large, the inner hit definition's [{spec.name}]'s from "
            f"+ size must be less than or equal to: [{limit}] but was [{window}]. This limit can "
            "be set by changing the [index.max_inner_result_window] index level setting."
        )
    return request


def add_inner_hits(candidates: list[Candidate], hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``inner_hits`` to rendered hits whose query asked for them; the hits."""
    for candidate, hit in zip(candidates, hits, strict=True):
        ctx = candidate.target.ctx
        if ctx is not None and ctx.inner_hits and "_id" in hit:
            hit["inner_hits"] = _render(candidate.target, ctx.inner_hits, hit["_id"])
    return hits


#: Finds the documents of a spec hanging on the document ``key`` of ``target``: the target of
#: those documents (its query set), and how to read the key their own inner hits hang on.
Finder = Callable[
    [Target, InnerHitsSpec, str], tuple[Target | None, Callable[[Target, Candidate], str]]
]


def _render(target: Target, specs: list[InnerHitsSpec], key: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for spec in specs:
        request: SearchRequest | None = spec.prepared
        if request is None:  # compiled after the search was prepared (an aggregation's filter)
            continue
        joined, key_of = FINDERS[spec.kind](target, spec, key)
        candidates: list[Candidate] = []
        total = 0
        if joined is not None:
            candidates, total = collect([joined], request)
        page = candidates[request.start : request.start + request.size]
        rendered = []
        for candidate in page:
            hit = render_hit(candidate, request)
            if spec.children:
                assert joined is not None  # there is a candidate
                hit["inner_hits"] = _render(joined, spec.children, key_of(joined, candidate))
            rendered.append(hit)
        scored = request.sorts_by_score or request.track_scores
        scores = [c.score for c in candidates if c.score is not None]
        found[spec.name] = {
            "hits": {
                "total": {"value": total, "relation": "eq"},
                "max_score": max(scores) if scored and scores else None,
                "hits": rendered,
            }
        }
    return found


def _nested(
    target: Target, spec: InnerHitsSpec, key: str
) -> tuple[Target | None, Callable[[Target, Candidate], str]]:
    """The nested objects at ``spec.path`` inside the document ``key`` (a root's ``_id``, or an
    enclosing nested object's ``_nid``) that match the nested query."""
    reader = target.reader.at_level(spec.path)
    if reader is None:
        return None, _nid
    inside = "_parent" if spec.scope else "_id"
    query = Query.boolean_query(
        [
            (Occur.Must, spec.query),
            (Occur.Must, Query.boost_query(Query.term_query(reader.schema, inside, key), 0.0)),
        ]
    )
    joined = dataclasses.replace(
        target, reader=reader, position=0, ctx=None, query=query, hits_query=query, boost=1.0
    )
    return joined, _nid


def _nid(target: Target, candidate: Candidate) -> str:
    nid = target.reader.searcher.doc(candidate.address).get_first("_nid")
    assert isinstance(nid, str)
    return nid


FINDERS: dict[str, Finder] = {"nested": _nested}

__all__ = ["FINDERS", "add_inner_hits", "prepare"]
