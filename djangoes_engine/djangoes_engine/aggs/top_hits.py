"""The top_hits aggregation: the best hits of a bucket, rendered as the search renders hits.

Hits are collected per index with the search's own candidate collection (its sort keys merge
across indices) and rendered from the reduced page only, so only those documents are loaded.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import tantivy

from ..errors import IllegalArgument, Unsupported
from ..search.collect import collect
from ..search.hits import render_hits
from ..search.request import SearchRequest
from .body import Params
from .core import Agg, Shard, register


@dataclass
class Hits:
    candidates: list[Any]
    total: int
    max_score: float | None


@register
class TopHits(Agg):
    kind = "top_hits"
    KEYS = (
        "from",
        "size",
        "sort",
        "_source",
        "highlight",
        "explain",
        "version",
        "seq_no_primary_term",
        "stored_fields",
        "docvalue_fields",
        "fields",
        "track_scores",
    )

    def configure(self, params: Params) -> None:

        if params.get("script_fields") is not None:
            raise Unsupported("[script_fields]")
        body = {key: params.get(key) for key in self.KEYS if params.get(key) is not None}
        body.setdefault("size", 3)
        self.search = SearchRequest.parse(body)
        self.search.track_total_hits = True

    def collect(self, shard: Shard, query: tantivy.Query) -> Hits:

        window = self.search.start + self.search.size
        limit = shard.target.index.settings.int("index.max_inner_result_window")
        if window > limit:
            raise IllegalArgument(
                f"Top hits result window is too large, the top hits aggregator [{self.name}]'s "
                f"from + size must be less than or equal to: [{limit}] but was [{window}]. This "
                "limit can be set by changing the [index.max_inner_result_window] index level "
                "setting."
            )
        target = dataclasses.replace(shard.target, query=query, hits_query=query)
        candidates, total = collect([target], self.search)
        scores = [c.score for c in candidates if c.score is not None]
        return Hits(candidates[:window], total, max(scores) if scores else None)

    def reduce(self, partials: list[Hits]) -> Hits:
        candidates = sorted((c for p in partials for c in p.candidates), key=lambda c: c.key)
        scores = [p.max_score for p in partials if p.max_score is not None]
        return Hits(candidates, sum(p.total for p in partials), max(scores) if scores else None)

    def render(self, partial: Hits) -> dict[str, Any]:

        start = self.search.start
        page = partial.candidates[start : start + self.search.size]
        scored = self.search.sorts_by_score or self.search.track_scores
        return {
            "hits": {
                "total": {"value": partial.total, "relation": "eq"},
                "max_score": partial.max_score if scored else None,
                "hits": render_hits(page, self.search),
            }
        }
