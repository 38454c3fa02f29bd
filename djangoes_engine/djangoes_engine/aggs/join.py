"""The parent-join aggregations: ``children`` (from parents to their children) and ``parent``
(from children to their parents), each one bucket whose documents are the other side of the
relation of the documents it is given.

As in Elasticsearch, a type the index's join field does not know (or an index without one)
gives an empty bucket rather than an error.
"""

from __future__ import annotations

import tantivy
from tantivy import Query

from ..errors import ParsingError
from ..query.join import ids_of_relation, parent_ids, relation
from .body import Params
from .buckets import SingleBucket
from .core import Shard, register


class _Join(SingleBucket):
    def configure(self, params: Params) -> None:
        relation_type = params.string("type")
        if relation_type is None:
            raise ParsingError(f"Missing [type] field for {self.kind} aggregation [{self.name}]")
        self.type = relation_type

    def sides(self, parent: str) -> tuple[str, str]:
        """The relations the bucket goes from and to, given the parent of ``type``."""
        raise NotImplementedError

    def bucket_query(self, shard: Shard, query: tantivy.Query) -> tantivy.Query:
        join = shard.mapping.join
        if join is None or self.type not in join.parents:
            return Query.empty_query()
        ctx = shard.target.context
        parent = join.parents[self.type]
        source, target = self.sides(parent)
        ids = parent_ids(ctx, shard.refine(query, relation(ctx, join, source)), join, parent)
        return ids_of_relation(ctx, join, target, parent, ids)


@register
class Children(_Join):
    """The children of relation ``type`` of the bucket's parents."""

    kind = "children"

    def sides(self, parent: str) -> tuple[str, str]:
        return parent, self.type


@register
class Parent(_Join):
    """The parents of the bucket's children of relation ``type``."""

    kind = "parent"

    def sides(self, parent: str) -> tuple[str, str]:
        return self.type, parent
