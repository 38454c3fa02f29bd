"""The ``nested`` and ``reverse_nested`` aggregations: moving between root documents and the
hidden documents of their nested objects (``Store.nested``).

``nested`` counts the objects at its path inside the documents of its bucket, and its
sub-aggregations run on those objects (their fields, ``top_hits`` with ``_nested``).
``reverse_nested`` goes back from the objects to the documents around them, the root ones by
default, and counts each of those once.
"""

from __future__ import annotations

import dataclasses

import tantivy
from tantivy import Occur, Query

from ..errors import IllegalArgument, ParsingError, Unsupported
from ..query import parent_key
from .body import Params
from .buckets import SingleBucket
from .core import Bucket, Shard, collect_level, register


def shard_at(shard: Shard, path: str) -> Shard | None:
    """A shard over the documents at level ``path`` ("": the root documents) of ``shard``'s
    index, remembering where it came from; None when there are no such documents."""
    found: Shard | None = shard
    while found is not None:  # a level already visited keeps its own shard
        if found.level == path:
            return found
        found = found.outer
    root = shard
    while root.outer is not None:
        root = root.outer
    reader = root.reader.at_level(path)
    if reader is None:
        return None
    ctx = dataclasses.replace(root.target.context, scope=path)
    child = Shard(dataclasses.replace(root.target, reader=reader, ctx=ctx), root.single)
    child.level = path
    child.outer = shard
    return child


def _keys(shard: Shard, query: tantivy.Query) -> list[str]:
    """The ids of the documents of ``shard`` that ``query`` matches (``_id`` of root documents,
    ``_nid`` of nested objects)."""
    searcher = shard.searcher
    key_field = "_nid" if shard.level else "_id"
    hits = searcher.search(query, max(searcher.num_docs, 1), count=False, order_by_field=key_field)
    return [key for key, _ in hits.hits]


def _scored_keys(shard: Shard, query: tantivy.Query) -> dict[str, float]:
    """The ids of the documents ``query`` matches, with their scores."""
    searcher = shard.searcher
    key_field = "_nid" if shard.level else "_id"
    limit = max(searcher.num_docs, 1)
    keyed = searcher.search(query, limit, count=False, order_by_field=key_field).hits
    if not keyed:
        return {}
    keys = {(address.segment_ord, address.doc): key for key, address in keyed}
    return {
        keys[(address.segment_ord, address.doc)]: score
        for score, address in searcher.search(query, limit, count=False).hits
    }


@register
class Nested(SingleBucket):
    kind = "nested"

    def configure(self, params: Params) -> None:
        path = params.string("path")
        if path is None:
            raise ParsingError(f"Missing [path] field for nested aggregation [{self.name}]")
        self.path = path

    def collect(self, shard: Shard, query: tantivy.Query) -> Bucket:
        if not shard.mapping.is_nested(self.path):
            return self.empty()  # Elasticsearch's unmapped nested aggregator
        child = shard_at(shard, self.path)
        if child is None:  # no document has a nested object yet
            return self.empty()
        scores = _scored_keys(shard, query)
        if not scores:
            return self.empty()
        schema = child.reader.schema
        inside = "_parent" if shard.level else "_id"
        # Each object scores as the document it is in (Elasticsearch hands the parent's score to
        # the nested documents it collects: top_hits shows it).
        groups: dict[float, list[str]] = {}
        for key, score in scores.items():
            groups.setdefault(score, []).append(key)
        parents = [
            Query.const_score_query(Query.term_set_query(schema, inside, keys), score)
            for score, keys in groups.items()
        ]
        objects = Query.boolean_query(
            [
                (Occur.Must, Query.boost_query(Query.term_query(schema, "_path", self.path), 0.0)),
                (
                    Occur.Must,
                    parents[0]
                    if len(parents) == 1
                    else Query.boolean_query([(Occur.Should, q) for q in parents]),
                ),
            ]
        )
        count, subs = collect_level(self.subs, child, objects, count=True)
        return Bucket(None, count or 0, subs)


@register
class ReverseNested(SingleBucket):
    kind = "reverse_nested"

    def configure(self, params: Params) -> None:
        self.path = params.string("path", "")

    def collect(self, shard: Shard, query: tantivy.Query) -> Bucket:
        level = shard.level
        if not level and shard.outer is None:
            raise IllegalArgument(
                f"Reverse nested aggregation [{self.name}] can only be used inside a [nested] "
                "aggregation"
            )
        if self.path and not shard.mapping.is_nested(self.path):
            return self.empty()  # Elasticsearch's unmapped reverse_nested aggregator
        if self.path and not (level + ".").startswith(self.path + "."):
            raise Unsupported(
                f"[reverse_nested] to [{self.path}], which does not hold the nested objects of "
                f"[{level}]"
            )
        outer = shard_at(shard, self.path)
        if outer is None:
            return self.empty()
        if not level:
            parents = set(_keys(shard, query))
        else:
            found = (parent_key(nid, self.path) for nid in _keys(shard, query))
            parents = {key for key in found if key is not None}
        if not parents:
            return self.empty()
        key_field = "_nid" if self.path else "_id"
        documents = Query.term_set_query(outer.reader.schema, key_field, sorted(parents))
        count, subs = collect_level(self.subs, outer, documents, count=True)
        return Bucket(None, count or 0, subs)
