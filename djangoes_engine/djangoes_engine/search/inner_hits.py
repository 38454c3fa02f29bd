"""The inner hits of ``nested`` queries: the nested objects that matched, per hit.

The join queries' inner hits are documents of the index itself, searched per hit by
:func:`..search.hits.render_inner_hits`; a nested query's are hidden documents of the nested
store (``Store.nested``), so that function hands them here: the objects of the hit (a root
document, or a nested object for the inner hits of a nested query inside another) that match
the nested query, each rendered with its ``_nested`` identity and the object's ``_source``, and
the inner hits asked inside that query under each of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from tantivy import Occur, Query

from ..errors import IllegalArgument
from ..index import Index
from ..query.inner_hits import InnerHits
from .collect import Candidate, Target, collect
from .request import SearchRequest

#: Renders one hit (``search.hits.render_hit``, passed in: that module calls this one).
Render = Callable[[Candidate, SearchRequest], dict[str, Any]]


def check_inner_window(index: Index, name: str, window: int) -> None:
    """``index.max_inner_result_window`` (100 by default) bounds an inner hits' from + size."""
    limit = index.settings.int("index.max_inner_result_window")
    if window > limit:
        raise IllegalArgument(
            f"Inner result window is too large, the inner hit definition's [{name}]'s from + "
            f"size must be less than or equal to: [{limit}] but was [{window}]. This limit can "
            "be set by changing the [index.max_inner_result_window] index level setting."
        )


def nested_inner_hits(target: Target, spec: InnerHits, key: str, render: Render) -> dict[str, Any]:
    """The ``hits`` of a nested query's inner hits inside the document ``key`` of ``target``
    (a root's ``_id``, or a nested object's ``_nid``)."""
    nested = spec.nested
    assert nested is not None, "not a nested query's inner hits"
    request = SearchRequest.parse(spec.options)
    request.track_total_hits = True
    check_inner_window(target.index, spec.name, request.start + request.size)
    candidates: list[Candidate] = []
    total = 0
    joined = _objects(target, nested.path, nested.scope, nested.query, key)
    if joined is not None:
        candidates, total = collect([joined], request)
    page = candidates[request.start : request.start + request.size]
    rendered = []
    for candidate in page:
        hit = render(candidate, request)
        if nested.children and joined is not None:
            nid = joined.reader.searcher.doc(candidate.address).get_first("_nid")
            assert isinstance(nid, str)  # every nested document has one
            hit["inner_hits"] = {
                name: nested_inner_hits(joined, child, nid, render)
                for name, child in nested.children.items()
                if child.nested is not None
            }
        rendered.append(hit)
    scored = request.sorts_by_score or request.track_scores
    scores = [c.score for c in candidates if c.score is not None]
    return {
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "max_score": max(scores) if scored and scores else None,
            "hits": rendered,
        }
    }


def _objects(target: Target, path: str, scope: str, query: Any, key: str) -> Target | None:
    """The nested objects at ``path`` inside the document ``key`` (at level ``scope``) that
    ``query`` matches, as a target to collect."""
    reader = target.reader.at_level(path)
    if reader is None:
        return None
    inside = Query.term_query(reader.schema, "_parent" if scope else "_id", key)
    matching = Query.boolean_query(
        [(Occur.Must, query), (Occur.Must, Query.boost_query(inside, 0.0))]
    )
    return dataclasses.replace(
        target, reader=reader, position=0, ctx=None, query=matching, hits_query=matching, boost=1.0
    )
