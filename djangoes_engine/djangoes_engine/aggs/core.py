"""The aggregation framework: the request tree, per-index collection, reduce and rendering.

Elasticsearch computes an aggregation on every shard into a mergeable *partial* result, reduces
the partials of all shards into one, and renders that. This engine does the same with one
"shard" per index of the search (:class:`Shard`): each :class:`Agg` collects a partial per
index, :meth:`Agg.reduce` merges them, :meth:`Agg.render` gives the response body.

Collection prefers tantivy: every aggregation of a level that tantivy can compute exactly
(:meth:`Agg.request`) goes into one ``Searcher.aggregate`` call, sub-aggregations included.
Anything else is computed by :meth:`Agg.collect`, typically by narrowing the query to one
bucket (:meth:`Shard.refine`) and collecting the sub-aggregations of that bucket on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import tantivy
from tantivy import Occur, Query

from ..errors import BadRequest, EngineError, IllegalArgument, Unsupported
from ..fields import (
    BooleanField,
    DateField,
    FieldType,
    IpField,
    KeywordField,
    NumberField,
    TextField,
)
from ..search.collect import Target
from ..sorting import fielddata_disabled
from .body import Params

#: Elasticsearch's ``search.max_buckets``.
MAX_BUCKETS = 65536
#: The most buckets one tantivy request may return (tantivy's own limit is 65000).
TANTIVY_BUCKETS = 60000
#: tantivy's ``segment_size`` that keeps every term of a segment: exact counts.
ALL_TERMS = 2**32 - 1
#: A tantivy request that counts the matching documents (every document has a ``_seq_no``).
COUNT = {"value_count": {"field": "_seq_no"}}

REGISTRY: dict[str, type[Agg]] = {}


def register(cls: type[Agg]) -> type[Agg]:
    """Class decorator: make an aggregation type available to requests."""
    REGISTRY[cls.kind] = cls
    return cls


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class TooManyBuckets(BadRequest):
    type = "too_many_buckets_exception"

    def __init__(self, count: int) -> None:
        super().__init__(
            f"Trying to create too many buckets. Must be less than or equal to: [{MAX_BUCKETS}] "
            f"but was [{count}]. This limit can be set by changing the [search.max_buckets] "
            "cluster level setting.",
            max_buckets=MAX_BUCKETS,
        )


class AggregationError(EngineError):
    """Elasticsearch's AggregationExecutionException: a server error (500) there too."""

    status = 500
    type = "aggregation_execution_exception"


class InvalidPath(AggregationError):
    """An order path that names no usable sub-aggregation (a client error)."""

    status = 400


class TantivyLimit(Exception):
    """tantivy refused a request for its number of buckets."""


def check_buckets(count: int) -> None:
    if count > MAX_BUCKETS:
        raise TooManyBuckets(count)


# --------------------------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------------------------

#: Categories of field an aggregation may accept.
KEYWORD, IP, NUMERIC, DATE, BOOLEAN = "keyword", "ip", "numeric", "date", "boolean"
ANY = frozenset({KEYWORD, IP, NUMERIC, DATE, BOOLEAN})
NUMBERS = frozenset({NUMERIC, DATE, BOOLEAN})


@dataclass(frozen=True)
class Source:
    """An aggregated field as one index has it: its type, tantivy slot and key kind."""

    path: str
    field: FieldType | None = None
    slot: str | None = None
    slot_kind: str | None = None  # "keyword", "i64", "u64", "f64", "bool", "text" (fielddata)

    @property
    def mapped(self) -> bool:
        return self.field is not None and self.slot is not None

    @property
    def column(self) -> str:
        """The tantivy slot of a mapped field."""
        assert self.slot is not None, f"[{self.path}] has no tantivy slot"
        return self.slot

    @property
    def key_kind(self) -> str | None:
        """How bucket keys of this field are typed: string, ip, long, ulong, double, date, bool."""
        return key_kind_of(self.field)

    def convert(self, value: Any) -> Any:
        """A user-given value (``missing``, ``include``) in this field's indexed form."""
        assert self.field is not None
        return self.field.to_query_value(value)


def key_kind_of(field: FieldType | None) -> str | None:
    if field is None:
        return None
    if isinstance(field, IpField):
        return "ip"
    if isinstance(field, BooleanField):
        return "bool"
    if isinstance(field, DateField):
        return "date"
    if isinstance(field, NumberField):
        if field.type_name == "unsigned_long":
            return "ulong"
        return "long" if field.integral else "double"
    return "string"


def category(field: FieldType) -> str | None:
    if isinstance(field, IpField):
        return IP
    if isinstance(field, BooleanField):
        return BOOLEAN
    if isinstance(field, DateField):
        return DATE
    if isinstance(field, NumberField):
        return NUMERIC
    if isinstance(field, KeywordField):
        return KEYWORD
    return None


def id_fielddata_error() -> IllegalArgument:
    """Elasticsearch 8+'s refusal to aggregate ``_id`` (``indices.id_field_data.enabled`` is
    false by default, and the engine does not serve it)."""
    return IllegalArgument(
        "Fielddata access on the _id field is disallowed, you can re-enable it by updating the "
        "dynamic cluster setting: indices.id_field_data.enabled"
    )


def fielddata_error(path: str, index: str) -> IllegalArgument:
    """Elasticsearch 8.5+'s refusal to aggregate a text field."""
    return fielddata_disabled(path, index)


# --------------------------------------------------------------------------------------------
# Shards
# --------------------------------------------------------------------------------------------


class Shard:
    """One index of the search, as the aggregations of a request see it."""

    def __init__(self, target: Target, single: bool) -> None:
        self.target = target
        self.reader = target.reader
        self.searcher: tantivy.Searcher = target.reader.searcher
        self.mapping = target.reader.mapping
        #: Whether this is the only index of the search (its results need no merge).
        self.single = single
        #: Set after tantivy refused a request for its size: translate less, collect more.
        self.lean = False
        self._plans: dict[int, Any] = {}
        self._sources: dict[tuple[str, str], Source] = {}
        #: What aggregations compute once per index (keyed by aggregation id).
        self.cache: dict[int, Any] = {}
        #: The nested path of the documents aggregated ("": root documents), and the shard a
        #: ``nested`` or ``reverse_nested`` aggregation came from (see :mod:`.nested`).
        self.level: str = target.reader.level
        self.outer: Shard | None = None

    @property
    def index_name(self) -> str:
        return self.target.index.name

    # Fields

    def source(self, agg: Agg, path: str, accepted: frozenset[str]) -> Source:
        """The field ``path`` for ``agg``, with Elasticsearch's errors for unusable types."""
        cache_key = (agg.kind, path)
        found = self._sources.get(cache_key)
        if found is None:
            found = self._sources[cache_key] = self._resolve(agg, path, accepted)
        return found

    def _resolve(self, agg: Agg, path: str, accepted: frozenset[str]) -> Source:
        field_type = self.mapping.field(path)
        if field_type is None:
            if path == "_id":
                raise id_fielddata_error()
            return Source(path)
        if isinstance(field_type, TextField):
            return self._fielddata(agg, path, field_type, accepted)
        kind = category(field_type)
        if kind is None or kind not in accepted:
            raise IllegalArgument(
                f"Field [{path}] of type [{field_type.type_name}] is not supported for "
                f"aggregation [{agg.kind}]"
            )
        if not field_type.doc_values:
            raise IllegalArgument(
                f"Can't load fielddata on [{path}] because fielddata is unsupported on fields of "
                f"type [{field_type.type_name}]. Use doc values instead."
            )
        entry = self.reader.layout.slots.get(field_type.path)
        if entry is None:
            return Source(path, field_type)
        return Source(path, field_type, entry[0], entry[1][0])

    def _fielddata(
        self, agg: Agg, path: str, field_type: TextField, accepted: frozenset[str]
    ) -> Source:
        """A text field with ``fielddata``: its terms, as the inverted index holds them.

        Elasticsearch uninverts the index: a document's values are the distinct terms the
        field's analyzer made of its text, which is what tantivy's term dictionary holds.
        """
        if field_type.type_name != "text" or field_type.definition.get("fielddata") not in (
            True,
            "true",
        ):
            raise fielddata_error(path, self.index_name)
        if field_type.definition.get("fielddata_frequency_filter") is not None:
            raise Unsupported(f"[fielddata_frequency_filter] on the text field [{path}]")
        if KEYWORD not in accepted:
            raise IllegalArgument(
                f"Field [{path}] of type [text] is not supported for aggregation [{agg.kind}]"
            )
        entry = self.reader.layout.slots.get(field_type.path)
        if entry is None:
            return Source(path, field_type)
        return Source(path, field_type, entry[0], "text")

    def text_terms(self, source: Source, query: tantivy.Query) -> list[tuple[str, int]]:
        """The terms of a fielddata text field in the documents of ``query``, with counts."""
        return [
            (term, int(count))
            for term, count in self.searcher.terms_with_prefix(source.column, "", query)
        ]

    # Queries

    def run(self, query: tantivy.Query, request: dict[str, Any]) -> dict[str, Any]:
        """tantivy's aggregations of ``request`` over the documents ``query`` matches."""
        try:
            return self.searcher.aggregate(query, request)
        except ValueError as error:
            if "bucket limit" in str(error):
                raise TantivyLimit(str(error)) from None
            raise IllegalArgument(f"aggregation failed: {error}") from None

    def count(self, query: tantivy.Query) -> int:
        return int(self.run(query, {"n": COUNT})["n"]["value"] or 0)

    @staticmethod
    def refine(query: tantivy.Query, condition: tantivy.Query) -> tantivy.Query:
        """``query`` narrowed to ``condition``, keeping the scores of ``query``."""
        return Query.boolean_query(
            [(Occur.Must, query), (Occur.Must, Query.boost_query(condition, 0.0))]
        )

    def exists(self, source: Source) -> tantivy.Query:
        """Documents with a value for the field (its fast column has one)."""
        if not source.mapped:
            return Query.empty_query()
        if source.slot_kind == "text":  # a text value with terms (not one analyzed to none)
            return Query.regex_query(self.reader.schema, source.column, ".*")
        return Query.exists_query(source.column)

    def without_value(self, query: tantivy.Query, source: Source) -> tantivy.Query:
        """The documents of ``query`` that have no value for the field."""
        if not source.mapped:
            return query
        return Query.boolean_query([(Occur.Must, query), (Occur.MustNot, self.exists(source))])

    def term(self, source: Source, value: Any) -> tantivy.Query:
        """Documents whose field has ``value`` (an indexed value, as in bucket keys)."""
        kind = source.slot_kind
        if kind in ("keyword", "text"):
            return Query.term_query(self.reader.schema, source.column, value)
        if kind == "bool":
            return Query.term_query(self.reader.schema, source.column, bool(value))
        return self.range(source, value, value, upper_inclusive=True)

    def range_refiner(
        self, query: tantivy.Query, source: Source, low: Any, high: Any
    ) -> Callable[[], tantivy.Query]:
        """The query of a range bucket, made when a sub-aggregation asks for it."""
        return lambda: self.refine(query, self.range(source, low, high))

    def range(
        self, source: Source, low: Any, high: Any, *, upper_inclusive: bool = False
    ) -> tantivy.Query:
        """Documents with a value in ``[low, high)`` (None: unbounded)."""
        kind = source.slot_kind
        enum = tantivy.FieldType
        if kind in ("i64", "u64"):
            low = None if low is None else math.ceil(low)
            if high is not None:
                high = math.floor(high) if upper_inclusive else math.ceil(high) - 1
            if kind == "u64":
                low = None if low is None else max(0, low)
                if high is not None and high < 0:
                    return Query.empty_query()
            if low is not None and high is not None and low > high:
                return Query.empty_query()
            field_type = enum.Integer if kind == "i64" else enum.Unsigned
            return Query.range_query(
                self.reader.schema, source.column, field_type, low, high, True, True
            )
        low = None if low is None else float(low)
        high = None if high is None else float(high)
        return Query.range_query(
            self.reader.schema, source.column, enum.Float, low, high, True, upper_inclusive
        )

    # Plans

    def plan(self, agg: Agg) -> dict[str, Any] | None:
        """``agg``'s tantivy request on this index (None: collected in Python), decided once."""
        key = id(agg)
        if key not in self._plans:
            self._plans[key] = agg.request(self)
        return self._plans[key]

    def relax(self) -> None:
        """After tantivy refused a request for its size: translate fewer aggregations."""
        if self.lean:
            raise TooManyBuckets(MAX_BUCKETS + 1)
        self.lean = True
        self._plans.clear()


# --------------------------------------------------------------------------------------------
# Aggregations
# --------------------------------------------------------------------------------------------


@dataclass
class Bucket:
    """One bucket of a partial result: its key, document count and sub-aggregation partials."""

    key: Any
    doc_count: int
    subs: dict[str, Any] = field(default_factory=dict)
    #: Terms: the upper bound of the error on ``doc_count`` (-1: unbounded).
    error: int = 0


class Agg:
    """One aggregation of a request: parsing, per-index collection, reduce and rendering."""

    kind: ClassVar[str] = ""
    #: Whether the aggregation may have sub-aggregations (bucket aggregations).
    buckets: ClassVar[bool] = False
    #: Whether it makes exactly one bucket (a step of an order path ``a>b``).
    single_bucket: ClassVar[bool] = False

    def __init__(
        self, name: str, body: dict[str, Any], meta: dict[str, Any] | None, subs: dict[str, Agg]
    ) -> None:
        self.name = name
        self.meta = meta
        self.subs = subs
        if subs and not self.buckets:
            raise BadRequest(
                f"Aggregator [{name}] of type [{self.kind}] cannot accept sub-aggregations",
                type="aggregation_initialization_exception",
            )
        params = Params(self.kind, body)
        self.configure(params)
        params.finish()

    def configure(self, params: Params) -> None:
        """Read and validate the parameters (request parsing time)."""

    # Collection (per index)

    def request(self, shard: Shard) -> dict[str, Any] | None:
        """The tantivy aggregation computing this on ``shard``, or None to use :meth:`collect`."""
        return None

    def from_response(self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]) -> Any:
        """The partial result from tantivy's answer to :meth:`request`."""
        raise NotImplementedError

    def collect(self, shard: Shard, query: tantivy.Query) -> Any:
        """The partial result over the documents of ``query``, without a prepared request."""
        request = self.request(shard)
        if request is None:
            raise NotImplementedError
        raw = shard.run(query, {"x": request})
        return self.from_response(shard, query, raw["x"])

    # Reduce and render

    def empty(self) -> Any:
        """The partial result of no documents (for buckets that are only in the response)."""
        return self.reduce([])

    def reduce(self, partials: list[Any]) -> Any:
        raise NotImplementedError

    def render(self, partial: Any) -> dict[str, Any]:
        raise NotImplementedError

    def output(self, partial: Any) -> dict[str, Any]:
        body = self.render(partial)
        if self.meta is not None:
            return {"meta": self.meta, **body}
        return body

    def value(self, partial: Any, metric: str | None) -> float:
        """The number an order path ending here sorts by (``agg`` or ``agg.metric``)."""
        raise InvalidPath(
            f"Invalid aggregation order path [{self.name}]. Buckets can only be sorted on a "
            "sub-aggregator path that is built out of zero or more single-bucket aggregations "
            "within the path and a final single-bucket or a metrics aggregation at the path end."
        )


# --------------------------------------------------------------------------------------------
# Levels: several aggregations collected together
# --------------------------------------------------------------------------------------------


def collect_level(
    aggs: dict[str, Agg], shard: Shard, query: tantivy.Query, *, count: bool = False
) -> tuple[int | None, dict[str, Any]]:
    """Partials of sibling aggregations over ``query``, in one tantivy pass when possible.

    With ``count``, also the number of documents ``query`` matches.
    """
    while True:
        requests = {
            f"a{i}": plan
            for i, agg in enumerate(aggs.values())
            if (plan := shard.plan(agg)) is not None
        }
        if count:
            requests["n"] = COUNT
        try:
            raw = shard.run(query, requests) if requests else {}
            results = {}
            for i, (name, agg) in enumerate(aggs.items()):
                key = f"a{i}"
                if key in requests:
                    results[name] = agg.from_response(shard, query, raw[key])
                else:
                    results[name] = agg.collect(shard, query)
        except TantivyLimit:
            shard.relax()
            continue
        total = int(raw["n"]["value"] or 0) if count else None
        return total, results


def sub_requests(shard: Shard, subs: dict[str, Agg]) -> dict[str, Any]:
    """The tantivy requests of the sub-aggregations tantivy computes (named ``a0``, ``a1``...)."""
    return {
        f"a{i}": plan
        for i, agg in enumerate(subs.values())
        if (plan := shard.plan(agg)) is not None
    }


def with_subs(request: dict[str, Any], shard: Shard, subs: dict[str, Agg]) -> dict[str, Any]:
    nested = sub_requests(shard, subs)
    if nested:
        request["aggs"] = nested
    return request


def bucket_subs(
    shard: Shard,
    subs: dict[str, Agg],
    raw: dict[str, Any] | None,
    query: Callable[[], tantivy.Query],
) -> dict[str, Any]:
    """Sub-aggregation partials of one bucket: from tantivy's bucket, or on its own query."""
    if not subs:
        return {}
    narrowed = query()
    results = {}
    deferred = {}
    for i, (name, agg) in enumerate(subs.items()):
        key = f"a{i}"
        if raw is not None and key in raw and shard.plan(agg) is not None:
            results[name] = agg.from_response(shard, narrowed, raw[key])
        else:
            deferred[name] = agg
    if deferred:
        results.update(collect_level(deferred, shard, narrowed)[1])
    return {name: results[name] for name in subs}


def subs_on(shard: Shard, subs: dict[str, Agg], query: tantivy.Query) -> dict[str, Any]:
    """Sub-aggregation partials of a bucket defined by ``query``."""
    return collect_level(subs, shard, query)[1] if subs else {}


def empty_subs(subs: dict[str, Agg]) -> dict[str, Any]:
    return {name: agg.empty() for name, agg in subs.items()}


def reduce_subs(subs: dict[str, Agg], parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {name: agg.reduce([p[name] for p in parts if name in p]) for name, agg in subs.items()}


def render_subs(subs: dict[str, Agg], partials: dict[str, Any]) -> dict[str, Any]:
    return {
        name: agg.output(partials[name] if name in partials else agg.empty())
        for name, agg in subs.items()
    }


def merge_buckets(subs: dict[str, Agg], buckets: list[Bucket]) -> Bucket:
    """Buckets of several indices with one key, as one."""
    first = buckets[0]
    if len(buckets) == 1:
        reduced = reduce_subs(subs, [first.subs]) if subs else {}
        return Bucket(first.key, first.doc_count, reduced, first.error)
    return Bucket(
        first.key, sum(b.doc_count for b in buckets), reduce_subs(subs, [b.subs for b in buckets])
    )
