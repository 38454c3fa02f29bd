"""A search run: the page of hits collected and rendered, the total, the aggregations and the
scroll context, in Elasticsearch's response body.
"""

from __future__ import annotations

import time
from typing import Any

from ..aggs import aggregate
from ..cluster import Cluster
from ..contexts import ScrollContext
from ..errors import (
    IllegalArgument,
    SearchPhaseError,
)
from .collect import Target, collect, prepare
from .hits import render_hits
from .request import SearchRequest
from .suggest import suggest


def shards(count: int) -> dict[str, int]:
    """A search response's ``_shards``: one shard an index, each answered."""
    return {"total": count, "successful": count, "skipped": 0, "failed": 0}


def total_hits(request: SearchRequest, count: int) -> Any:
    track = request.track_total_hits
    if track is False:
        return -1 if request.total_as_int else None
    if track is True:
        value, relation = count, "eq"
    else:
        value, relation = (count, "eq") if count <= track else (track, "gte")
    if request.total_as_int:
        return value
    return {"value": value, "relation": relation}


def check_window(targets: list[Target], request: SearchRequest) -> None:
    for target in targets:
        limit = target.index.settings.int("index.max_result_window")
        window = request.start + request.size
        if window > limit:
            raise SearchPhaseError(
                IllegalArgument(
                    f"Result window is too large, from + size must be less than or equal to: "
                    f"[{limit}] but was [{window}]. See the scroll api for a more efficient way to "
                    "request large data sets. This limit can be set by changing the "
                    "[index.max_result_window] index level setting."
                ),
                target.index.name,
            )


def run(
    engine: Cluster,
    targets: list[Target],
    request: SearchRequest,
    *,
    scroll: float | None = None,
    pit_id: str | None = None,
) -> dict[str, Any]:
    """Run a search over targets and return Elasticsearch's response body."""
    started = time.perf_counter()
    now = int(time.time() * 1000)
    if scroll is None:
        check_window(targets, request)
    prepare(engine, targets, request, now)
    candidates, total = collect(targets, request, everything=scroll is not None)
    page = candidates[request.start : request.start + request.size]
    hits_total = total_hits(request, total)
    scored = [c.score for c in candidates if c.score is not None]
    max_score = None
    # With size 0 no hits are collected, so Elasticsearch has no max_score either.
    if (request.sorts_by_score or request.track_scores) and request.size > 0:
        max_score = max(scored) if scored else None
    hits: dict[str, Any] = {}
    if hits_total is not None:
        hits["total"] = hits_total
    hits["max_score"] = max_score
    hits["hits"] = render_hits(page, request)
    body: dict[str, Any] = {
        "took": 0,
        "timed_out": False,
        "_shards": shards(len(targets)),
        "hits": hits,
    }
    if pit_id is not None:
        body = {"pit_id": pit_id, **body}
    if scroll is not None:
        context = ScrollContext(
            candidates, targets, request, total, scroll, position=request.start + len(page)
        )
        body = {"_scroll_id": engine.contexts.add_scroll(context), **body}
    if request.terminate_after:
        body["terminated_early"] = total >= request.terminate_after
    if request.aggs:
        body["aggregations"] = aggregate(targets, request.aggs)
    if request.suggest:
        body["suggest"] = suggest(targets, request.suggest, request)
    if request.profile:
        body["profile"] = {"shards": []}
    body["took"] = int((time.perf_counter() - started) * 1000)
    return body


def next_scroll_page(engine: Cluster, scroll_id: str, keep_alive: float | None) -> dict[str, Any]:
    context = engine.contexts.scroll(scroll_id, keep_alive)
    request = context.request
    page = context.candidates[context.position : context.position + request.size]
    context.position += len(page)
    scored = [c.score for c in context.candidates if c.score is not None]
    return {
        "_scroll_id": scroll_id,
        "took": 0,
        "timed_out": False,
        "_shards": shards(len(context.targets)),
        "hits": {
            "total": total_hits(request, context.total),
            "max_score": max(scored) if scored and request.sorts_by_score else None,
            "hits": render_hits(page, request),
        },
    }
