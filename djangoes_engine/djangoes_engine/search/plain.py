"""The plain search: a query's best hits from one index, each with its whole ``_source``.

What a site's search box sends (``{"query": ..., "size": 10}`` to one index, no URL parameters)
is most of what the engine answers. The general path reads every option a search may carry
(:meth:`.request.SearchRequest.parse`) and checks for each part a response may have
(:func:`.response.run`): for this search about a tenth of its time. :func:`plain_search`
answers it with the same parts (``prepare``, ``collect``, ``render_hits``) and nothing else, and
leaves any other search to the general path; tests/embedded/test_plain_search.py checks that
both answer alike.
"""

from __future__ import annotations

import time
from typing import Any

from ..cluster import Cluster
from .collect import Target, collect, prepare
from .hits import plain_target, render_hits
from .request import SearchRequest
from .response import check_window, shards, total_hits

#: The body keys a plain search may have.
PLAIN_KEYS = frozenset({"query", "size", "from"})


def plain_body(body: dict[str, Any]) -> bool:
    """Whether a search body (with no URL parameters) may be a plain search: nothing but a
    query and a page, ``from`` and ``size`` integers as the general path would read them."""
    if not PLAIN_KEYS.issuperset(body):
        return False
    start, size = body.get("from", 0), body.get("size", 10)
    return type(start) is int and type(size) is int and start >= 0 and size > 0


def plain_search(
    engine: Cluster, targets: list[Target], body: dict[str, Any]
) -> dict[str, Any] | None:
    """The response to a search whose body :func:`plain_body` accepts, when it reads one index
    (not through an alias) whose hits are plain (:func:`.hits.plain_target`); None otherwise,
    for the general path to answer."""
    if len(targets) != 1 or targets[0].via_aliases:
        return None
    started = time.perf_counter()
    request = SearchRequest(
        query=body.get("query"),
        start=body.get("from", 0),
        size=body.get("size", 10),
        raw_source=True,
    )
    check_window(targets, request)
    prepare(engine, targets, request, int(time.time() * 1000))
    if not plain_target(targets[0]):
        return None
    candidates, count = collect(targets, request)
    page = candidates[request.start : request.start + request.size]
    return {
        "took": int((time.perf_counter() - started) * 1000),
        "timed_out": False,
        "_shards": shards(1),
        "hits": {
            "total": total_hits(request, count),
            "max_score": candidates[0].score if candidates else None,
            "hits": render_hits(page, request),
        },
    }
