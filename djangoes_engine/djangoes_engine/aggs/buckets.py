"""Bucket aggregations defined by a query: filter, filters, missing and global.

Each bucket is the search's query narrowed by a condition; its document count and its
sub-aggregations come from one tantivy pass over that narrowed query.
"""

from __future__ import annotations

from typing import Any

import tantivy
from tantivy import Occur, Query

from ..errors import IllegalArgument, ParsingError
from ..query import QUERIES, compile_query
from .body import Params
from .core import (
    ANY,
    Agg,
    Bucket,
    Shard,
    collect_level,
    empty_subs,
    merge_buckets,
    reduce_subs,
    register,
    render_subs,
)


def check_query(spec: Any) -> dict[str, Any]:
    """A filter's query, with the parse errors the search body's query would give."""
    if not isinstance(spec, dict):
        raise ParsingError("[_na] query malformed, must start with start_object")
    if len(spec) != 1:
        raise ParsingError(
            "query malformed, empty clause found"
            if not spec
            else f"[{next(iter(spec))}] malformed query, expected [END_OBJECT] but found "
            "[FIELD_NAME]"
        )
    kind = next(iter(spec))
    if kind not in QUERIES:
        raise ParsingError(f"unknown query [{kind}]")
    return spec


class SingleBucket(Agg):
    """An aggregation with one bucket: a document count and sub-aggregations."""

    buckets = True
    single_bucket = True

    def condition(self, shard: Shard) -> tantivy.Query | None:
        """What narrows the query to the bucket (None: the query itself)."""
        return None

    def bucket_query(self, shard: Shard, query: tantivy.Query) -> tantivy.Query:
        condition = self.condition(shard)
        return query if condition is None else shard.refine(query, condition)

    def collect(self, shard: Shard, query: tantivy.Query) -> Bucket:
        count, subs = collect_level(self.subs, shard, self.bucket_query(shard, query), count=True)
        return Bucket(None, count or 0, subs)

    def empty(self) -> Bucket:
        return Bucket(None, 0, empty_subs(self.subs))

    def reduce(self, partials: list[Bucket]) -> Bucket:
        if not partials:
            return Bucket(None, 0, reduce_subs(self.subs, []))
        return merge_buckets(self.subs, partials)

    def render(self, partial: Bucket) -> dict[str, Any]:
        return {"doc_count": partial.doc_count, **render_subs(self.subs, partial.subs)}

    def value(self, partial: Bucket, metric: str | None) -> float:
        if metric in (None, "doc_count", "_count"):
            return float(partial.doc_count)
        return super().value(partial, metric)


@register
class Filter(SingleBucket):
    kind = "filter"

    def configure(self, params: Params) -> None:
        params.allowed.update(params.body)
        self.filter = check_query(params.body)

    def condition(self, shard: Shard) -> tantivy.Query:
        return compile_query(shard.target.context, self.filter)


@register
class Missing(SingleBucket):
    kind = "missing"

    def configure(self, params: Params) -> None:
        field = params.string("field")
        if field is None:
            raise IllegalArgument(
                "Required one of fields [field, script], but none were specified. "
            )
        self.field = field
        params.get("value_type")

    def bucket_query(self, shard: Shard, query: tantivy.Query) -> tantivy.Query:
        return shard.without_value(query, shard.source(self, self.field, ANY))


@register
class Global(SingleBucket):
    kind = "global"

    def bucket_query(self, shard: Shard, query: tantivy.Query) -> tantivy.Query:
        return Query.all_query()


@register
class Filters(Agg):
    kind = "filters"
    buckets = True

    def configure(self, params: Params) -> None:
        filters = params.get("filters")
        if isinstance(filters, dict):
            self.named = True
            self.filters = sorted(filters.items())
        elif isinstance(filters, list):
            self.named = False
            self.filters = [(None, f) for f in filters]
        else:
            raise ParsingError(
                "[filters] cannot be empty."
                if filters is None
                else "[filters] must be an object or an array"
            )
        if not self.filters:
            raise IllegalArgument("[filters] cannot be empty.")
        for _, spec in self.filters:
            check_query(spec)
        self.other_key = params.string("other_bucket_key")
        self.other = params.boolean("other_bucket", self.other_key is not None)
        self.other_key = self.other_key or "_other_"
        self.keyed = params.boolean("keyed", self.named)

    def collect(self, shard: Shard, query: tantivy.Query) -> list[Bucket]:
        ctx = shard.target.context
        conditions = [compile_query(ctx, spec) for _, spec in self.filters]
        found = []
        for (name, _), condition in zip(self.filters, conditions, strict=True):
            count, subs = collect_level(
                self.subs, shard, shard.refine(query, condition), count=True
            )
            found.append(Bucket(name, count or 0, subs))
        if self.other:
            rest = Query.boolean_query(
                [(Occur.Must, query)] + [(Occur.MustNot, condition) for condition in conditions]
            )
            count, subs = collect_level(self.subs, shard, rest, count=True)
            found.append(Bucket(self.other_key, count or 0, subs))
        return found

    def empty(self) -> list[Bucket]:
        keys = [name for name, _ in self.filters] + ([self.other_key] if self.other else [])
        return [Bucket(key, 0, empty_subs(self.subs)) for key in keys]

    def reduce(self, partials: list[list[Bucket]]) -> list[Bucket]:
        if not partials:
            return self.empty()
        return [merge_buckets(self.subs, list(same)) for same in zip(*partials, strict=True)]

    def render(self, partial: list[Bucket]) -> dict[str, Any]:
        if self.keyed:
            return {
                "buckets": {
                    bucket.key if bucket.key is not None else str(position): self._bucket(bucket)
                    for position, bucket in enumerate(partial)
                }
            }
        entries = []
        for bucket in partial:
            body = self._bucket(bucket)
            if self.named:
                body = {"key": bucket.key, **body}
            entries.append(body)
        return {"buckets": entries}

    def _bucket(self, bucket: Bucket) -> dict[str, Any]:
        return {"doc_count": bucket.doc_count, **render_subs(self.subs, bucket.subs)}
