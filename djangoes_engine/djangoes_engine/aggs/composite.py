"""The composite aggregation: every combination of its sources' values, a page at a time.

A document falls in one bucket per combination of the values its sources give (several for a
multi-valued field, the ``null`` key for none with ``missing_bucket``). Buckets are ordered by
their keys, source after source, and a request returns the ``size`` first ones after the
``after`` key; ``after_key`` (the last bucket's key, whenever there are buckets, as Elasticsearch
9 answers) is where the next page starts.

Per index, the buckets are found depth first in key order: the first source splits the query
into one narrowed query per value, the next source splits each of those, and so on, stopping at
``size`` buckets after ``after``. So a page costs what its buckets cost, not what all buckets
would. Indices reduce as Elasticsearch's coordinating node does: buckets merged by key,
re-sorted, cut at ``size``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..dates import DateFormat, DateParseError
from ..decimals import decimal_format
from ..errors import EngineError, IllegalArgument, ParsingError, Unsupported
from ..fields import DateField
from .body import Params
from .core import (
    ALL_TERMS,
    ANY,
    DATE,
    NUMERIC,
    TANTIVY_BUCKETS,
    Agg,
    Bucket,
    Shard,
    Source,
    TooManyBuckets,
    check_buckets,
    collect_level,
    empty_subs,
    merge_buckets,
    register,
    render_subs,
)
from .histograms import DateHistogram
from .terms import Terms, convert_key, sort_key

#: Aggregations a composite may sit under (Elasticsearch's validateParentAggregations).
ALLOWED_PARENTS = frozenset({"filter", "nested"})
#: Elasticsearch's factory class names, where they are not the aggregation's name in CamelCase.
FACTORY_NAMES = {
    "composite": "CompositeAggregationFactory",
    "ip_range": "BinaryRangeAggregatorFactory",
    "geohash_grid": "GeoHashGridAggregatorFactory",
    "geotile_grid": "GeoTileGridAggregatorFactory",
}
MISSING_ORDERS = ("default", "first", "last")
#: A key (one value per source, None for a missing one).
Key = tuple[Any, ...]


def misplaced(aggs: dict[str, Agg], parent: str | None = None) -> str | None:
    """The factory of the nearest parent that refuses a composite below it, if any does."""
    for agg in aggs.values():
        if isinstance(agg, Composite) and parent is not None:
            return parent
        inner = parent if agg.kind in ALLOWED_PARENTS else factory_name(agg.kind)
        found = misplaced(agg.subs, inner)
        if found is not None:
            return found
    return None


def factory_name(kind: str) -> str:
    if kind in FACTORY_NAMES:
        return FACTORY_NAMES[kind]
    return "".join(part.capitalize() for part in kind.split("_")) + "AggregatorFactory"


def parent_error(factory: str) -> IllegalArgument:
    return IllegalArgument(
        f"[composite] aggregation cannot be used with a parent aggregation of type: [{factory}]"
    )


def _java_type(value: Any) -> str:
    """The Java class Elasticsearch's parser gives a JSON value (for its error messages)."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer" if -(2**31) <= value < 2**31 else "Long"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, dict):
        return "LinkedHashMap"
    if isinstance(value, list):
        return "ArrayList"
    return "String"


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


@dataclass
class Values:
    """One source on one index: how it splits a query, and how its keys read and print."""

    source: Source
    #: Bucket keys (and their doc counts) of a query, each with the condition of its bucket.
    split: Callable[[tantivy.Query], list[tuple[Any, int, tantivy.Query]]]
    parse: Callable[[Any], Any]
    printer: Callable[[Any], Any]
    #: How keys compare (IPs by their bytes).
    order: Callable[[Any], Any] = field(default=lambda key: key)


class CompositeSource:
    """One entry of ``sources``: its name, type and the options every type has."""

    types = ("terms", "histogram", "date_histogram", "geotile_grid")

    def __init__(self, name: str, kind: str, body: dict[str, Any]) -> None:
        self.name = name
        self.kind = kind
        params = Params(kind, body)
        self.field = params.source_field()
        self.missing_bucket = params.boolean("missing_bucket", False)
        self.missing_order = (params.string("missing_order") or "default").lower()
        if self.missing_order not in MISSING_ORDERS:
            raise params.failed(
                "missing_order",
                IllegalArgument(
                    "No enum constant org.elasticsearch.search.aggregations.bucket.composite."
                    f"MissingOrder.{self.missing_order.upper()}"
                ),
            )
        order = (params.string("order") or "asc").lower()
        if order not in ("asc", "desc"):
            raise params.failed("order", IllegalArgument(f"Unknown SortOrder [{order}]"))
        self.ascending = order == "asc"
        self.format = params.string("format")
        params.get("value_type")
        self.interval: float | None = None
        self.histogram: DateHistogram | None = None
        self.terms: Terms | None = None
        if kind == "terms":
            self.terms = Terms(name, {"field": self.field}, None, {})
        elif kind == "histogram":
            interval = params.number("interval", None)
            if interval is None or interval <= 0:
                raise params.failed(
                    "interval",
                    IllegalArgument("[interval] must be greater than 0 for [histogram] source"),
                )
            self.interval = interval
        else:
            spec = {key: params.get(key) for key in ("calendar_interval", "fixed_interval")}
            spec.update(time_zone=params.get("time_zone"), offset=params.get("offset"))
            if "interval" in params.body:
                params.finish()  # the legacy [interval]: unknown since Elasticsearch 8
            body = {k: v for k, v in spec.items() if v is not None}
            if self.format is not None:
                body["format"] = self.format
            self.histogram = DateHistogram(
                name, {"field": self.field, "min_doc_count": 1, **body}, None, {}
            )
        params.finish()

    def compare(self, left: Any, right: Any, order: Callable[[Any], Any]) -> int:
        """Elasticsearch's order of two keys of this source (None: a missing value)."""
        if left is None or right is None:
            if left is None and right is None:
                return 0
            first = self.missing_order == "first" or (
                self.missing_order == "default" and self.ascending
            )
            sign = -1 if first else 1
            return sign if left is None else -sign
        a, b = order(left), order(right)
        result = (a > b) - (a < b)
        return result if self.ascending else -result

    # Per index

    def values(self, agg: Composite, shard: Shard) -> Values:
        if self.kind == "terms":
            return self._terms(shard)
        if self.kind == "histogram":
            return self._histogram(agg, shard)
        return self._date_histogram(shard)

    def _terms(self, shard: Shard) -> Values:
        assert self.terms is not None
        source = shard.source(self.terms, self.field, ANY)
        kind = source.key_kind or "string"

        def split(query: tantivy.Query) -> list[tuple[Any, int, tantivy.Query]]:
            if not source.mapped:
                return []
            if source.slot_kind == "text":
                found = shard.text_terms(source, query)
            else:
                body = {"field": source.slot, "size": TANTIVY_BUCKETS, "segment_size": ALL_TERMS}
                raw = shard.run(query, {"t": {"terms": body}})["t"]
                if raw.get("sum_other_doc_count"):
                    raise TooManyBuckets(TANTIVY_BUCKETS + int(raw["sum_other_doc_count"]))
                found = [(convert_key(kind, e["key"]), int(e["doc_count"])) for e in raw["buckets"]]
            return [(key, count, shard.term(source, key)) for key, count in found]

        return Values(
            source,
            split,
            self._after_parser(kind, source),
            self._printer(kind, source),
            sort_key(kind),
        )

    def _histogram(self, agg: Composite, shard: Shard) -> Values:
        assert self.interval is not None
        interval = self.interval
        source = shard.source(agg, self.field, frozenset({NUMERIC, DATE}))

        def split(query: tantivy.Query) -> list[tuple[Any, int, tantivy.Query]]:
            if not source.mapped:
                return []
            body = {"field": source.slot, "interval": interval, "min_doc_count": 1}
            raw = shard.run(query, {"h": {"histogram": body}})["h"]
            found = []
            for entry in raw["buckets"]:
                key = math.floor(float(entry["key"]) / interval) * interval
                low, high = key, key + interval
                found.append((float(key), int(entry["doc_count"]), shard.range(source, low, high)))
            return found

        return Values(
            source, split, self._after_parser("double", source), self._printer("double", source)
        )

    def _date_histogram(self, shard: Shard) -> Values:
        histogram = self.histogram
        assert histogram is not None
        source = histogram.source(shard)

        def split(query: tantivy.Query) -> list[tuple[Any, int, tantivy.Query]]:
            if not source.mapped:
                return []
            partial = histogram.collect(shard, query)
            return [
                (key, bucket.doc_count, shard.range(source, key, histogram.next_key(key)))
                for key, bucket in partial.buckets.items()
            ]

        def parse(value: Any) -> int:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(value)
            if self.format is None and isinstance(value, str):
                try:
                    return int(value)
                except ValueError:
                    pass
            return histogram.parse_date(shard, source, value)

        printer: Callable[[Any], Any] = int
        if self.format is not None:
            formatted = histogram.printer(source.field)
            assert formatted is not None  # a format prints every key
            printer = formatted
        return Values(source, split, parse, printer)

    def _printer(self, kind: str, source: Source) -> Callable[[Any], Any]:
        if kind == "bool":
            return lambda key: bool(key)
        if kind == "date":  # timestamps, unless a format is given (Elasticsearch keeps longs)
            if not self.format:
                return int
            date_format = DateFormat(self.format)
            return lambda key: date_format.format(int(key))
        if kind in ("long", "ulong", "double"):
            pattern = self.format
            if pattern:
                return lambda key: decimal_format(key, pattern)
            return float if kind == "double" else int
        return str

    def _after_parser(self, kind: str, source: Source) -> Callable[[Any], Any]:
        """An ``after`` value in the form of this source's keys on this index."""

        def parse(value: Any) -> Any:
            if kind in ("string", "ip"):
                if not isinstance(value, str):
                    raise IllegalArgument(
                        f"invalid value, expected string, got {_java_type(value)}"
                    )
                return value
            if kind == "bool":
                if isinstance(value, bool):
                    return int(value)
                if isinstance(value, int | float):
                    return int(value)
                return int(str(value) == "true")
            if kind == "date" and isinstance(value, str):
                date_format = (
                    DateFormat(self.format)
                    if self.format
                    else (
                        source.field.date_format
                        if isinstance(source.field, DateField)
                        else DateFormat()
                    )
                )
                try:
                    return date_format.parse(value)
                except DateParseError as error:
                    raise IllegalArgument(str(error)) from None
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise IllegalArgument(f'For input string: "{value}"') from None
            if kind == "double":
                return number
            return int(number)

        return parse


def _parse_sources(spec: Any) -> list[CompositeSource]:
    if spec is None:
        raise IllegalArgument("Required [sources]")
    if not isinstance(spec, list):
        raise ParsingError("[composite] sources doesn't support values of type: VALUE_STRING")
    sources = []
    for entry in spec:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ParsingError(
                "[composite] failed to parse field [sources]: each source is an object with one "
                "named source"
            )
        ((name, typed),) = entry.items()
        if not isinstance(typed, dict) or len(typed) != 1:
            raise ParsingError(f"[composite] source [{name}] must name one source type")
        ((kind, body),) = typed.items()
        if kind not in CompositeSource.types:
            raise ParsingError(f"invalid source type: {kind}")
        if kind == "geotile_grid":
            raise Unsupported("the [geotile_grid] source of the [composite] aggregation")
        if not isinstance(body, dict):
            raise ParsingError(f"[{kind}] source [{name}] must be an object")
        sources.append(CompositeSource(name, kind, body))
    if not sources:
        raise IllegalArgument("Composite [sources] cannot be null or empty")
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise IllegalArgument(
            f"Composite source names must be unique, found duplicates: [{', '.join(duplicates)}]"
        )
    return sources


# --------------------------------------------------------------------------------------------
# The aggregation
# --------------------------------------------------------------------------------------------


@dataclass
class CompositeResult:
    """Buckets of one index (or reduced) in key order, and how their keys compare and print."""

    buckets: list[Bucket]
    orders: list[Callable[[Any], Any]] | None = None
    printers: list[Callable[[Any], Any]] | None = None


@register
class Composite(Agg):
    kind = "composite"
    buckets = True

    def configure(self, params: Params) -> None:
        self.sources = _parse_sources(params.get("sources"))
        self.size = params.integer("size", 10)
        if self.size < 1:  # Elasticsearch fails inside its collector queue (a server error)
            raise Unsupported(f"a [size] of [{self.size}] in the [composite] aggregation")
        after = params.get("after")
        if after is not None and not isinstance(after, dict):
            raise params.failed("after")
        self.after: dict[str, Any] | None = after

    # Per index

    def collect(self, shard: Shard, query: tantivy.Query) -> CompositeResult:
        for source in self.sources:
            if not source.missing_bucket and source.missing_order != "default":
                raise IllegalArgument("missing_order require missing_bucket is true")
        values = [source.values(self, shard) for source in self.sources]
        after = self._after(values)
        leaves: list[tuple[Key, int, tantivy.Query]] = []
        self._walk(shard, values, query, (), after, leaves)
        buckets = [
            Bucket(key, count, collect_level(self.subs, shard, narrowed)[1] if self.subs else {})
            for key, count, narrowed in leaves
        ]
        return CompositeResult(buckets, [v.order for v in values], [v.printer for v in values])

    def _after(self, values: list[Values]) -> Key | None:
        """``after`` as a key of this index, with Elasticsearch's errors."""
        if self.after is None:
            return None
        if len(self.after) != len(self.sources):
            raise IllegalArgument(
                f"[after] has {len(self.after)} value(s) but [sources] has {len(self.sources)}"
            )
        key: list[Any] = []
        for source, value_source in zip(self.sources, values, strict=True):
            if source.name not in self.after:
                raise IllegalArgument(f"Missing value for [after.{source.name}]")
            value = self.after[source.name]
            if value is None and source.missing_bucket:
                key.append(None)
                continue
            if value is None or isinstance(value, dict | list):
                got = "null" if value is None else _java_type(value)
                raise IllegalArgument(
                    f"Invalid value for [after.{source.name}], expected comparable, got [{got}]"
                )
            try:
                key.append(value_source.parse(value))
            except EngineError as error:
                raise IllegalArgument(error.reason) from None
        return tuple(key)

    def _walk(
        self,
        shard: Shard,
        values: list[Values],
        query: tantivy.Query,
        prefix: Key,
        after: Key | None,
        leaves: list[tuple[Key, int, tantivy.Query]],
    ) -> bool:
        """Leaves in key order below ``prefix``, after ``after``; True once ``size`` are found.

        ``after`` is given while ``prefix`` equals its start (keys before it are skipped).
        """
        level = len(prefix)
        source, value_source = self.sources[level], values[level]
        entries = value_source.split(query)
        if source.missing_bucket:
            absent = Query.boolean_query(
                [
                    (Occur.Must, Query.all_query()),
                    (Occur.MustNot, shard.exists(value_source.source)),
                ]
            )
            count = shard.count(shard.refine(query, absent))
            if count:
                entries.append((None, count, absent))
        order = value_source.order

        def compare(a: tuple[Any, int, tantivy.Query], b: tuple[Any, int, tantivy.Query]) -> int:
            return source.compare(a[0], b[0], order)

        entries.sort(key=functools.cmp_to_key(compare))
        last = level == len(self.sources) - 1
        for key, count, condition in entries:
            below = None
            if after is not None:
                position = source.compare(key, after[level], order)
                if position < 0 or (position == 0 and last):
                    continue
                below = after if position == 0 else None
            narrowed = shard.refine(query, condition)
            if last:
                leaves.append(((*prefix, key), count, narrowed))
                if len(leaves) >= self.size:
                    return True
            elif self._walk(shard, values, narrowed, (*prefix, key), below, leaves):
                return True
        return False

    # Reduce and render

    def _compare(self, result: CompositeResult, left: Key, right: Key) -> int:
        orders = result.orders or [sort_key(None)] * len(self.sources)
        for source, order, a, b in zip(self.sources, orders, left, right, strict=True):
            found = source.compare(a, b, order)
            if found:
                return found
        return 0

    def reduce(self, partials: list[CompositeResult]) -> CompositeResult:
        described = next((p for p in partials if p.orders is not None), None)
        result = CompositeResult(
            [],
            described.orders if described else None,
            described.printers if described else None,
        )
        groups: dict[Key, list[Bucket]] = {}
        for partial in partials:
            for bucket in partial.buckets:
                groups.setdefault(bucket.key, []).append(bucket)
        merged = [merge_buckets(self.subs, same) for same in groups.values()]
        merged.sort(key=functools.cmp_to_key(lambda a, b: self._compare(result, a.key, b.key)))
        result.buckets = merged[: self.size]
        check_buckets(len(result.buckets))
        return result

    def empty(self) -> CompositeResult:
        return CompositeResult([])

    def _key(self, result: CompositeResult, key: Key) -> dict[str, Any]:
        printers = result.printers or [lambda value: value] * len(self.sources)
        return {
            source.name: None if value is None else printer(value)
            for source, printer, value in zip(self.sources, printers, key, strict=True)
        }

    def render(self, partial: CompositeResult) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if partial.buckets:
            body["after_key"] = self._key(partial, partial.buckets[-1].key)
        body["buckets"] = [
            {
                "key": self._key(partial, bucket.key),
                "doc_count": bucket.doc_count,
                **render_subs(self.subs, bucket.subs or empty_subs(self.subs)),
            }
            for bucket in partial.buckets
        ]
        return body
